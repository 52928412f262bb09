/**
 * How far Ciclo's segments agree with the groups Shopify shows for the same customers
 * (`Customer.statistics.rfmGroup`, `Customer.statistics.predictedSpendTier` in the Admin GraphQL API), and why
 * they differ, in words a merchant can follow.
 *
 * Shopify's CustomerRfmGroup enum has the same eleven groups Ciclo uses (segments.ts names them after it):
 * CHAMPIONS, LOYAL, ACTIVE, NEEDS_ATTENTION, PROMISING, NEW, AT_RISK, PREVIOUSLY_LOYAL, ALMOST_LOST, DORMANT,
 * PROSPECTS. CustomerPredictedSpendTier: HIGH (top spending range predicted for the next year), MEDIUM, LOW
 * (zero or the lowest range). Shopify does not publish its time window, cut-offs or update schedule, so the
 * explanations name the differences we know on our side and say where Shopify's side is unknown.
 *
 * Agreement rate = customers in the same group on both sides ÷ customers Shopify gave a group. Cohen's kappa
 * is reported beside it: with most customers in one or two groups, two unrelated labelings can agree often by
 * chance, and kappa (0 = chance, 1 = identical) corrects for that.
 */
import { RFM_SEGMENTS, SEGMENT_GRID, SHOPIFY_RFM_GROUP, type RfmSegment } from "../segments";

export const SHOPIFY_RFM_GROUPS: readonly string[] = RFM_SEGMENTS.map((name) => SHOPIFY_RFM_GROUP[name]);
export const SHOPIFY_PREDICTED_SPEND_TIERS = ["HIGH", "MEDIUM", "LOW"] as const;
export type ShopifySpendTier = (typeof SHOPIFY_PREDICTED_SPEND_TIERS)[number];

export interface AgreementCell {
  ciclo: string;
  shopify: string;
  customers: number;
}

export interface Agreement {
  /** Row labels (Ciclo) and column labels (Shopify), in the same order. */
  labels: readonly string[];
  /** counts[ciclo * labels.length + shopify]. */
  counts: Int32Array;
  /** Customers with a Shopify value we recognise (and a valid Ciclo one). */
  compared: number;
  agreeing: number;
  /** agreeing / compared, null when nothing was compared. */
  rate: number | null;
  /** Cohen's kappa, null when undefined (nothing compared, or both sides put everyone in one group). */
  kappa: number | null;
  /** Customers without a Shopify value (not read yet, or the shop has none). */
  missing: number;
  /** Shopify values we do not know (a newer API version's group): counted, not compared. */
  unrecognised: number;
  /** The largest disagreements, largest first. */
  topDisagreements: AgreementCell[];
}

function crossTab(
  rows: ArrayLike<number>,
  shopify: readonly (string | null | undefined)[],
  labels: readonly string[],
  topCount: number,
): Agreement {
  const K = labels.length;
  const columnOf = new Map(labels.map((label, k) => [label, k]));
  const counts = new Int32Array(K * K);
  let missing = 0;
  let unrecognised = 0;
  const n = Math.min(rows.length, shopify.length);
  for (let i = 0; i < n; i++) {
    const value = shopify[i];
    if (value === null || value === undefined || value === "") {
      missing++;
      continue;
    }
    const col = columnOf.get(value.toUpperCase());
    const row = rows[i]!;
    if (col === undefined) {
      unrecognised++;
      continue;
    }
    if (!(Number.isInteger(row) && row >= 0 && row < K)) continue;
    counts[row * K + col]!++;
  }
  let compared = 0;
  let agreeing = 0;
  const rowTotal = new Float64Array(K);
  const colTotal = new Float64Array(K);
  for (let r = 0; r < K; r++) {
    for (let c = 0; c < K; c++) {
      const v = counts[r * K + c]!;
      compared += v;
      rowTotal[r]! += v;
      colTotal[c]! += v;
      if (r === c) agreeing += v;
    }
  }
  let chance = 0;
  for (let k = 0; k < K; k++) chance += (rowTotal[k]! / compared) * (colTotal[k]! / compared);
  const observed = compared > 0 ? agreeing / compared : null;
  const kappa = observed !== null && chance < 1 ? (observed - chance) / (1 - chance) : null;
  const cells: AgreementCell[] = [];
  for (let r = 0; r < K; r++) {
    for (let c = 0; c < K; c++) {
      if (r !== c && counts[r * K + c]! > 0) {
        cells.push({ ciclo: labels[r]!, shopify: labels[c]!, customers: counts[r * K + c]! });
      }
    }
  }
  // Largest first; ties in label order so the list is stable.
  cells.sort(
    (x, y) =>
      y.customers - x.customers ||
      labels.indexOf(x.ciclo) - labels.indexOf(y.ciclo) ||
      labels.indexOf(x.shopify) - labels.indexOf(y.shopify),
  );
  return {
    labels,
    counts,
    compared,
    agreeing,
    rate: observed,
    kappa,
    missing,
    unrecognised,
    topDisagreements: cells.slice(0, topCount),
  };
}

