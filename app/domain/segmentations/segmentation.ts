/**
 * A segmentation: one way of putting every customer into exactly one named group (RFM groups, lifecycle stages, a
 * later model's clusters). Each is data the nightly job, the store of per-customer assignments and the admin read
 * the same way, so adding one is a new file here plus a registry line (docs/decisions/146-segmentations-as-data.md).
 */
import type { TagFamily } from "../tag-families";

/** How the admin colours a segment: good news, worth a look, act now, or neither. */
export type SegmentTone = "success" | "attention" | "critical" | "neutral";

export interface SegmentDefinition {
  /** Stored per customer and used in URLs and tags ("needs-attention"). */
  key: string;
  /** As the admin shows it ("Needs attention"). */
  label: string;
  /** What the customers in it have in common, in plain words. */
  explanation: string;
  tone: SegmentTone;
  /** Customers here carry no tag of the family (nobody to reach with it yet, e.g. no orders). */
  untagged?: boolean;
}

/**
 * What the nightly job knows of every customer when segmentations assign: one entry per customer in each column
 * (columns, not objects, so a million customers cost no allocation per customer and segmentation).
 */
export interface SegmentationInput {
  size: number;
  /** Counted orders. */
  orders: ArrayLike<number>;
  /** Days since the last counted order (NaN without orders). */
  recencyDays: ArrayLike<number>;
  /** RFM scores 1..bins (0 without orders). */
  r: ArrayLike<number>;
  f: ArrayLike<number>;
  m: ArrayLike<number>;
  /** Net spend in minor units. */
  spendMinor: ArrayLike<number>;
  historicClvMinor: ArrayLike<number>;
  /** Chance still a customer, when the purchase model ran (else null). */
  pAlive: ArrayLike<number> | null;
  /** The RFM group key and lifecycle stage key the core scoring already assigned. */
  rfmSegment: readonly string[];
  lifecycleStage: readonly string[];
}

export interface Segmentation {
  /** Stable id stored with each assignment ("rfm"); lower case, digits and dashes. */
  id: string;
  /** As the admin titles it ("RFM groups"). */
  name: string;
  /** One or two plain sentences: what this way of grouping customers tells the merchant. */
  description: string;
  /** In the order the admin lists them; every key `assign` returns is one of these. */
  segments: readonly SegmentDefinition[];
  /** The Settings tag family that carries it to the store, or null when it is not pushed as tags. */
  tagFamily: TagFamily | null;
  /** The segment key of customer `i`. Pure. */
  assign(input: SegmentationInput, i: number): string;
}

/** The definition of `key` in `segmentation`, or null. */
export function segmentOf(segmentation: Segmentation, key: string): SegmentDefinition | null {
  return segmentation.segments.find((s) => s.key === key) ?? null;
}

/**
 * The tag that carries segment `key` to the store ("ciclo:rfm-champions"), or null when the segmentation has no
 * tag family or the segment is not tagged. The merchant's Settings decide whether the family is written at all.
 */
export function segmentTag(segmentation: Segmentation, key: string, prefix: string): string | null {
  if (segmentation.tagFamily === null || segmentOf(segmentation, key)?.untagged) return null;
  return `${prefix}${segmentation.tagFamily}-${key}`;
}

/** A definition's shape problems (empty list when sound): the registry test checks every registered one. */
export function definitionProblems(segmentation: Segmentation): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9-]+$/.test(segmentation.id)) problems.push(`id "${segmentation.id}" is not lower-case-with-dashes`);
  if (segmentation.segments.length === 0) problems.push("no segments");
  const keys = new Set<string>();
  for (const s of segmentation.segments) {
    if (!/^[a-z0-9-]+$/.test(s.key)) problems.push(`key "${s.key}" is not lower-case-with-dashes`);
    if (keys.has(s.key)) problems.push(`key "${s.key}" twice`);
    keys.add(s.key);
    if (!s.label.trim() || !s.explanation.trim()) problems.push(`key "${s.key}" lacks a label or explanation`);
  }
  return problems;
}
