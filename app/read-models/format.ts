/**
 * Display formatting shared by server and browser: money from minor units with Intl, counts, percentages,
 * dates in the store's time zone. Loaders send minor units as strings (BigInt does not survive JSON).
 */
import { currencyDigits } from "../domain/money";

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string, compact: boolean): Intl.NumberFormat {
  const key = `${currency}|${locale}|${compact}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      // "Whole" rather than compact notation: compact output differs between Node's and the browser's ICU,
      // which would break hydration.
      format = new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        ...(compact ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}),
      });
    } catch {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: currencyDigits(currency) });
    }
    moneyFormats.set(key, format);
  }
  return format;
}

/** 123456 minor units of EUR -> "€1,234.56", or "€1,235" with `compact` (exact below 2^53 minor units). */
export function formatMoney(
  minor: string | number | bigint | null | undefined,
  currency: string,
  locale = "en-US",
  options: { compact?: boolean } = {},
): string {
  if (minor === null || minor === undefined || minor === "") return "—";
  const digits = currencyDigits(currency);
  const major = Number(minor) / 10 ** digits;
  return moneyFormat(currency, locale, options.compact ?? false).format(major);
}

/** Minor units to major units as a plain number (charts). */
export function toMajorUnits(minor: string | number | bigint, currency: string): number {
  return Number(minor) / 10 ** currencyDigits(currency);
}

export function formatCount(value: number, locale = "en-US"): string {
  return value.toLocaleString(locale);
}

/** 0.1234 -> "12.3%"; null -> "—". */
export function formatShare(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  return `${(share * 100).toFixed(digits)}%`;
}

/** "18 Nov 2026" in the store's time zone. */
export function formatDay(iso: string | null | undefined, timeZone: string, locale = "en-GB"): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(locale, { timeZone, day: "numeric", month: "short", year: "numeric" });
}

/** "18 Nov 2026, 03:04" in the store's time zone. */
export function formatDateTime(iso: string | null | undefined, timeZone: string, locale = "en-GB"): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(locale, {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A "YYYY-MM-DD" day key as "18 Nov 2026" (no time zone shift: it is already a calendar day). */
export function formatDayKey(day: string, locale = "en-GB"): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(locale, {
    timeZone: "UTC",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

/** NPS to a signed whole number ("+42", "-7"). */
export function formatNps(nps: number | null): string {
  if (nps === null) return "—";
  const rounded = Math.round(nps);
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

/** Milliseconds as "2m 5s" / "850 ms". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
