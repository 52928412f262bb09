/**
 * RFM scoring: recency, frequency and monetary value of each customer, scored 1..bins (default 5) against the
 * store's own customers.
 *
 * Which orders count is decided before this (see orders.ts): paid, not cancelled, not voided, not test,
 * net of refunds. Customers without a counted order are Prospects and get score 0 in every dimension.
 *
 * How a value becomes a score (quantiles without bin edges, so there are no empty or duplicate bins):
 * - Each value's mid-rank fraction u = (customers below + half the customers equal) / customers, so ties always
 *   share a score and a store where everyone has the same value puts everyone in the middle score.
 *   Score = 1 + floor(bins × u). Recency is reversed: the most recent customers score highest.
 * - Frequency: most customers buy once, so one-time buyers get 1 and repeat buyers are spread over 2..bins by
 *   their mid-rank among repeat buyers. "F = 1" then always means "bought once".
 * - Explicit thresholds (`edges`) replace the quantiles for a dimension when a merchant wants fixed cut-offs.
 */
import { midrankFractions } from "./math/ranks";

export interface RfmInput {
  /** Counted orders per customer (0 = prospect). */
  orders: ArrayLike<number>;
  /** Epoch day of the last counted order (ignored when orders = 0). */
  lastOrderDay: ArrayLike<number>;
  /** Net spend over counted orders. */
  netSpend: ArrayLike<number>;
}

export interface RfmOptions {
  /** Number of score levels, 2..10. Default 5. */
  bins?: number;
  /**
   * Fixed ascending cut-offs (bins - 1 of them) per dimension. Frequency/monetary: a value >= edge k gets at
   * least score k + 2. Recency (in days): a value >= edge k gets at most score bins - k - 1.
   */
  edges?: { recencyDays?: readonly number[]; frequency?: readonly number[]; monetary?: readonly number[] };
}

export interface ScoreRange {
  score: number;
  customers: number;
  min: number;
  max: number;
}

export interface RfmScores {
  bins: number;
  /** Days between the last counted order and the reference date. */
  recencyDays: Float64Array;
  recency: Uint8Array;
  frequency: Uint8Array;
  monetary: Uint8Array;
  /** round((F + M) / 2), the "FM" axis of the segment grid. */
  frequencyMonetary: Uint8Array;
  /** What each score means in this store, for display ("R5 = last order 0-12 days ago"). */
  ranges: { recencyDays: ScoreRange[]; frequency: ScoreRange[]; monetary: ScoreRange[] };
}

function clampScore(score: number, bins: number): number {
  return Math.min(bins, Math.max(1, score));
}

function scoreByEdges(value: number, edges: readonly number[]): number {
  let k = 0;
  while (k < edges.length && value >= edges[k]!) k++;
  return k;
}

export function scoreRfm(input: RfmInput, referenceDay: number, options: RfmOptions = {}): RfmScores {
  const bins = Math.round(options.bins ?? 5);
  if (!(bins >= 2 && bins <= 10)) throw new RangeError("bins must be between 2 and 10");
  for (const [name, edges] of Object.entries(options.edges ?? {})) {
    if (edges && (edges.length !== bins - 1 || edges.some((e, i) => i > 0 && e < edges[i - 1]!))) {
      throw new RangeError(`edges.${name} must be ${bins - 1} ascending numbers`);
    }
  }
  const n = input.orders.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (input.orders[i]! > 0) m++;
  const customers = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) if (input.orders[i]! > 0) customers[j++] = i;
  const recencyDays = new Float64Array(n);
  const recency = new Uint8Array(n);
  const frequency = new Uint8Array(n);
  const monetary = new Uint8Array(n);
  const fm = new Uint8Array(n);

  const days = new Float64Array(m);
  const spend = new Float64Array(m);
  let repeaters = 0;
  for (let j = 0; j < m; j++) {
    const i = customers[j]!;
    const d = referenceDay - input.lastOrderDay[i]!;
    days[j] = Number.isFinite(d) ? Math.max(d, 0) : 0;
    const s = input.netSpend[i]!;
    spend[j] = Number.isFinite(s) ? s : 0;
    if (input.orders[i]! > 1) repeaters++;
  }
  const repeatOrders = new Float64Array(repeaters);
  for (let j = 0, r = 0; j < m; j++) {
    const orders = input.orders[customers[j]!]!;
    if (orders > 1) repeatOrders[r++] = orders;
  }
  const recencyEdges = options.edges?.recencyDays;
  const recencyRank = recencyEdges ? null : midrankFractions(days);
  const spendEdges = options.edges?.monetary;
  const spendRank = spendEdges ? null : midrankFractions(spend);
  const frequencyEdges = options.edges?.frequency;
  const repeatRank = frequencyEdges ? null : midrankFractions(repeatOrders);

  for (let j = 0, r = 0; j < m; j++) {
    const i = customers[j]!;
    recencyDays[i] = days[j]!;
    recency[i] = recencyRank
      ? clampScore(bins - Math.floor(bins * recencyRank[j]!), bins)
      : bins - scoreByEdges(days[j]!, recencyEdges!);
    monetary[i] = spendRank
      ? clampScore(1 + Math.floor(bins * spendRank[j]!), bins)
      : 1 + scoreByEdges(spend[j]!, spendEdges!);
    const orders = input.orders[i]!;
    if (frequencyEdges) frequency[i] = 1 + scoreByEdges(orders, frequencyEdges);
    else if (orders <= 1) frequency[i] = 1;
    else frequency[i] = clampScore(2 + Math.floor((bins - 1) * repeatRank![r++]!), bins);
    fm[i] = Math.floor((frequency[i]! + monetary[i]!) / 2 + 0.5);
  }
  return {
    bins,
    recencyDays,
    recency,
    frequency,
    monetary,
    frequencyMonetary: fm,
    ranges: {
      recencyDays: describeRanges(customers, recency, recencyDays, bins),
      frequency: describeRanges(customers, frequency, input.orders, bins),
      monetary: describeRanges(customers, monetary, input.netSpend, bins),
    },
  };
}

function describeRanges(
  customers: Int32Array,
  scores: Uint8Array,
  values: ArrayLike<number>,
  bins: number,
): ScoreRange[] {
  const ranges: ScoreRange[] = [];
  for (let score = 1; score <= bins; score++) ranges.push({ score, customers: 0, min: Infinity, max: -Infinity });
  for (const i of customers) {
    const range = ranges[scores[i]! - 1]!;
    const v = values[i]!;
    range.customers++;
    range.min = Math.min(range.min, v);
    range.max = Math.max(range.max, v);
  }
  // Scores nobody has are left out rather than reported with infinite bounds.
  return ranges.filter((range) => range.customers > 0);
}
