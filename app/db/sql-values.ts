/** Raw-query results differ by driver (SQLite: number or bigint; PostgreSQL: bigint, string for NUMERIC). */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return Number(value);
  if (value && typeof value === "object" && "toString" in value) return Number(String(value));
  return 0;
}

/** Minor units as a decimal string (exact), for JSON. */
export function toMinorString(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Math.round(value).toString();
  if (typeof value === "string") return value.includes(".") ? Math.round(Number(value)).toString() : value;
  if (value && typeof value === "object") return toMinorString(String(value));
  return "0";
}

/** "YYYY-MM-DD" minus n days. */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
