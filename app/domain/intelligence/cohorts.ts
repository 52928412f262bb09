/**
 * Retention cohorts: customers grouped by the calendar month (UTC) of their first counted purchase, and for
 * each cohort the share who bought again in month 1, 2, … 12 after it (month 1 = the next calendar month).
 * The matrix is what a heat map draws: rows are cohorts, columns month offsets.
 *
 * Two readings per cell, both over the cohort's size:
 * - `share`: bought in that month (a customer can count in several months), the classic retention curve;
 * - `cumulativeShare`: had come back at least once by the end of that month (never falls), which answers
 *   "how many of January's new customers ever came back within six months?".
 * Purchases later in the first month do not count as returning: they are part of the first month's shopping.
 * A cell is only filled when its month has ended on or before the reference day; the running month would
 * show a false dip, so it is null like the months still to come.
 */
import { firstDayOfMonth, monthLabel, monthOfDay, type PurchaseHistory } from "./purchase-history";

export interface CohortOptions {
  /** Month offsets shown. Default 12. */
  months?: number;
  /** Most recent cohorts kept (the reference month's included). Default 24. */
  maxCohorts?: number;
}

export interface CohortMatrix {
  /** "2026-03" per cohort row, oldest first. */
  cohorts: string[];
  /** Month offsets per row (columns 1..months). */
  months: number;
  /** New customers per cohort. */
  size: Int32Array;
  /** returning[row * months + (k - 1)]: customers of the cohort who bought in month k. */
  returning: Int32Array;
  /** Customers of the cohort whose first return came in month k or earlier. */
  returnedBy: Int32Array;
  /** returning / size, null where the month has not ended (or the cohort is empty). */
  share: (number | null)[];
  cumulativeShare: (number | null)[];
  /** Size-weighted mean share per month offset over the cohorts that have reached it (the "average" row). */
  averageShare: (number | null)[];
}

export function retentionCohorts(
  history: PurchaseHistory,
  referenceDay: number,
  options: CohortOptions = {},
): CohortMatrix {
  const M = Math.max(1, Math.floor(options.months ?? 12));
  const maxCohorts = Math.max(1, Math.floor(options.maxCohorts ?? 24));
  const referenceMonth = monthOfDay(referenceDay);
  const firstCohort = referenceMonth - maxCohorts + 1;
  // A month offset is observed when its last day is on or before the reference day.
  const lastCompleteMonth =
    firstDayOfMonth(referenceMonth + 1) - 1 <= referenceDay ? referenceMonth : referenceMonth - 1;

  const size = new Int32Array(maxCohorts);
  const returning = new Int32Array(maxCohorts * M);
  const returnedBy = new Int32Array(maxCohorts * M);
  const { offsets, day } = history;
  for (let c = 0; c < history.customerCount; c++) {
    const begin = offsets[c]!;
    const end = offsets[c + 1]!;
    if (begin === end || day[begin]! > referenceDay) continue;
    const cohortMonth = monthOfDay(day[begin]!);
    const row = cohortMonth - firstCohort;
    if (row < 0 || row >= maxCohorts) continue;
    size[row]!++;
    let lastCounted = 0;
    let firstReturn = 0;
    for (let k = begin + 1; k < end && day[k]! <= referenceDay; k++) {
      const offset = monthOfDay(day[k]!) - cohortMonth;
      if (offset < 1) continue;
      if (offset > M) break;
      if (firstReturn === 0) firstReturn = offset;
      // Days are ascending, so one customer's purchases in the same month are adjacent.
      if (offset !== lastCounted) {
        returning[row * M + offset - 1]!++;
        lastCounted = offset;
      }
    }
    if (firstReturn > 0) for (let k = firstReturn; k <= M; k++) returnedBy[row * M + k - 1]!++;
  }

  const share: (number | null)[] = new Array(maxCohorts * M).fill(null);
  const cumulativeShare: (number | null)[] = new Array(maxCohorts * M).fill(null);
  const weighted = new Float64Array(M);
  const weights = new Float64Array(M);
  for (let row = 0; row < maxCohorts; row++) {
    if (size[row] === 0) continue;
    for (let k = 1; k <= M; k++) {
      if (firstCohort + row + k > lastCompleteMonth) break;
      const at = row * M + k - 1;
      share[at] = returning[at]! / size[row]!;
      cumulativeShare[at] = returnedBy[at]! / size[row]!;
      weighted[k - 1]! += returning[at]!;
      weights[k - 1]! += size[row]!;
    }
  }
  return {
    cohorts: Array.from({ length: maxCohorts }, (_, row) => monthLabel(firstCohort + row)),
    months: M,
    size,
    returning,
    returnedBy,
    share,
    cumulativeShare,
    averageShare: Array.from(weights, (w, k) => (w > 0 ? weighted[k]! / w : null)),
  };
}