/** Ciclo segment (index into RFM_SEGMENTS) × Shopify rfmGroup (enum value as the API returns it). */
export function rfmGroupAgreement(
  cicloSegment: ArrayLike<number>,
  shopifyGroup: readonly (string | null | undefined)[],
  topDisagreements = 5,
): Agreement {
  return crossTab(cicloSegment, shopifyGroup, SHOPIFY_RFM_GROUPS, topDisagreements);
}

/**
 * Ciclo's predicted value cut into Shopify's three tiers with the *same shares* Shopify uses in this shop
 * (if Shopify calls 12 % HIGH, Ciclo's 12 % highest predicted values are HIGH), so the comparison is about who
 * ranks high, not about cut-offs Shopify does not publish. Customers with equal values share a tier (the
 * higher one). Returns tier indexes into SHOPIFY_PREDICTED_SPEND_TIERS (255 where not compared).
 */
export function cicloSpendTiers(
  predictedValue: ArrayLike<number>,
  shopifyTier: readonly (string | null | undefined)[],
): Uint8Array {
  const n = Math.min(predictedValue.length, shopifyTier.length);
  const tiers = new Uint8Array(predictedValue.length).fill(255);
  const compared: number[] = [];
  const share = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const k = SHOPIFY_PREDICTED_SPEND_TIERS.indexOf((shopifyTier[i] ?? "").toUpperCase() as ShopifySpendTier);
    if (k < 0 || !Number.isFinite(predictedValue[i]!)) continue;
    compared.push(i);
    share[k]!++;
  }
  compared.sort((i, j) => predictedValue[j]! - predictedValue[i]! || i - j);
  const cutHigh = share[0]! > 0 ? predictedValue[compared[share[0]! - 1]!]! : Infinity;
  const cutMedium = share[1]! > 0 ? predictedValue[compared[share[0]! + share[1]! - 1]!]! : Infinity;
  for (const i of compared) {
    const v = predictedValue[i]!;
    tiers[i] = v >= cutHigh ? 0 : v >= cutMedium ? 1 : 2;
  }
  return tiers;
}

/** Ciclo spend tier (share-matched, see cicloSpendTiers) × Shopify predictedSpendTier. */
export function spendTierAgreement(
  predictedValue: ArrayLike<number>,
  shopifyTier: readonly (string | null | undefined)[],
): Agreement {
  return crossTab(cicloSpendTiers(predictedValue, shopifyTier), shopifyTier, SHOPIFY_PREDICTED_SPEND_TIERS, 3);
}

/** Recency (R) and frequency-monetary (FM) levels where a segment sits on the grid, 1..5 (5 best). */
function gridLevels(segment: RfmSegment): { r: number[]; fm: number[] } {
  const r = new Set<number>();
  const fm = new Set<number>();
  SEGMENT_GRID.forEach((row, i) =>
    row.forEach((name, j) => {
      if (name === segment) {
        r.add(5 - i);
        fm.add(j + 1);
      }
    }),
  );
  return { r: [...r].sort(), fm: [...fm].sort() };
}

