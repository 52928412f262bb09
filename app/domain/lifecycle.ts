/**
 * Lifecycle stages, the journey view: New, One-time, Repeat, Hero, Waiting, At risk, Lost.
 * Thresholds are relative to the store's own rhythm, not fixed day counts:
 * - the store's typical gap G = median, over repeat customers, of their mean days between orders;
 * - each customer's expected gap = their own mean gap shrunk toward G (one pseudo-gap of G), so a customer
 *   with two orders a day apart is not "late" after three days;
 * - when a purchase model has been fitted, P(alive) also moves repeat customers to At risk / Lost
 *   (BG/NBD gives one-time buyers P(alive) = 1, so for them only the gap rule applies).
 * Rules, first match wins (customers without orders are Prospects and get no stage):
 *   Lost      days since last order > lostGaps × expected gap, or P(alive) < lostPAlive
 *   At risk   days since last order > atRiskGaps × expected gap, or P(alive) < atRiskPAlive
 *   New       one order, placed within the last G days
 *   One-time  one order, older than G
 *   Hero      orders and spend both in the store's top 20 % (at least 3 orders), and not yet due
 *   Waiting   due for the next order (days since last >= expected gap) but not late yet
 *   Repeat    everyone else with 2+ orders
 */

export const LIFECYCLE_STAGES = ["New", "One-time", "Repeat", "Hero", "Waiting", "At risk", "Lost"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
/** Stage code for customers without counted orders. */
export const NO_STAGE = 255;

export interface LifecycleInput {
  orders: ArrayLike<number>;
  firstOrderDay: ArrayLike<number>;
  lastOrderDay: ArrayLike<number>;
  netSpend: ArrayLike<number>;
  /** Optional P(alive) from the purchase model (omit when the store has not enough data). */
  pAlive?: ArrayLike<number>;
}

export interface LifecycleOptions {
  atRiskGaps?: number;
  lostGaps?: number;
  atRiskPAlive?: number;
  lostPAlive?: number;
  /** Share of customers above the Hero cut-offs. Default 0.2. */
  heroShare?: number;
  /** Typical gap when fewer than `minRepeatCustomers` customers have ordered twice. Default 60 days. */
  fallbackGapDays?: number;
  minRepeatCustomers?: number;
}

export interface LifecycleResult {
  /** Index into LIFECYCLE_STAGES, or NO_STAGE. */
  stage: Uint8Array;
  /** Expected days between orders for each customer. */
  expectedGapDays: Float64Array;
  typicalGapDays: number;
  gapSource: "store" | "fallback";
  heroMinOrders: number;
  heroMinSpend: number;
}

function quantile(sortedValues: number[], share: number): number {
  if (sortedValues.length === 0) return Infinity;
  const index = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(share * sortedValues.length) - 1));
  return sortedValues[index]!;
}

export function classifyLifecycle(
  input: LifecycleInput,
  referenceDay: number,
  options: LifecycleOptions = {},
): LifecycleResult {
  const atRiskGaps = options.atRiskGaps ?? 2;
  const lostGaps = options.lostGaps ?? 4;
  const atRiskPAlive = options.atRiskPAlive ?? 0.5;
  const lostPAlive = options.lostPAlive ?? 0.2;
  const heroShare = options.heroShare ?? 0.2;
  const n = input.orders.length;

  const ownGaps: number[] = [];
  const repeatOrders: number[] = [];
  const spends: number[] = [];
  for (let i = 0; i < n; i++) {
    const orders = input.orders[i]!;
    if (!(orders >= 1)) continue;
    spends.push(input.netSpend[i]!);
    if (orders >= 2) {
      ownGaps.push((input.lastOrderDay[i]! - input.firstOrderDay[i]!) / (orders - 1));
      repeatOrders.push(orders);
    }
  }
  ownGaps.sort((p, q) => p - q);
  repeatOrders.sort((p, q) => p - q);
  spends.sort((p, q) => p - q);
  const enough = ownGaps.length >= (options.minRepeatCustomers ?? 5);
  const typicalGapDays = Math.max(1, enough ? quantile(ownGaps, 0.5) : (options.fallbackGapDays ?? 60));
  const heroMinOrders = Math.max(3, quantile(repeatOrders, 1 - heroShare));
  const heroMinSpend = quantile(spends, 1 - heroShare);

  const stage = new Uint8Array(n).fill(NO_STAGE);
  const expectedGapDays = new Float64Array(n);
  const code = (name: LifecycleStage) => LIFECYCLE_STAGES.indexOf(name);
  for (let i = 0; i < n; i++) {
    const orders = input.orders[i]!;
    if (!(orders >= 1)) continue;
    const first = input.firstOrderDay[i]!;
    const last = input.lastOrderDay[i]!;
    const gaps = orders - 1;
    const gap = Math.max(1, (last - first + typicalGapDays) / (gaps + 1));
    expectedGapDays[i] = gap;
    const elapsed = referenceDay - last;
    const alive = input.pAlive && orders >= 2 ? input.pAlive[i]! : 1;
    if (elapsed > lostGaps * gap || alive < lostPAlive) stage[i] = code("Lost");
    else if (elapsed > atRiskGaps * gap || alive < atRiskPAlive) stage[i] = code("At risk");
    else if (orders === 1) stage[i] = code(referenceDay - first <= typicalGapDays ? "New" : "One-time");
    else if (orders >= heroMinOrders && input.netSpend[i]! >= heroMinSpend && elapsed < gap) stage[i] = code("Hero");
    else if (elapsed >= gap) stage[i] = code("Waiting");
    else stage[i] = code("Repeat");
  }
  return {
    stage,
    expectedGapDays,
    typicalGapDays,
    gapSource: enough ? "store" : "fallback",
    heroMinOrders,
    heroMinSpend,
  };
}
