/**
 * Churn rate, observed rather than modelled (decision 133): of the customers who bought in a year, the share
 * who did not buy at all in the following year.
 *
 *   window w ends on day E (inclusive) and starts the day after S = E − 365:
 *   active   = customers with a counted purchase in the 365 days up to S (S − 364 .. S)
 *   churned  = active customers with no counted purchase in S + 1 .. E
 *   churn    = churned / active;  retention = 1 − churn
 *
 * "Per year" steps E back from the reference day in 365-day strides, so the latest figure is always the last
 * complete year and every figure is read the same way. A customer who only came back after E counts as churned
 * for that window: the definition is about a year's silence, not about being gone forever (P(alive) from the
 * purchase model is the forward-looking view and is used by what-if.ts).
 * Per segment, customers are grouped by their segment as of S, when the year started, which `segmentsAsOf`
 * recomputes from the purchase history with the same RFM scoring and grid the nightly job uses.
 */
import { scoreRfm, type RfmOptions } from "../rfm";
import { assignSegments, RFM_SEGMENTS } from "../segments";
import type { PurchaseHistory } from "./purchase-history";

export const CHURN_WINDOW_DAYS = 365;

export interface ChurnWindow {
  /** Last day of the year before (inclusive): the activity window is startDay − 364 .. startDay. */
  startDay: number;
  /** Last day of the year after (inclusive). */
  endDay: number;
  active: number;
  churned: number;
  /** churned / active, null without active customers. */
  rate: number | null;
}

/** Whether customer c bought in from..to (inclusive), by binary search in their ascending days. */
function boughtBetween(history: PurchaseHistory, c: number, from: number, to: number): boolean {
  let lo = history.offsets[c]!;
  let hi = history.offsets[c + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history.day[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < history.offsets[c + 1]! && history.day[lo]! <= to;
}

/** Active and churned flags of every customer for the window ending on endDay (1 = yes). */
export function churnFlags(history: PurchaseHistory, endDay: number): { active: Uint8Array; churned: Uint8Array } {
  const start = endDay - CHURN_WINDOW_DAYS;
  const active = new Uint8Array(history.customerCount);
  const churned = new Uint8Array(history.customerCount);
  for (let c = 0; c < history.customerCount; c++) {
    if (!boughtBetween(history, c, start - CHURN_WINDOW_DAYS + 1, start)) continue;
    active[c] = 1;
    if (!boughtBetween(history, c, start + 1, endDay)) churned[c] = 1;
  }
  return { active, churned };
}

/** Churn per year, the most recent year first (years: how many windows, default 3). */
export function churnByYear(history: PurchaseHistory, referenceDay: number, years = 3): ChurnWindow[] {
  const rows: ChurnWindow[] = [];
  for (let w = 0; w < Math.max(0, Math.floor(years)); w++) {
    const endDay = referenceDay - w * CHURN_WINDOW_DAYS;
    const { active, churned } = churnFlags(history, endDay);
    let a = 0;
    let ch = 0;
    for (let c = 0; c < history.customerCount; c++) {
      a += active[c]!;
      ch += churned[c]!;
    }
    rows.push({ startDay: endDay - CHURN_WINDOW_DAYS, endDay, active: a, churned: ch, rate: a > 0 ? ch / a : null });
  }
  return rows;
}

export interface SegmentChurn {
  segment: number;
  active: number;
  churned: number;
  rate: number | null;
}

/**
 * Churn per segment over the window ending on endDay (default: the last complete year). `customerSegment[c]`
 * should be the segment at the window's start (see segmentsAsOf); values outside 0..segmentCount−1 are left out.
 */
export function churnBySegment(
  history: PurchaseHistory,
  customerSegment: ArrayLike<number>,
  segmentCount: number,
  endDay: number,
): SegmentChurn[] {
  const { active, churned } = churnFlags(history, endDay);
  const a = new Int32Array(segmentCount);
  const ch = new Int32Array(segmentCount);
  const n = Math.min(history.customerCount, customerSegment.length);
  for (let c = 0; c < n; c++) {
    const s = customerSegment[c]!;
    if (!(Number.isInteger(s) && s >= 0 && s < segmentCount) || active[c] === 0) continue;
    a[s]!++;
    ch[s]! += churned[c]!;
  }
  return Array.from(a, (count, segment) => ({
    segment,
    active: count,
    churned: ch[segment]!,
    rate: count > 0 ? ch[segment]! / count : null,
  }));
}

/**
 * RFM segment (index into RFM_SEGMENTS) of every customer as it was on `day`: counted purchase days, last
 * purchase and net spend up to that day, scored against the customers of that day, placed on the same grid.
 * Customers without a purchase by then are Prospects.
 */
export function segmentsAsOf(history: PurchaseHistory, day: number, options: RfmOptions = {}): Uint8Array {
  const n = history.customerCount;
  const orders = new Float64Array(n);
  const lastOrderDay = new Float64Array(n);
  const netSpend = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let k = history.offsets[c]!; k < history.offsets[c + 1]! && history.day[k]! <= day; k++) {
      orders[c]!++;
      lastOrderDay[c] = history.day[k]!;
      netSpend[c]! += history.amount[k]!;
    }
  }
  return assignSegments(scoreRfm({ orders, lastOrderDay, netSpend }, day, options));
}

/** Churn per RFM segment for the last complete year, segments as of its start, with the segment names. */
export function churnByRfmSegment(
  history: PurchaseHistory,
  referenceDay: number,
  options: RfmOptions = {},
): (SegmentChurn & { name: string })[] {
  const start = referenceDay - CHURN_WINDOW_DAYS;
  const segments = segmentsAsOf(history, start, options);
  return churnBySegment(history, segments, RFM_SEGMENTS.length, referenceDay).map((row) => ({
    ...row,
    name: RFM_SEGMENTS[row.segment]!,
  }));
}
