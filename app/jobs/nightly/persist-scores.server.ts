/**
 * Writes a recompute's results: the current CustomerScore of every customer (replaced), today's
 * SegmentSnapshot, and SegmentTransitions for customers whose segment or stage changed.
 */
import type { Db } from "../../db.server";
import { storeHasRows } from "../../db/bulk-reader.server";
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import type { CustomerTable } from "./aggregate.server";
import type { ScoreTable } from "./score-customers";
import { persistSegmentations, segmentationInput } from "../segmentations/persist-segmentations.server";
import { SEGMENTATIONS, type Segmentation } from "../../domain/segmentations";
import { timeStep, type Steps } from "../step-timer";
import { overlappedWrite } from "../../db/overlapped-write.server";
import { deleteRowsNotWrittenBy } from "../../db/chunked-delete.server";
import {
  SCORE_ROW_SEGMENTATION_COLUMNS,
  SCORE_ROW_SEGMENTATION_CONFLICT_SET,
  scoreRowSegmentationValues,
} from "../../db/score-row-segmentations.server";

const MS_PER_DAY = 86_400_000;
// One Date per calendar day (a million rows carry a few thousand distinct days).
const days = new Map<number, Date>();
const dateOfDay = (epochDay: number) => {
  const day = Math.round(epochDay);
  let date = days.get(day);
  if (!date) {
    if (days.size > 50_000) days.clear();
    date = new Date(day * MS_PER_DAY);
    days.set(day, date);
  }
  return date;
};
/** Money in minor units as a plain integer for the bulk writer (exact below 2^53; no BigInt per value). */
const minor = (v: number) => Math.round(v);
const FAR_FUTURE_DAYS = 3_650;

export interface PersistResult {
  scores: number;
  transitions: number;
  segments: number;
  /** Milliseconds per write of the phase (where persist's time goes). */
  steps: Steps;
}

const SCORE_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "computedAt", type: "timestamp" },
  { name: "orders", type: "int" },
  { name: "purchaseDays", type: "int" },
  { name: "firstOrderAt", type: "timestamp" },
  { name: "lastOrderAt", type: "timestamp" },
  { name: "recencyDays", type: "int" },
  { name: "monetaryMinor", type: "bigint" },
  { name: "rScore", type: "int" },
  { name: "fScore", type: "int" },
  { name: "mScore", type: "int" },
  { name: "segment", type: "text" },
  { name: "stage", type: "text" },
  { name: "historicClvMinor", type: "bigint" },
  { name: "predictedClvMinor", type: "bigint" },
  { name: "pAlive", type: "float" },
  { name: "expected30", type: "float" },
  { name: "expected90", type: "float" },
  { name: "expected365", type: "float" },
  { name: "expectedAovMinor", type: "bigint" },
  { name: "nextOrderAt", type: "timestamp" },
  { name: "clvPercentile", type: "float" },
  // The segmentations stored in the score row: previous key and since (first write: none, this run).
  ...SCORE_ROW_SEGMENTATION_COLUMNS,
];

const TRANSITION_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "day", type: "text" },
  { name: "fromSegment", type: "text" },
  { name: "toSegment", type: "text" },
  { name: "fromStage", type: "text" },
  { name: "toStage", type: "text" },
];

const big = (v: number) => BigInt(Math.round(v));

