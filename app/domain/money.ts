/**
 * Exact money: decimal strings from the platforms ("12.50") become integer minor units (1250) using the
 * currency's own number of decimals (JPY 0, EUR 2, KWD 3). No floating point on the way.
 */
const digitsCache = new Map<string, number>();

export function currencyDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = digitsCache.get(code);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // unknown code: the common case
    }
    digitsCache.set(code, digits);
  }
  return digits;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses "12.5" / "12.50" / "-3" into minor units; returns null for anything that is not a plain decimal. */
export function parseMinorUnits(amount: string | number | null | undefined, currency: string): number | null {
  if (amount === null || amount === undefined) return null;
  const text = typeof amount === "number" ? String(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  const digits = currencyDigits(currency);
  // Round half away from zero on the first dropped digit (platforms send at most the currency's digits).
  const kept = fraction.slice(0, digits).padEnd(digits, "0");
  const roundUp = fraction.length > digits && Number(fraction[digits]) >= 5 ? 1 : 0;
  const value = Number(whole) * 10 ** digits + Number(kept || "0") + roundUp;
  if (!Number.isSafeInteger(value)) return null;
  return sign ? -value : value;
}

/** Formats minor units for display and CSV ("1250", "EUR" -> "12.50"). */
export function formatMinorUnits(minor: number | bigint, currency: string): string {
  return formatMinorDigits(typeof minor === "bigint" ? minor : BigInt(Math.round(minor)), currencyDigits(currency));
}

/** 18240n with 2 decimals -> "182.40"; exact (BigInt), no floats. */
export function formatMinorDigits(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(digits);
  const whole = abs / base;
  const fraction = digits > 0 ? "." + (abs % base).toString().padStart(digits, "0") : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}
