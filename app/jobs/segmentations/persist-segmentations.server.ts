/**
 * Stores every customer's segment in every registered segmentation (CustomerSegment), after the nightly job has
 * scored them. One upsert per customer and segmentation through the bulk writer (COPY + INSERT … SELECT on
 * PostgreSQL, short prepared-statement transactions on SQLite); the database keeps `since` and `previousKey`
 * when the segment is unchanged and moves them when it changes, so no previous state is read into memory.
 * Rows not rewritten by this run (customers gone, segmentations no longer registered) are removed afterwards.
 */
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import { SEGMENTATIONS, type Segmentation, type SegmentationInput } from "../../domain/segmentations";
import type { CustomerTable } from "../nightly/aggregate.server";
import type { ScoreTable } from "../nightly/score-customers";

const COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "segmentationId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "segmentKey", type: "text" },
  { name: "previousKey", type: "text" },
  { name: "since", type: "timestamp" },
  { name: "computedAt", type: "timestamp" },
];

const DELETE_BATCH = 2_000;

const unchanged = `"CustomerSegment"."segmentKey" = excluded."segmentKey"`;
const WRITE = {
  table: "CustomerSegment",
  columns: COLUMNS,
  conflict: ["storeId", "segmentationId", "customerId"],
  onConflictSet: {
    previousKey: `CASE WHEN ${unchanged} THEN "CustomerSegment"."previousKey" ELSE "CustomerSegment"."segmentKey" END`,
    since: `CASE WHEN ${unchanged} THEN "CustomerSegment"."since" ELSE excluded."since" END`,
  },
};

/** The columns segmentations assign from, as the nightly job holds them (no copies). */
export function segmentationInput(table: CustomerTable, scores: ScoreTable): SegmentationInput {
  return {
    size: table.size,
    orders: table.orders,
    recencyDays: scores.recencyDays,
    r: scores.r,
    f: scores.f,
    m: scores.m,
    spendMinor: table.totalSpend,
    historicClvMinor: scores.historicClv,
    pAlive: scores.predicted?.pAlive ?? null,
    rfmSegment: scores.segment,
    lifecycleStage: scores.stage,
  };
}

export interface SegmentationWriteResult {
  rows: number;
  /** Customers per segment key, per segmentation id. */
  counts: Record<string, Record<string, number>>;
}

export async function persistSegmentations(
  bulk: BulkWriter,
  storeId: string,
  ids: readonly string[],
  input: SegmentationInput,
  computedAt: Date,
  segmentations: readonly Segmentation[] = SEGMENTATIONS,
): Promise<SegmentationWriteResult> {
  // Rows are built and written a chunk at a time, as the scores are (a million customers × segmentations).
  const CHUNK = 20_000;
  const known = segmentations.map((s) => new Set(s.segments.map((d) => d.key)));
  const counts = segmentations.map(() => new Map<string, number>());
  let rows: unknown[][] = [];
  let written = 0;
  for (let i = 0; i < input.size; i++) {
    for (let s = 0; s < segmentations.length; s++) {
      const segmentation = segmentations[s]!;
      const key = segmentation.assign(input, i);
      if (!known[s]!.has(key)) {
        throw new Error(`Segmentation "${segmentation.id}" assigned "${key}", which is not one of its segments`);
      }
      counts[s]!.set(key, (counts[s]!.get(key) ?? 0) + 1);
      rows.push([storeId, segmentation.id, ids[i]!, key, null, computedAt, computedAt]);
    }
    if (rows.length >= CHUNK) {
      written += await bulk.write(WRITE, rows);
      rows = [];
    }
  }
  written += await bulk.write(WRITE, rows);
  // Rows this run did not rewrite (customers gone since, segmentations no longer registered), in short batches:
  // dropping a segmentation leaves a row per customer behind.
  const registered = segmentations.length
    ? `"segmentationId" NOT IN (${segmentations.map(() => "?").join(", ")})`
    : "1 = 1";
  const stale = `"storeId" = ? AND ("computedAt" < ? OR ${registered})`;
  const staleParams = [storeId, computedAt, ...segmentations.map((s) => s.id)];
  for (;;) {
    const deleted = await bulk.execute(
      `DELETE FROM "CustomerSegment" WHERE ${stale} AND "customerId" IN
        (SELECT "customerId" FROM "CustomerSegment" WHERE ${stale} LIMIT ${DELETE_BATCH})`,
      ...staleParams,
      ...staleParams,
    );
    // A short batch held every stale row left (a full one deletes at least DELETE_BATCH rows).
    if (deleted < DELETE_BATCH) break;
  }
  return {
    rows: written,
    counts: Object.fromEntries(segmentations.map((s, k) => [s.id, Object.fromEntries(counts[k]!)])),
  };
}