const overlaps = (a: number[], b: number[]) => a.some((v) => b.includes(v));
const higher = (a: number[], b: number[]) => Math.min(...a) > Math.max(...b);

/** Why a customer can be in `ciclo` for us and in `shopify` (an rfmGroup enum value) for Shopify. */
export function explainRfmDifference(ciclo: RfmSegment, shopify: string): string {
  const theirs = RFM_SEGMENTS.find((name) => SHOPIFY_RFM_GROUP[name] === shopify.toUpperCase());
  if (!theirs) {
    return `Shopify returned "${shopify}", a group this version of Ciclo does not know, so it is counted but not compared.`;
  }
  if (theirs === ciclo) return "Both put this customer in the same group.";
  const common =
    "Ciclo scores every customer against this store's own customers as of its last nightly run (five equal-sized " +
    "levels per measure, one-time buyers always lowest on frequency); Shopify does not publish its time window, " +
    "cut-offs or when it last updated its groups.";
  if (ciclo === "Prospects") {
    return (
      `Shopify counts an order for this customer that Ciclo does not: Ciclo only counts paid orders that are not ` +
      `cancelled, voided, test or fully refunded, and only after the store's history import has finished. ${common}`
    );
  }
  if (theirs === "Prospects") {
    return (
      `Ciclo counts an order that Shopify's group does not reflect yet: Shopify may not have recomputed its group ` +
      `since that order. ${common}`
    );
  }
  const ours = gridLevels(ciclo);
  const other = gridLevels(theirs);
  const reasons: string[] = [];
  if (!overlaps(ours.r, other.r)) {
    reasons.push(
      higher(other.r, ours.r)
        ? "Shopify sees a more recent purchase: it may count an order Ciclo excludes (unpaid, cancelled, refunded, test), or its view is newer than Ciclo's last nightly run."
        : "Ciclo sees a more recent purchase than Shopify's group reflects: Shopify may not have recomputed the group since that order, or does not count it.",
    );
  }
  if (!overlaps(ours.fm, other.fm)) {
    reasons.push(
      higher(other.fm, ours.fm)
        ? "Shopify ranks this customer's orders and spend higher: Ciclo counts purchase days (several orders on one day are one) and spend net of refunds, and ranks against this store's customers."
        : "Ciclo ranks this customer's orders and spend higher than Shopify does: the two use different cut-offs for frequency and spend, and Ciclo combines the two as their rounded average.",
    );
  }
  if (reasons.length === 0) {
    reasons.push(
      "The two groups are neighbours on the recency × frequency-and-spend grid: the customer sits close to a cut-off, and a small difference in the cut-offs moves them across.",
    );
  }
  return `${reasons.join(" ")} ${common}`;
}

/** The whole comparison in a few sentences: rate, kappa, and the largest disagreement explained. */
export function explainRfmAgreement(agreement: Agreement): string {
  if (agreement.compared === 0) {
    return agreement.missing > 0
      ? "Shopify has not given a group for any of these customers yet (new shops and shops without enough orders have none)."
      : "No customers to compare.";
  }
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const parts = [
    `Ciclo and Shopify put ${pct(agreement.rate!)} of ${agreement.compared.toLocaleString("en-US")} customers in the same group` +
      (agreement.kappa === null
        ? "."
        : ` (${agreement.kappa.toFixed(2)} on a scale where 0 is what chance alone would give and 1 is full agreement).`),
  ];
  const top = agreement.topDisagreements[0];
  if (top) {
    const ciclo = RFM_SEGMENTS[SHOPIFY_RFM_GROUPS.indexOf(top.ciclo)]!;
    const shopifyName = RFM_SEGMENTS[SHOPIFY_RFM_GROUPS.indexOf(top.shopify)]!;
    parts.push(
      `The largest difference: ${top.customers.toLocaleString("en-US")} customers are "${ciclo}" in Ciclo and "${shopifyName}" in Shopify. ${explainRfmDifference(ciclo, top.shopify)}`,
    );
  }
  if (agreement.missing > 0)
    parts.push(`${agreement.missing.toLocaleString("en-US")} customers have no Shopify group yet.`);
  return parts.join(" ");
}
