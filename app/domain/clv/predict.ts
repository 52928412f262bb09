/**
 * Per-customer CLV outputs from a fitted count model and (optionally) a Gamma-Gamma spend model, for a whole
 * store at once. Struct-of-arrays in, struct-of-arrays out: no object per customer, so a million customers
 * score in a fraction of a second. The costly part, the 2F1-based "expected purchases if alive", depends only
 * on (x, T) and is computed once per distinct pair (see docs/decisions/012-clv-scoring-layout.md).
 */
import type { CountModel } from "./countmodel";
import { expectedAverageSpend, type GammaGammaParams } from "./gammagamma";
import { groupIdenticalRows } from "./grouping";
import { midrankFractions } from "../math/ranks";

export interface ScoringInput {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Mean repeat spend and the number of repeat days behind it (Gamma-Gamma's zbar and x). */
  zbar?: ArrayLike<number>;
  spendDays?: ArrayLike<number>;
  /** Rows with 0 here get zeros everywhere (unusable data). */
  valid?: ArrayLike<number>;
}

export interface ScoringOptions {
  /** Horizons for expected purchases, in model time units (e.g. [30, 90, 365] days). */
  horizons: readonly number[];
  /** CLV horizon in model time units. */
  clvHorizon: number;
  /** Annual discount rate, e.g. 0.1 for 10 % a year. */
  annualDiscountRate: number;
  /** Model time units per year (365.25 for days, 365.25/7 for weeks). */
  unitsPerYear: number;
  spend: GammaGammaParams | null;
  /** Average order value used when there is no spend model or it has no finite mean (e.g. store average). */
  fallbackAverageSpend: number;
  /** Gross margin applied to spend to get value (1 = revenue CLV). */
  margin?: number;
}

export interface CustomerScores {
  pAlive: Float64Array;
  /** One array per horizon, in the order given. */
  expectedPurchases: Float64Array[];
  expectedAverageOrderValue: Float64Array;
  /** Discounted expected value of purchases within the CLV horizon (monthly steps, discounted at each month end). */
  clv: Float64Array;
  /** Median time from the reference date to the next purchase, if still alive (model time units; capped). */
  timeToNextPurchase: Float64Array;
  /** Share of customers with a lower CLV, ties counted half, 0..100. */
  clvPercentile: Float64Array;
}

/** Upper bound for timeToNextPurchase: "not expected within a century" is reported as this. */
export const NEVER = 1e9;

export function scoreCustomers(model: CountModel, input: ScoringInput, options: ScoringOptions): CustomerScores {
  const n = input.x.length;
  const horizons = options.horizons;
  const margin = options.margin ?? 1;
  const fallback = Number.isFinite(options.fallbackAverageSpend) ? Math.max(options.fallbackAverageSpend, 0) : 0;

  // Monthly grid for discounting.
  const step = options.unitsPerYear / 12;
  const steps = Math.max(0, Math.ceil(options.clvHorizon / step - 1e-9));
  const gridTimes = new Float64Array(steps);
  const gridDiscount = new Float64Array(steps);
  const rate = Math.max(options.annualDiscountRate, 0);
  for (let i = 0; i < steps; i++) {
    gridTimes[i] = Math.min((i + 1) * step, options.clvHorizon);
    gridDiscount[i] = Math.pow(1 + rate, -gridTimes[i]! / options.unitsPerYear);
  }

  // Per distinct (x, T): expected purchases if alive for each horizon, discounted purchases, median wait.
  const pairs = groupIdenticalRows([input.x, input.T], n);
  const [px, pT] = pairs.keys as [Float64Array, Float64Array];
  const h = horizons.length;
  const ifAlive = new Float64Array(pairs.count * h);
  const discounted = new Float64Array(pairs.count);
  const wait = new Float64Array(pairs.count);
  for (let g = 0; g < pairs.count; g++) {
    const x = px[g]!;
    const T = pT[g]!;
    for (let k = 0; k < h; k++) ifAlive[g * h + k] = finiteOr(model.expectedIfAlive(x, T, horizons[k]!), 0);
    let previous = 0;
    let sum = 0;
    for (let i = 0; i < steps; i++) {
      const cumulative = finiteOr(model.expectedIfAlive(x, T, gridTimes[i]!), previous);
      sum += Math.max(cumulative - previous, 0) * gridDiscount[i]!;
      previous = Math.max(cumulative, previous);
    }
    discounted[g] = sum;
    wait[g] = Math.min(finiteOr(model.medianTimeToNextPurchase(x, T), NEVER), NEVER);
  }

  const pAlive = new Float64Array(n);
  const expected = horizons.map(() => new Float64Array(n));
  const aov = new Float64Array(n);
  const clv = new Float64Array(n);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (input.valid && input.valid[i] === 0) {
      next[i] = NEVER;
      continue;
    }
    const g = pairs.groupOf[i]!;
    const alive = finiteOr(model.pAlive(input.x[i]!, input.tx[i]!, input.T[i]!), 0);
    pAlive[i] = alive;
    for (let k = 0; k < h; k++) expected[k]![i] = alive * ifAlive[g * h + k]!;
    const spend = options.spend
      ? expectedAverageSpend(
          options.spend,
          input.spendDays ? input.spendDays[i]! : input.x[i]!,
          input.zbar ? input.zbar[i]! : 0,
          fallback,
        )
      : input.zbar && input.zbar[i]! > 0
        ? input.zbar[i]!
        : fallback;
    aov[i] = spend;
    clv[i] = finiteOr(alive * discounted[g]! * spend * margin, 0);
    next[i] = wait[g]!;
  }
  return {
    pAlive,
    expectedPurchases: expected,
    expectedAverageOrderValue: aov,
    clv,
    timeToNextPurchase: next,
    clvPercentile: percentileRanks(clv),
  };
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

/** Percentile rank of each value: 100 × (count below + half the count equal) / n. Ties share a rank. */
export function percentileRanks(values: Float64Array): Float64Array {
  const ranks = midrankFractions(values);
  for (let i = 0; i < ranks.length; i++) ranks[i] = ranks[i]! * 100;
  return ranks;
}
