/**
 * Store-local time for scheduling, DST-safe, with no clock of its own (pass "now").
 * A store's nightly run is due once per local calendar day, at or after its configured local hour.
 */

/** The calendar day (YYYY-MM-DD) and hour in `timeZone` at `instant`. */
export function localParts(instant: Date, timeZone: string): { day: string; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    day: `${get("year")}-${get("month")}-${get("day")}`,
    hour: Number(get("hour")),
    minute: Number(get("minute")),
  };
}

/** The store's offset from UTC in minutes at `instant` (e.g. +60 for Europe/Rome in winter). */
export function utcOffsetMinutes(instant: Date, timeZone: string): number {
  const { day, hour, minute } = localParts(instant, timeZone);
  const asUtc = Date.parse(`${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`);
  const truncated = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((asUtc - truncated) / 60_000);
}

/** True when a timezone name is one Intl knows (invalid names would silently run on UTC otherwise). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the nightly run is due: the local hour has been reached today and the last nightly run was on an
 * earlier local day. On a spring-forward night where the hour does not exist (02:00-03:00 skipped), the first
 * instant after it counts as reaching it; on a fall-back night the hour happens twice but the run happens once,
 * because it is keyed by the local day.
 */
export function isNightlyDue(now: Date, timeZone: string, hour: number, lastRunLocalDay: string | null): boolean {
  const local = localParts(now, timeZone);
  if (lastRunLocalDay !== null && lastRunLocalDay >= local.day) return false;
  return local.hour >= hour;
}

/** The first instant at or after `from` when the store's local clock reads `hour`:00 or later on a new day. */
export function nextNightlyRun(from: Date, timeZone: string, hour: number, lastRunLocalDay: string | null): Date {
  // Walk forward in 15-minute steps: simple, exact at quarter hours (all real offsets), at most 2 days of steps.
  const step = 15 * 60_000;
  let t = Math.ceil(from.getTime() / step) * step;
  for (let i = 0; i < 4 * 24 * 3; i++, t += step) {
    if (isNightlyDue(new Date(t), timeZone, hour, lastRunLocalDay)) return new Date(t);
  }
  throw new Error(`no nightly slot found for ${timeZone} at ${hour}:00`);
}
