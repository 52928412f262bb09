/**
 * Stores every customer's segment in every registered segmentation, after the nightly job has scored them.
 * Segmentations whose key is a column of the score row (RFM groups, lifecycle stages) are already stored by the score
 * write (app/db/score-row-segmentations.server.ts): here they are only counted and checked. Every other one gets a
 * CustomerSegment row per customer: one upsert per customer and segmentation through the bulk writer (COPY +
 * INSERT … SELECT on PostgreSQL, short prepared-statement transactions on SQLite); the database leaves a row alone
 * when the segment is unchanged and moves `since` and `previousKey` when it changes, so no previous state is read
 * into memory. Rows of customers gone and of segmentations not stored as rows (no longer registered, or kept in the
 * score row) are removed afterwards.
 */
import { storeHasRows } from "../../db/bulk-reader.server";
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import { overlappedWrite } from "../../db/overlapped-write.server";
import { scoreRowColumns, scoreRowKey } from "../../db/score-row-segmentations.server";
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

// Customers per DELETE statement (bound parameters stay well under the databases' limits).
const DELETE_BATCH = 500;

// A customer whose segment is unchanged keeps the stored row untouched (most customers, most nights: no write at
// all); a changed one gets the new key, the old key as previousKey, and since = this run.
const WRITE = {
  table: "CustomerSegment",
  columns: COLUMNS,
  conflict: ["storeId", "segmentationId", "customerId"],
  onConflictSet: { previousKey: `"CustomerSegment"."segmentKey"` },
  onConflictWhere: `"CustomerSegment"."segmentKey" <> excluded."segmentKey"`,
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
  /** CustomerSegment rows written (segmentations stored in the score row write none). */
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
  const inScoreRow = segmentations.map((s) => scoreRowColumns(s.id));
  const asRows = segmentations.filter((_, s) => inScoreRow[s] === null);
  // A store's first run (no rows yet) writes plain inserts (the bulk writer upserts any that collide after all).
  const write = asRows.length
    ? overlappedWrite(bulk, { ...WRITE, newRows: !(await storeHasRows(bulk.reader, "CustomerSegment", storeId)) })
    : null;
  let rows: unknown[][] = [];
  for (let i = 0; i < input.size; i++) {
    for (let s = 0; s < segmentations.length; s++) {
      const segmentation = segmentations[s]!;
      const key = segmentation.assign(input, i);
      if (!known[s]!.has(key)) {
        throw new Error(`Segmentation "${segmentation.id}" assigned "${key}", which is not one of its segments`);
      }
      counts[s]!.set(key, (counts[s]!.get(key) ?? 0) + 1);
      const columns = inScoreRow[s] ?? null;
      if (columns === null) rows.push([storeId, segmentation.id, ids[i]!, key, null, computedAt, computedAt]);
      else if (key !== scoreRowKey(columns, input, i)) {
        // The score row holds the scoring's own column: a definition that assigns anything else cannot live there.
        throw new Error(
          `Segmentation "${segmentation.id}" assigned "${key}" where the score row holds "${scoreRowKey(columns, input, i)}"`,
        );
      }
    }
    if (write && rows.length >= CHUNK) {
      await write.push(rows);
      rows = [];
    }
  }
  let written = 0;
  if (write) {
    await write.push(rows);
    written = await write.done();
  }
  // Rows of customers no longer scored (the score table was just rewritten: its rows are this run's customers) and
  // of segmentations not stored as rows: found with one read, deleted in short statements (dropping a
  // segmentation leaves a row per customer).
  const named = Object.fromEntries(asRows.map((s, k) => [`segmentation${k}`, s.id]));
  const registered = asRows.length
    ? `g."segmentationId" NOT IN (${Object.keys(named)
        .map((k) => `$${k}`)
        .join(", ")})`
    : "1 = 1";
  const stale = new Map<string, string[]>();
  for await (const batch of bulk.reader.rows(
    `SELECT g."segmentationId", g."customerId" FROM "CustomerSegment" g
     WHERE g."storeId" = $store AND (${registered} OR NOT EXISTS (SELECT 1 FROM "CustomerScore" s
       WHERE s."storeId" = g."storeId" AND s."customerId" = g."customerId"))`,
    { store: storeId, ...named },
  )) {
    for (const [segmentationId, customerId] of batch as [string, string][]) {
      const ids = stale.get(segmentationId) ?? [];
      ids.push(customerId);
      stale.set(segmentationId, ids);
    }
  }
  for (const [segmentationId, customerIds] of stale) {
    for (let from = 0; from < customerIds.length; from += DELETE_BATCH) {
      const chunk = customerIds.slice(from, from + DELETE_BATCH);
      await bulk.execute(
        `DELETE FROM "CustomerSegment" WHERE "storeId" = ? AND "segmentationId" = ? AND "customerId" IN (${chunk
          .map(() => "?")
          .join(", ")})`,
        storeId,
        segmentationId,
        ...chunk,
      );
    }
  }
  return {
    rows: written,
    counts: Object.fromEntries(segmentations.map((s, k) => [s.id, Object.fromEntries(counts[k]!)])),
  };
}
