/**
 * The nine-stage journey merchants know — New, Lead, Waiting, At risk, Lost, Hero, Occasional, Repeat, Ghost —
 * plus One-time, built on Ciclo's seven lifecycle stages (lifecycle.ts) rather than beside them, so a customer's
 * stage and its thresholds stay the ones the nightly job already computes. What the journey adds:
 *
 * - Lead: a customer record with an account and no counted order who accepted marketing. Only where the
 *   platform reports consent (1 = accepted); unknown consent (WooCommerce without a consent plugin) is not
 *   treated as a yes, so such stores simply have no Leads.
 * - Occasional: a Repeat or Waiting customer whose gaps between purchase days are long *and* irregular for
 *   this store: at least three purchase days (two gaps), a median gap of at least `longGapFactor` (1.5) × the
 *   store's typical gap (the same typical gap as the lifecycle stages), and a coefficient of variation of the
 *   gaps (standard deviation ÷ mean) above the store's median among customers with two or more gaps. For such
 *   a buyer "due for the next order" means little, so Waiting gives way to Occasional; At risk, Lost and Hero
 *   keep precedence (they say something about now, or about value).
 * - Ghost: guest buyers without a customer record, grouped by a keyed hash of their e-mail that the caller
 *   computes (the domain only sees a group index). Counted and valued on the journey, never tagged: there is
 *   no customer record to write a tag on, and tagging a hash would leak it (`JOURNEY_TAGGABLE`).
 *
 * Everything else is the lifecycle stage under the same name; `JOURNEY_TO_LIFECYCLE` is the mapping the
 * admin and docs show.
 */
import { LIFECYCLE_STAGES, NO_STAGE, type LifecycleResult, type LifecycleStage } from "../lifecycle";
import type { PurchaseHistory } from "./purchase-history";

export const JOURNEY_STAGES = [
  "New",
  "Lead",
  "Waiting",
  "At risk",
  "Lost",
  "Hero",
  "Occasional",
  "Repeat",
  "Ghost",
  "One-time",
] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];
/** Journey code for customers in no stage (no counted order and not a Lead). */
export const NO_JOURNEY_STAGE = 255;

/** Which lifecycle stage each journey stage comes from (null: outside the seven). */
export const JOURNEY_TO_LIFECYCLE: Record<JourneyStage, LifecycleStage | null> = {
  New: "New",
  Lead: null,
  Waiting: "Waiting",
  "At risk": "At risk",
  Lost: "Lost",
  Hero: "Hero",
  Occasional: "Repeat",
  Repeat: "Repeat",
  Ghost: null,
  "One-time": "One-time",
};

/** Ghosts are counted and valued but never written back as tags. */
export const JOURNEY_TAGGABLE: Record<JourneyStage, boolean> = {
  New: true,
  Lead: true,
  Waiting: true,
  "At risk": true,
  Lost: true,
  Hero: true,
  Occasional: true,
  Repeat: true,
  Ghost: false,
  "One-time": true,
};

export interface JourneyInput {
  /** classifyLifecycle's result for the same customers, same order. */
  lifecycle: LifecycleResult;
  /** Purchase days of the same customers (for the gaps). */
  history: PurchaseHistory;
  /** 1: the customer has an account (a customer record they can sign in to, or the platform's equivalent). */
  hasAccount?: ArrayLike<number>;
  /** 1: accepted marketing; 0: declined; anything else: the platform does not say. */
  marketingConsent?: ArrayLike<number>;
}

export interface JourneyOptions {
  /** Median gap at least this many times the store's typical gap counts as long. Default 1.5. */
  longGapFactor?: number;
  /** Below this many customers with two or more gaps, the irregularity cut-off is `fallbackCv`. Default 20. */
  minGapCustomers?: number;
  /** Default 0.75 (gaps typically three quarters of their mean away from it). */
  fallbackCv?: number;
}

