/**
 * Segment and lifecycle-stage names as the admin shows them, with the slugs the nightly job stores
 * ("Needs attention" -> "needs-attention") and a plain-words definition of each (from app/domain/segments.ts and
 * app/domain/lifecycle.ts). Shared by server and browser code.
 */
import { LIFECYCLE_STAGES, type LifecycleStage } from "./lifecycle";
import { RFM_SEGMENTS, SEGMENT_GRID, type RfmSegment } from "./segments";

/** "Needs attention" -> "needs-attention": the slug stored, and used in tags and URLs (lower case, runs of other characters become one dash). */
export function toSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export interface SegmentInfo {
  name: RfmSegment;
  slug: string;
  /** What the customers in it have in common, in plain words. */
  definition: string;
  /** What a merchant typically does about them. */
  action: string;
  /** Whether the segment is part of "slipping away" on the overview. */
  slipping: boolean;
  /** Whether the segment is part of "best customers" on the overview. */
  best: boolean;
}

const DEFINITIONS: Record<RfmSegment, Omit<SegmentInfo, "name" | "slug">> = {
  Champions: {
    definition: "Bought very recently (recency score 5) and are among your top buyers by orders and spend (4-5).",
    action: "Thank them, ask for reviews and referrals, give early access.",
    slipping: false,
    best: true,
  },
  Loyal: {
    definition: "Bought recently (recency 3-4) and are among your top buyers by orders and spend (4-5).",
    action: "Keep them close: loyalty rewards, new arrivals first.",
    slipping: false,
    best: true,
  },
  Active: {
    definition: "Bought recently or very recently (recency 4-5) with a middling number of orders and spend (3).",
    action: "Suggest what goes with what they bought to grow their basket.",
    slipping: false,
    best: false,
  },
  "Needs attention": {
    definition:
      "Middling recency (3) and middling orders and spend (2-3): still around but cooling — their last order is older than Active customers'.",
    action: "A timely reminder or a relevant offer before they drift.",
    slipping: true,
    best: false,
  },
  Promising: {
    definition: "Bought recently (recency 4, or 3 with a single small order), few orders and low spend so far.",
    action: "Help them to a second order: onboarding emails, a reason to come back.",
    slipping: false,
    best: false,
  },
  New: {
    definition: "Bought very recently (recency 5), few orders and low spend: typically their first order.",
    action: "Welcome series; the weeks after the first order decide whether they return.",
    slipping: false,
    best: false,
  },
  "At risk": {
    definition: "No recent purchase (recency 1-2) but a good history of orders and spend (3-4).",
    action: "Win them back personally: what changed? A tailored offer.",
    slipping: true,
    best: false,
  },
  "Previously loyal": {
    definition: "No recent purchase (recency 1-2) but a top history of orders and spend (5).",
    action: "Your most valuable lapsed customers: reach out before they are gone for good.",
    slipping: true,
    best: false,
  },
  "Almost lost": {
    definition: "Not recent (recency 2), few orders and low spend.",
    action: "A low-cost win-back attempt; don't overspend.",
    slipping: true,
    best: false,
  },
  Dormant: {
    definition: "Long gone (recency 1), few orders and low spend.",
    action: "Keep in the newsletter at most; exclude from paid audiences.",
    slipping: false,
    best: false,
  },
  Prospects: {
    definition: "No counted orders yet (only test, cancelled or fully refunded orders, or none).",
    action: "Convert them with a first-order incentive.",
    slipping: false,
    best: false,
  },
};

export const SEGMENTS: readonly SegmentInfo[] = RFM_SEGMENTS.map((name) => ({
  name,
  slug: toSlug(name),
  ...DEFINITIONS[name],
}));

const SEGMENT_BY_SLUG = new Map(SEGMENTS.map((segment) => [segment.slug, segment]));

export function segmentBySlug(slug: string): SegmentInfo | null {
  return SEGMENT_BY_SLUG.get(slug) ?? null;
}

export function segmentName(slug: string | null): string {
  if (slug === null) return "None yet";
  return SEGMENT_BY_SLUG.get(slug)?.name ?? slug;
}

/** The grid cells (recency 5..1 from the top, FM 1..5 from the left) that make up a segment. */
export function segmentCells(name: RfmSegment): { r: number; fm: number }[] {
  const cells: { r: number; fm: number }[] = [];
  SEGMENT_GRID.forEach((row, i) => row.forEach((cell, j) => cell === name && cells.push({ r: 5 - i, fm: j + 1 })));
  return cells;
}

export interface StageInfo {
  name: LifecycleStage;
  slug: string;
  definition: string;
}

const STAGE_DEFINITIONS: Record<LifecycleStage, string> = {
  New: "One order, placed within the store's typical gap between orders.",
  "One-time": "One order, older than the store's typical gap between orders.",
  Repeat: "Two or more orders and on their usual rhythm.",
  Hero: "Orders and spend both in the store's top 20% (at least 3 orders), and not yet due.",
  Waiting: "Due for their next order by their own rhythm, but not late yet.",
  "At risk": "Two or more of their usual gaps without an order, or a low chance of still being a customer.",
  Lost: "Four or more of their usual gaps without an order, or a very low chance of still being a customer.",
};

export const STAGES: readonly StageInfo[] = LIFECYCLE_STAGES.map((name) => ({
  name,
  slug: toSlug(name),
  definition: STAGE_DEFINITIONS[name],
}));

const STAGE_BY_SLUG = new Map(STAGES.map((stage) => [stage.slug, stage]));

/** The nightly job stores "prospect" for customers without counted orders (no lifecycle stage). */
export const NO_STAGE_SLUG = "prospect";

export function stageName(slug: string | null): string {
  if (slug === null) return "None yet";
  if (slug === NO_STAGE_SLUG) return "No orders yet";
  return STAGE_BY_SLUG.get(slug)?.name ?? slug;
}

export function isStageSlug(slug: string): boolean {
  return STAGE_BY_SLUG.has(slug) || slug === NO_STAGE_SLUG;
}
