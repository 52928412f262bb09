/**
 * Relative demand by date for a European outdoor store: Black Friday/Cyber weekend spike, a Christmas run-up
 * (and a lull right after), a January dip, a spring/early-summer high season and a late-summer dip, plus a
 * weekly pattern. 1.0 = an ordinary day.
 */
import { DAY } from "./time";

/** Black Friday: the day after the fourth Thursday of November (UTC date). */
export function blackFriday(year: number): Date {
  const nov1 = new Date(Date.UTC(year, 10, 1));
  const firstThursday = 1 + ((4 - nov1.getUTCDay() + 7) % 7);
  return new Date(Date.UTC(year, 10, firstThursday + 21 + 1));
}

const bfCache = new Map<number, number>();
function blackFridayMs(year: number): number {
  let v = bfCache.get(year);
  if (v === undefined) {
    v = blackFriday(year).getTime();
    bfCache.set(year, v);
  }
  return v;
}

/** True from Black Friday through Cyber Monday. */
export function isBlackWeekend(t: number): boolean {
  const year = new Date(t).getUTCFullYear();
  const bf = blackFridayMs(year);
  return t >= bf && t < bf + 4 * DAY;
}

export function seasonality(t: number): number {
  const d = new Date(t);
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  let f = [0.75, 0.8, 0.95, 1.1, 1.2, 1.15, 0.85, 0.8, 1.0, 1.0, 1.05, 1.3][month] as number;
  if (isBlackWeekend(t)) f *= 3.5;
  else if (month === 11 && day >= 1 && day <= 20) f *= 1.35;
  else if (month === 11 && day >= 24) f *= 0.55;
  const weekday = d.getUTCDay();
  f *= weekday === 0 ? 1.12 : weekday === 6 ? 0.92 : 1.0;
  return f;
}

/** Upper bound of seasonality(), for thinning. */
export const SEASONALITY_MAX = 1.05 * 3.5 * 1.12;

/** Hour-of-day weights (local shopping hours: lunchtime and evening peaks). */
export const HOUR_WEIGHTS: readonly (readonly [number, number])[] = Array.from(
  { length: 24 },
  (_, h) => [h, h < 6 ? 0.3 : h < 9 ? 1 : h < 12 ? 2 : h < 14 ? 2.6 : h < 18 ? 2 : h < 22 ? 3.2 : 1.2] as const,
);