export interface JourneyResult {
  /** Index into JOURNEY_STAGES, or NO_JOURNEY_STAGE. */
  stage: Uint8Array;
  /** Median gap between purchase days (0 with fewer than two purchase days). */
  medianGapDays: Float64Array;
  /** Coefficient of variation of the gaps (NaN with fewer than two gaps). */
  gapCv: Float64Array;
  thresholds: {
    typicalGapDays: number;
    longGapDays: number;
    longGapFactor: number;
    irregularCv: number;
    cvSource: "store" | "fallback";
  };
}

const J = (name: JourneyStage) => JOURNEY_STAGES.indexOf(name);
const LIFECYCLE_TO_JOURNEY = Uint8Array.from(LIFECYCLE_STAGES, (name) => J(name));
const REPEAT = LIFECYCLE_STAGES.indexOf("Repeat");
const WAITING = LIFECYCLE_STAGES.indexOf("Waiting");

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
}

export function classifyJourney(
  input: JourneyInput,
  referenceDay: number,
  options: JourneyOptions = {},
): JourneyResult {
  const { lifecycle, history } = input;
  const n = lifecycle.stage.length;
  const longGapFactor = options.longGapFactor ?? 1.5;
  const typicalGapDays = lifecycle.typicalGapDays;
  const longGapDays = longGapFactor * typicalGapDays;

  const medianGapDays = new Float64Array(n);
  const gapCv = new Float64Array(n).fill(NaN);
  const gaps = new Float64Array(64);
  let scratch = gaps;
  const cvs = new Float64Array(n);
  let withCv = 0;
  for (let c = 0; c < Math.min(n, history.customerCount); c++) {
    const begin = history.offsets[c]!;
    let end = history.offsets[c + 1]!;
    while (end > begin && history.day[end - 1]! > referenceDay) end--;
    const count = end - begin - 1;
    if (count < 1) continue;
    if (count > scratch.length) scratch = new Float64Array(count * 2);
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const g = history.day[begin + k + 1]! - history.day[begin + k]!;
      scratch[k] = g;
      sum += g;
    }
    const view = scratch.subarray(0, count).sort();
    medianGapDays[c] = median(view);
    if (count < 2) continue;
    const mean = sum / count;
    let squares = 0;
    for (let k = 0; k < count; k++) squares += (view[k]! - mean) ** 2;
    gapCv[c] = mean > 0 ? Math.sqrt(squares / count) / mean : 0;
    cvs[withCv++] = gapCv[c]!;
  }
  const enough = withCv >= (options.minGapCustomers ?? 20);
  const irregularCv = enough ? median(cvs.subarray(0, withCv).sort()) : (options.fallbackCv ?? 0.75);

  const stage = new Uint8Array(n).fill(NO_JOURNEY_STAGE);
  const lead = J("Lead");
  const occasional = J("Occasional");
  for (let c = 0; c < n; c++) {
    const s = lifecycle.stage[c]!;
    if (s === NO_STAGE) {
      if (input.hasAccount?.[c] === 1 && input.marketingConsent?.[c] === 1) stage[c] = lead;
      continue;
    }
    stage[c] = LIFECYCLE_TO_JOURNEY[s]!;
    if ((s === REPEAT || s === WAITING) && gapCv[c]! > irregularCv && medianGapDays[c]! >= longGapDays) {
      stage[c] = occasional;
    }
  }
  return {
    stage,
    medianGapDays,
    gapCv,
    thresholds: { typicalGapDays, longGapDays, longGapFactor, irregularCv, cvSource: enough ? "store" : "fallback" },
  };
}

export interface GhostGroups {
  /** Counted orders of each guest group (one group per keyed e-mail hash). */
  orders: ArrayLike<number>;
  /** Net spend of each group. */
  netSpend: ArrayLike<number>;
}

/**
 * Guest orders grouped into Ghosts by the caller's group key (a keyed hash of the e-mail, computed outside the
 * domain so the key never reaches it): one group per distinct key, in first-seen order, with its counted
 * orders and net spend. Orders without a key (no e-mail at all) belong to no group and are counted apart.
 */
