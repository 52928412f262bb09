/**
 * "What would one point more of repeat rate in this segment be worth?" answered from the fitted purchase model
 * (BG/NBD or MBG/NBD), not from a fixed multiplier (decision 133).
 *
 * The segment's repeat rate over the horizon t is the model's expected share of its customers who buy at least
 * once in the next t:
 *   R = mean over customers of P(alive) · (1 − S(t)),   S(t) = ((α + T) / (α + T + t))^(r + x)
 * where S(t) is the chance that a customer still alive makes no purchase in t (their purchase rate has the
 * posterior Gamma(r + x, α + T); in both models a customer can only drop out right after a purchase, so being
 * alive at T means buying at that rate until the next purchase). The model offers two ways to raise R by one
 * point; the caller picks which one the merchant means:
 *
 * - "retention" (default): fewer customers have silently left. Each customer's P(alive) moves a share δ of
 *   the way to 1, P' = P + δ(1 − P); R rises by δ · mean((1 − P)(1 − S)), so δ = 0.01 / that mean.
 *   Extra orders: δ(1 − P) · E[purchases in t | alive]. Customers with no repeat purchase yet have P = 1
 *   in these models (they cannot have dropped out before buying again), so this lever needs repeat buyers.
 * - "frequency": everyone buys k times as often. With the dropout tied to purchases, a rate k·λ over t is the
 *   same process as λ over k·t, so E[purchases] = P · E[purchases in k·t | alive] and S becomes S(k·t); k is
 *   found by bisection so that R rises by exactly one point.
 *
 * Revenue gained = Σ extra expected orders × the customer's expected order value (Gamma-Gamma, from
 * analyzeCustomerValue), × margin when a gross margin is given. Not discounted: it is a 12-month figure.
 */
import type { CountModel } from "../clv/countmodel";

export type WhatIfLever = "retention" | "frequency";

export interface WhatIfInput {
  model: CountModel;
  /** Repeat purchases, time of last and length of observation, in the model's time unit. */
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Expected value of each customer's next orders (e.g. scores.expectedAverageOrderValue). */
  orderValue: ArrayLike<number>;
  /** Segment index per customer; only customers whose value equals `segment` are counted. */
  customerSegment: ArrayLike<number>;
}

export interface WhatIfOptions {
  segment: number;
  /** Horizon in model time units (e.g. 365 for days, 365/7 for weeks). */
  horizon: number;
  /** Rise in the repeat rate, as a share. Default 0.01 (one percentage point). */
  points?: number;
  lever?: WhatIfLever;
  /** Gross margin applied to revenue. Default 1 (revenue). */
  margin?: number;
}

export interface WhatIfResult {
  lever: WhatIfLever;
  customers: number;
  /** Expected share of the segment buying within the horizon, now and after the change. */
  repeatRate: number;
  targetRepeatRate: number;
  /** False when the lever cannot lift the rate that far (then nothing below is extrapolated: gains are 0). */
  reachable: boolean;
  /** The most this lever could reach (every customer kept alive, or buying without limit). */
  maxRepeatRate: number;
  /** δ (retention) or k (frequency) that gives the target. */
  factor: number;
  expectedOrders: number;
  extraOrders: number;
  expectedRevenue: number;
  revenueGained: number;
  /** One sentence for the merchant. */
  explanation: string;
}

function noPurchaseIfAlive(model: CountModel, x: number, T: number, t: number): number {
  const { r, alpha } = model.params as { r: number; alpha: number };
  return Math.pow((alpha + T) / (alpha + T + t), r + x);
}