export async function persistScores(
  db: Db,
  bulk: BulkWriter,
  storeId: string,
  table: CustomerTable,
  scores: ScoreTable,
  referenceDay: number,
  localDay: string,
  computedAt: Date,
  options: { recordTransitions?: boolean; segmentations?: readonly Segmentation[] } = {},
): Promise<PersistResult> {
  const recordTransitions = options.recordTransitions ?? true;
  const steps: Steps = {};
  const p = scores.predicted;
  // Rows are built and written a chunk at a time: a million rows of 23 values would otherwise hold ~600 MB.
  const CHUNK = 20_000;
  const scoresStarted = performance.now();
  // A store's first run (no score rows yet) writes its rows as plain inserts (the bulk writer upserts any that
  // collide after all).
  const scoreOptions = {
    table: "CustomerScore",
    columns: SCORE_COLUMNS,
    conflict: ["storeId", "customerId"],
    // A customer whose segment or stage is unchanged keeps its previous key and since; a changed one moves them.
    onConflictSet: SCORE_ROW_SEGMENTATION_CONFLICT_SET,
    newRows: !(await storeHasRows(bulk.reader, "CustomerScore", storeId)),
  };
  const segmentationValues = scoreRowSegmentationValues(computedAt);
  const scoreWrite = overlappedWrite(bulk, scoreOptions);
  let rows: unknown[][] = [];
  const snapshot = new Map<string, { customers: number; revenue: number; clv: number }>();
  const transitions: unknown[][] = [];
  // In the table's order, which is customer id order: the (storeId, customerId) index and the rows fill (or are
  // updated) one page after another; the segment and stage indexes take a few streams. No index is ordered by a
  // value that changes for everyone every night (see docs/decisions/091-score-table-indexes.md).
  for (let i = 0; i < table.size; i++) {
    const bought = table.purchaseDays[i]! > 0;
    const predicted = p && bought;
    const clv = p ? p.clv[i]! : scores.historicClv[i]!;
    const nextDay = p?.nextOrderDay[i];
    rows.push([
      storeId,
      table.ids[i]!,
      computedAt,
      table.orders[i]!,
      table.purchaseDays[i]!,
      bought ? dateOfDay(table.firstDay[i]!) : null,
      bought ? dateOfDay(table.lastDay[i]!) : null,
      bought ? Math.round(scores.recencyDays[i]!) : null,
      minor(table.totalSpend[i]!),
      scores.r[i]!,
      scores.f[i]!,
      scores.m[i]!,
      scores.segment[i]!,
      scores.stage[i]!,
      minor(scores.historicClv[i]!),
      predicted ? minor(p.clv[i]!) : null,
      predicted ? p.pAlive[i]! : null,
      predicted ? p.expected30[i]! : null,
      predicted ? p.expected90[i]! : null,
      predicted ? p.expected365[i]! : null,
      predicted ? minor(p.expectedAov[i]!) : null,
      predicted && nextDay !== undefined && Number.isFinite(nextDay) && nextDay < referenceDay + FAR_FUTURE_DAYS
        ? dateOfDay(nextDay)
        : null,
      predicted ? p.clvPercentile[i]! : null,
      ...segmentationValues,
    ]);
    if (rows.length === CHUNK) {
      await scoreWrite.push(rows);
      rows = [];
    }
    const seg = snapshot.get(scores.segment[i]!) ?? { customers: 0, revenue: 0, clv: 0 };
    seg.customers++;
    seg.revenue += table.totalSpend[i]!;
    seg.clv += clv;
    snapshot.set(scores.segment[i]!, seg);
    const prevSegment = table.previousSegment[i];
    const prevStage = table.previousStage[i];
    if (
      recordTransitions &&
      prevSegment != null &&
      (prevSegment !== scores.segment[i] || prevStage !== scores.stage[i])
    ) {
      transitions.push([
        storeId,
        table.ids[i]!,
        localDay,
        prevSegment,
        scores.segment[i]!,
        prevStage ?? null,
        scores.stage[i]!,
      ]);
    }
  }

  // Each customer's row is replaced in place; rows of customers no longer present are removed afterwards.
  await scoreWrite.push(rows);
  await scoreWrite.done();
  // Building the rows and writing them overlap: one step.
  steps.scores = Math.round(performance.now() - scoresStarted);
  // Rows of customers this run did not score (deleted, redacted) are older than it: a few thousand per statement,
  // so the write lock is never held long. A store's first run has none, and the search would scan every row it
  // just wrote (2 s at a million customers on SQLite) to find nothing.
  await timeStep(steps, "delete_stale_scores", async () => {
    if (scoreOptions.newRows) return;
    await deleteRowsNotWrittenBy(bulk, "CustomerScore", storeId, computedAt);
  });
  // Every registered segmentation's assignment per customer (the admin's segment pages read these): RFM groups and
  // lifecycle stages are already in the score rows just written; any other is stored as rows of its own, and rows
  // of segmentations no longer registered are removed.
  const segmentations = options.segmentations ?? SEGMENTATIONS;
  await timeStep(steps, "write_segmentations", () =>
    persistSegmentations(bulk, storeId, table.ids, segmentationInput(table, scores), computedAt, segmentations),
  );
  await timeStep(steps, "write_transitions", () =>
    bulk.write({ table: "SegmentTransition", columns: TRANSITION_COLUMNS, generateIds: true }, transitions),
  );
  // A rerun on the same day replaces that day's snapshot; transitions accumulate (each run records the changes
  // since the previous run).
  await timeStep(steps, "write_snapshot", () =>
    db.$transaction([
      db.segmentSnapshot.deleteMany({ where: { storeId, day: localDay } }),
      db.segmentSnapshot.createMany({
        data: [...snapshot].map(([segment, s]) => ({
          storeId,
          day: localDay,
          segment,
          customers: s.customers,
          revenueMinor: big(s.revenue),
          avgClvMinor: big(s.clv / Math.max(1, s.customers)),
        })),
      }),
    ]),
  );
  return { scores: table.size, transitions: transitions.length, segments: snapshot.size, steps };
}
