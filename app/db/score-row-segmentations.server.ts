/**
 * Segmentations whose key is already a column of the customer's score row: RFM groups are CustomerScore.segment and
 * lifecycle stages CustomerScore.stage (their `assign` returns the scoring's own columns). They are stored there —
 * with the previous key and the date the customer entered the current one beside it — instead of a CustomerSegment
 * row per customer: the nightly job writes the score row anyway, and two more rows per customer were the largest
 * avoidable write of the run (docs/decisions/164-score-row-segmentations.md). Every other segmentation keeps its
 * CustomerSegment rows (decision 146). The nightly write and the read models both ask here, and nowhere else.
 */
import type { SegmentationInput } from "../domain/segmentations";
import type { Column } from "./bulk-writer.server";

export interface ScoreRowColumns {
  /** The CustomerScore column holding the segment key (indexed with storeId). */
  key: "segment" | "stage";
  /** The key before the last change (null when none is known). */
  previous: "previousSegment" | "previousStage";
  /** When the customer entered the current key. */
  since: "segmentSince" | "stageSince";
  /** The nightly column the score row's key is written from: the segmentation's `assign` must return it. */
  input: "rfmSegment" | "lifecycleStage";
}

const BY_SEGMENTATION: Readonly<Record<string, ScoreRowColumns>> = {
  rfm: { key: "segment", previous: "previousSegment", since: "segmentSince", input: "rfmSegment" },
  lifecycle: { key: "stage", previous: "previousStage", since: "stageSince", input: "lifecycleStage" },
};

/** The score columns that store segmentation `id`, or null when it is stored as CustomerSegment rows. */
export function scoreRowColumns(segmentationId: string): ScoreRowColumns | null {
  return Object.hasOwn(BY_SEGMENTATION, segmentationId) ? BY_SEGMENTATION[segmentationId]! : null;
}

/** What `scoreRowColumns(id)` says the score row holds for customer `i` (the check that `assign` agrees). */
export function scoreRowKey(columns: ScoreRowColumns, input: SegmentationInput, i: number): string {
  return input[columns.input][i]!;
}

const ALL = Object.values(BY_SEGMENTATION);

/** The score write's extra columns, in the order of `scoreRowSegmentationValues`. */
export const SCORE_ROW_SEGMENTATION_COLUMNS: readonly Column[] = ALL.flatMap((c) => [
  { name: c.previous, type: "text" as const },
  { name: c.since, type: "timestamp" as const },
]);

/** A first write's values of those columns: no previous key, in the segment since this run. */
export function scoreRowSegmentationValues(computedAt: Date): unknown[] {
  return ALL.flatMap(() => [null, computedAt]);
}

/**
 * On a rewrite (ON CONFLICT DO UPDATE, where the table's own columns are the stored row's values on SQLite and
 * PostgreSQL alike): unchanged key, previous and since stay; a changed key makes the stored key the previous one
 * and since this run. A row written without since (by hand, before these columns) gets this run's.
 */
export const SCORE_ROW_SEGMENTATION_CONFLICT_SET: Readonly<Record<string, string>> = Object.fromEntries(
  ALL.flatMap((c) => {
    const same = `"CustomerScore"."${c.key}" = excluded."${c.key}"`;
    return [
      [c.previous, `CASE WHEN ${same} THEN "CustomerScore"."${c.previous}" ELSE "CustomerScore"."${c.key}" END`],
      [
        c.since,
        `CASE WHEN ${same} THEN COALESCE("CustomerScore"."${c.since}", excluded."${c.since}") ELSE excluded."${c.since}" END`,
      ],
    ];
  }),
);