export function repeatRateWhatIf(input: WhatIfInput, options: WhatIfOptions): WhatIfResult {
  const { model } = input;
  if (model.name !== "bgnbd" && model.name !== "mbgnbd") {
    throw new RangeError("the what-if needs a beta-geometric model (bgnbd or mbgnbd)");
  }
  const lever = options.lever ?? "retention";
  const points = options.points ?? 0.01;
  const margin = options.margin ?? 1;
  const t = options.horizon;
  // Everything below is linear in per-customer terms that depend on (x, T) except P(alive) (which also
  // depends on t_x), so customers are pooled by distinct (x, T) with their sums of P(alive), 1 − P(alive) and
  // value-weighted versions: the 2F1-based expectation and the bisection then run per distinct pair, not per
  // customer (a segment of 100,000 customers has a few thousand pairs).
  const groupOf = new Map<number, Map<number, number>>();
  const gx: number[] = [];
  const gT: number[] = [];
  const gCount: number[] = [];
  const gAlive: number[] = [];
  const gAliveValue: number[] = [];
  const gDeadValue: number[] = [];
  let n = 0;
  for (let i = 0; i < input.x.length; i++) {
    if (input.customerSegment[i] !== options.segment) continue;
    n++;
    const x = input.x[i]!;
    const T = input.T[i]!;
    let byX = groupOf.get(T);
    if (!byX) groupOf.set(T, (byX = new Map()));
    let g = byX.get(x);
    if (g === undefined) {
      g = gx.length;
      byX.set(x, g);
      gx.push(x);
      gT.push(T);
      gCount.push(0);
      gAlive.push(0);
      gAliveValue.push(0);
      gDeadValue.push(0);
    }
    const alive = model.pAlive(x, input.tx[i]!, T);
    const v = input.orderValue[i]!;
    const value = Number.isFinite(v) && v > 0 ? v : 0;
    gCount[g]!++;
    gAlive[g]! += alive;
    gAliveValue[g]! += alive * value;
    gDeadValue[g]! += (1 - alive) * value;
  }
  const G = gx.length;
  const silent = Float64Array.from({ length: G }, (_, g) => noPurchaseIfAlive(model, gx[g]!, gT[g]!, t));
  const ifAlive = Float64Array.from({ length: G }, (_, g) => model.expectedIfAlive(gx[g]!, gT[g]!, t));
  let rate = 0;
  let expectedOrders = 0;
  let expectedRevenue = 0;
  let maxRate = 0;
  let retentionRoom = 0;
  for (let g = 0; g < G; g++) {
    const dead = gCount[g]! - gAlive[g]!;
    rate += gAlive[g]! * (1 - silent[g]!);
    expectedOrders += gAlive[g]! * ifAlive[g]!;
    expectedRevenue += gAliveValue[g]! * ifAlive[g]!;
    retentionRoom += dead * (1 - silent[g]!);
    maxRate += lever === "retention" ? gCount[g]! * (1 - silent[g]!) : gAlive[g]!;
  }
  const mean = (total: number) => (n > 0 ? total / n : 0);
  const repeatRate = mean(rate);
  const targetRepeatRate = repeatRate + points;
  const maxRepeatRate = mean(maxRate);
  const reachable = n > 0 && targetRepeatRate < maxRepeatRate;
  let factor = lever === "retention" ? 0 : 1;
  let extraOrders = 0;
  let revenueGained = 0;
  if (reachable && lever === "retention") {
    factor = points / mean(retentionRoom);
    for (let g = 0; g < G; g++) {
      extraOrders += factor * (gCount[g]! - gAlive[g]!) * ifAlive[g]!;
      revenueGained += factor * gDeadValue[g]! * ifAlive[g]!;
    }
  } else if (reachable) {
    const rateAt = (k: number) => {
      let total = 0;
      for (let g = 0; g < G; g++) total += gAlive[g]! * (1 - noPurchaseIfAlive(model, gx[g]!, gT[g]!, k * t));
      return total / n;
    };
    // R(k) rises with k toward mean P(alive); bracket, then bisect on log k.
    let lo = 1;
    let hi = 2;
    while (rateAt(hi) < targetRepeatRate && hi < 1e12) {
      lo = hi;
      hi *= 2;
    }
    for (let step = 0; step < 100 && hi - lo > 1e-12 * hi; step++) {
      const mid = Math.sqrt(lo * hi);
      if (rateAt(mid) < targetRepeatRate) lo = mid;
      else hi = mid;
    }
    factor = (lo + hi) / 2;
    for (let g = 0; g < G; g++) {
      const more = model.expectedIfAlive(gx[g]!, gT[g]!, factor * t) - ifAlive[g]!;
      extraOrders += gAlive[g]! * more;
      revenueGained += gAliveValue[g]! * more;
    }
  }
  revenueGained *= margin;
  expectedRevenue *= margin;
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  const money = (amount: number) => Math.round(amount).toLocaleString("en-US");
  const explanation = !reachable
    ? n === 0
      ? "No customers in this segment."
      : lever === "retention"
        ? `The model expects ${pct(repeatRate)} of these customers to buy in the period; keeping every one of them would reach at most ${pct(maxRepeatRate)}, so one more point cannot come from retention alone (many have not bought twice yet, and the model treats them as still active).`
        : `The model expects ${pct(repeatRate)} of these customers to buy in the period; at most ${pct(maxRepeatRate)} are still active, so buying more often cannot add one more point.`
    : lever === "retention"
      ? `The model expects ${pct(repeatRate)} of these ${n.toLocaleString("en-US")} customers to buy again in the period. Keeping ${pct(factor)} of those it thinks have quietly left would make it ${pct(targetRepeatRate)}: about ${extraOrders.toFixed(0)} more orders, worth ${money(revenueGained)} at each customer's expected order value.`
      : `The model expects ${pct(repeatRate)} of these ${n.toLocaleString("en-US")} customers to buy again in the period. If they bought ${factor.toFixed(3)} times as often it would be ${pct(targetRepeatRate)}: about ${extraOrders.toFixed(0)} more orders, worth ${money(revenueGained)} at each customer's expected order value.`;
  return {
    lever,
    customers: n,
    repeatRate,
    targetRepeatRate,
    reachable,
    maxRepeatRate,
    factor,
    expectedOrders,
    extraOrders,
    expectedRevenue,
    revenueGained,
    explanation,
  };
}
