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

function quantile(sortedValues: Float64Array, share: number): number {
  if (sortedValues.length === 0) return Infinity;
  const index = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(share * sortedValues.length) - 1));
  return sortedValues[index]!;
}

const NEW = LIFECYCLE_STAGES.indexOf("New");
const ONE_TIME = LIFECYCLE_STAGES.indexOf("One-time");
const REPEAT = LIFECYCLE_STAGES.indexOf("Repeat");
const HERO = LIFECYCLE_STAGES.indexOf("Hero");
const WAITING = LIFECYCLE_STAGES.indexOf("Waiting");
const AT_RISK = LIFECYCLE_STAGES.indexOf("At risk");
const LOST = LIFECYCLE_STAGES.indexOf("Lost");

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

  // Typed scratch columns, sorted numerically without a comparator.
  const ownGapsAll = new Float64Array(n);
  const repeatOrdersAll = new Float64Array(n);
  const spendsAll = new Float64Array(n);
  let repeaters = 0;
  let buyers = 0;
  for (let i = 0; i < n; i++) {
    const orders = input.orders[i]!;
    if (!(orders >= 1)) continue;
    spendsAll[buyers++] = input.netSpend[i]!;
    if (orders >= 2) {
      ownGapsAll[repeaters] = (input.lastOrderDay[i]! - input.firstOrderDay[i]!) / (orders - 1);
      repeatOrdersAll[repeaters++] = orders;
    }
  }
  const ownGaps = ownGapsAll.subarray(0, repeaters).sort();
  const repeatOrders = repeatOrdersAll.subarray(0, repeaters).sort();
  const spends = spendsAll.subarray(0, buyers).sort();
  const enough = repeaters >= (options.minRepeatCustomers ?? 5);
  const typicalGapDays = Math.max(1, enough ? quantile(ownGaps, 0.5) : (options.fallbackGapDays ?? 60));
  const heroMinOrders = Math.max(3, quantile(repeatOrders, 1 - heroShare));
  const heroMinSpend = quantile(spends, 1 - heroShare);

  const stage = new Uint8Array(n).fill(NO_STAGE);
  const expectedGapDays = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const orders = input.orders[i]!;
    if (!(orders >= 1)) continue;
    const first = input.firstOrderDay[i]!;
    const last = input.lastOrderDay[i]!;
    // Own mean gap shrunk toward the store's: (span + G) / (gaps + 1).
    const gap = Math.max(1, (last - first + typicalGapDays) / orders);
    expectedGapDays[i] = gap;
    const elapsed = referenceDay - last;
    const alive = input.pAlive && orders >= 2 ? input.pAlive[i]! : 1;
    if (elapsed > lostGaps * gap || alive < lostPAlive) stage[i] = LOST;
    else if (elapsed > atRiskGaps * gap || alive < atRiskPAlive) stage[i] = AT_RISK;
    else if (orders === 1) stage[i] = referenceDay - first <= typicalGapDays ? NEW : ONE_TIME;
    else if (orders >= heroMinOrders && input.netSpend[i]! >= heroMinSpend && elapsed < gap) stage[i] = HERO;
    else if (elapsed >= gap) stage[i] = WAITING;
    else stage[i] = REPEAT;
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
