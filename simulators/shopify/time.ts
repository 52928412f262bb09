/**
 * Timestamp formats. REST webhook payloads carry the shop's local offset ("2024-11-29T10:15:00-05:00");
 * the GraphQL Admin API's `DateTime` is UTC with a "Z" and no fraction ("2024-11-29T15:15:00Z").
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      timeZoneName: "longOffset",
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` at `date` in minutes east of UTC (DST-aware). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const part = offsetFormatter(timeZone)
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(part ?? "");
  if (!m) return 0; // "GMT" alone means UTC
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? "0");
  return m[1] === "-" ? -minutes : minutes;
}

/** "2024-11-29T10:15:00-05:00" in the shop's zone, second precision. */
export function restTimestamp(date: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(date, timeZone);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local.toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** "2024-11-29T15:15:00Z". */
export function graphqlDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