export function ghostGroups(
  orderGroupKey: readonly (string | null)[],
  orderNetAmount: ArrayLike<number>,
): GhostGroups & { keys: string[]; ungroupedOrders: number } {
  const index = new Map<string, number>();
  const keys: string[] = [];
  const orders: number[] = [];
  const netSpend: number[] = [];
  let ungroupedOrders = 0;
  for (let k = 0; k < orderGroupKey.length; k++) {
    const key = orderGroupKey[k];
    if (key === null || key === undefined || key === "") {
      ungroupedOrders++;
      continue;
    }
    let g = index.get(key);
    if (g === undefined) {
      g = keys.length;
      index.set(key, g);
      keys.push(key);
      orders.push(0);
      netSpend.push(0);
    }
    orders[g]!++;
    const amount = orderNetAmount[k]!;
    if (Number.isFinite(amount)) netSpend[g]! += amount;
  }
  return { keys, orders, netSpend, ungroupedOrders };
}

export interface JourneyCount {
  stage: JourneyStage;
  /** Customers, or guest groups for Ghost. */
  count: number;
  /** Net spend of those customers (or groups), when given. */
  value: number;
  taggable: boolean;
}

/**
 * Customers and value per journey stage, Ghost from the guest groups (groups with at least one counted
 * order). `netSpend` per customer is optional; without it values are 0.
 */
export function journeyCounts(
  result: JourneyResult,
  netSpend: ArrayLike<number> | null,
  ghosts: GhostGroups | null,
): JourneyCount[] {
  const count = new Float64Array(JOURNEY_STAGES.length);
  const value = new Float64Array(JOURNEY_STAGES.length);
  for (let c = 0; c < result.stage.length; c++) {
    const s = result.stage[c]!;
    if (s === NO_JOURNEY_STAGE) continue;
    count[s]!++;
    const v = netSpend ? netSpend[c]! : 0;
    if (Number.isFinite(v)) value[s]! += v;
  }
  const ghost = J("Ghost");
  if (ghosts) {
    for (let g = 0; g < ghosts.orders.length; g++) {
      if (!(ghosts.orders[g]! >= 1)) continue;
      count[ghost]!++;
      const v = ghosts.netSpend[g]!;
      if (Number.isFinite(v)) value[ghost]! += v;
    }
  }
  return JOURNEY_STAGES.map((stage, s) => ({
    stage,
    count: count[s]!,
    value: value[s]!,
    taggable: JOURNEY_TAGGABLE[stage],
  }));
}

const days = (value: number) => `${Math.round(value)} day${Math.round(value) === 1 ? "" : "s"}`;

/**
 * Each journey stage in plain words, with this store's own thresholds filled in (the lifecycle stages' wording,
 * plus the three new stages and where each comes from).
 */
export function journeyStageHelp(result: JourneyResult): Record<JourneyStage, string> {
  const t = result.thresholds;
  const cvWords =
    t.cvSource === "store"
      ? `their gaps vary more than those of half of your customers with three or more purchases (spread above ${t.irregularCv.toFixed(2)} of the mean gap)`
      : `their gaps vary by more than ${Math.round(t.irregularCv * 100)} % of their mean gap (too few repeat buyers yet to use your store's own figure)`;
  return {
    New: `One order, placed within your store's typical gap between orders (${days(t.typicalGapDays)}).`,
    Lead: "Has an account and accepted marketing, but no counted order yet. Only where the platform tells us about consent.",
    Waiting: "Due for their next order by their own rhythm, but not late yet.",
    "At risk": "Two or more of their usual gaps without an order, or a low chance of still being a customer.",
    Lost: "Four or more of their usual gaps without an order, or a very low chance of still being a customer.",
    Hero: "Orders and spend both in your store's top 20 % (at least 3 orders), and not yet due.",
    Occasional: `Buys again, but rarely and unpredictably: three or more purchase days, a typical gap of at least ${days(t.longGapDays)} (${t.longGapFactor} × your store's ${days(t.typicalGapDays)}), and ${cvWords}. Part of "Repeat" (or "Waiting") in the seven-stage view.`,
    Repeat: "Two or more orders and on their usual rhythm.",
    Ghost:
      "Buys as a guest without an account: grouped by e-mail (kept as a keyed hash), counted and valued here, but never tagged because there is no customer record to tag.",
    "One-time": `One order, older than your store's typical gap between orders (${days(t.typicalGapDays)}).`,
  };
}
