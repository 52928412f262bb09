/** The RFM groups (Shopify's 11 names on the recency × FM grid, app/domain/segments.ts) as a segmentation. */
import { SEGMENTS, toSlug } from "../names";

const PROSPECTS_SLUG = toSlug("Prospects");
import type { Segmentation, SegmentTone } from "./segmentation";

const tone = (s: { best: boolean; slipping: boolean }): SegmentTone =>
  s.best ? "success" : s.slipping ? "attention" : "neutral";

export const rfmSegmentation: Segmentation = {
  id: "rfm",
  name: "RFM groups",
  description:
    "Customers grouped by how recently they bought and how often and how much: who your best customers are and who is slipping away.",
  segments: SEGMENTS.map((s) => ({
    key: s.slug,
    label: s.name,
    explanation: s.definition,
    tone: tone(s),
    // Prospects have no orders yet: nothing to act on in the store.
    untagged: s.slug === PROSPECTS_SLUG,
  })),
  tagFamily: "rfm",
  // The core scoring already placed everyone on the grid (the score table's segment column).
  assign: (input, i) => input.rfmSegment[i]!,
};
