/**
 * Named RFM segments with Shopify's own 11 group names (CustomerRfmGroup), placed on the recency × FM grid.
 *
 * In plain words (R = recency score, FM = combined frequency-and-monetary score, both 1..5, 5 best):
 * - Champions: bought very recently (R5) and are among the top buyers (FM 4-5).
 * - Loyal: bought recently (R3-4) and are among the top buyers (FM 4-5).
 * - Active: bought recently or very recently (R4-5), middling orders and spend (FM 3).
 * - Needs attention: middling recency (R3) and middling orders and spend (FM 2-3): still around, but cooling;
 *   this is how it differs from Active, whose last order is more recent.
 * - New: bought very recently (R5), few orders and low spend (FM 1-2): typically a first order.
 * - Promising: bought recently (R4, or R3 with FM 1), few orders and low spend.
 * - At risk: no recent purchase (R1-2) but a good history (FM 3-4).
 * - Previously loyal: no recent purchase (R1-2) but a top history (FM 5).
 * - Almost lost: not recent (R2), few orders and low spend (FM 1-2).
 * - Dormant: long gone (R1), few orders and low spend (FM 1-2).
 * - Prospects: no counted orders yet.
 * The grid below is the single source of truth; with bins other than 5, scores are mapped onto it first.
 */
import type { RfmScores } from "./rfm";

export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Active",
  "Needs attention",
  "Promising",
  "New",
  "At risk",
  "Previously loyal",
  "Almost lost",
  "Dormant",
  "Prospects",
] as const;

export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Shopify's enum value for each name (CustomerStatistics.rfmGroup), to compare with the platform. */
export const SHOPIFY_RFM_GROUP: Record<RfmSegment, string> = {
  Champions: "CHAMPIONS",
  Loyal: "LOYAL",
  Active: "ACTIVE",
  "Needs attention": "NEEDS_ATTENTION",
  Promising: "PROMISING",
  New: "NEW",
  "At risk": "AT_RISK",
  "Previously loyal": "PREVIOUSLY_LOYAL",
  "Almost lost": "ALMOST_LOST",
  Dormant: "DORMANT",
  Prospects: "PROSPECTS",
};

/** SEGMENT_GRID[5 - R][FM - 1]: rows from R5 (most recent) down to R1, columns FM 1..5. */
export const SEGMENT_GRID: readonly (readonly RfmSegment[])[] = [
  /* R5 */ ["New", "New", "Active", "Champions", "Champions"],
  /* R4 */ ["Promising", "Promising", "Active", "Loyal", "Loyal"],
  /* R3 */ ["Promising", "Needs attention", "Needs attention", "Loyal", "Loyal"],
  /* R2 */ ["Almost lost", "Almost lost", "At risk", "At risk", "Previously loyal"],
  /* R1 */ ["Dormant", "Dormant", "At risk", "At risk", "Previously loyal"],
];

/** Maps a 1..bins score onto the grid's 1..5. */
function toGridLevel(score: number, bins: number): number {
  return Math.min(5, Math.max(1, Math.ceil((score * 5) / bins)));
}

/** Segment of one customer from its scores; R = 0 (no orders) means Prospects. */
export function segmentFor(recency: number, frequencyMonetary: number, bins = 5): RfmSegment {
  if (recency < 1 || frequencyMonetary < 1) return "Prospects";
  const r = toGridLevel(recency, bins);
  const fm = toGridLevel(frequencyMonetary, bins);
  return SEGMENT_GRID[5 - r]![fm - 1]!;
}

/** Segment index (into RFM_SEGMENTS) for every customer. */
export function assignSegments(scores: RfmScores): Uint8Array {
  // Lookup table over (R, FM) scores 0..bins, so a million customers cost one array read each.
  const side = scores.bins + 1;
  const table = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let fm = 0; fm < side; fm++) table[r * side + fm] = RFM_SEGMENTS.indexOf(segmentFor(r, fm, scores.bins));
  }
  const out = new Uint8Array(scores.recency.length);
  for (let i = 0; i < out.length; i++) out[i] = table[scores.recency[i]! * side + scores.frequencyMonetary[i]!]!;
  return out;
}
