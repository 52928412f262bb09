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
import { overlappedColumnWrite } from "../../db/overlapped-write.server";
import type { ColumnChunk } from "../../db/column-chunk";
import { deleteRowsNotWrittenBy } from "../../db/chunked-delete.server";
import {
  SCORE_ROW_SEGMENTATION_COLUMNS,
  SCORE_ROW_SEGMENTATION_CONFLICT_SET,
  scoreRowSegmentationValues,
} from "../../db/score-row-segmentations.server";

const MS_PER_DAY = 86_400_000;
/** A store day as the instant its score columns hold (UTC midnight, epoch milliseconds). */
const dayMs = (epochDay: number) => Math.round(epochDay) * MS_PER_DAY;
/** Money in minor units as a plain integer for the bulk writer (exact below 2^53; no BigInt per value). */
const minor = (v: number) => Math.round(v);
const FAR_FUTURE_DAYS = 3_650;
const SCORE_CHUNKS_AHEAD = 8;

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
  // Rows are built and written a chunk at a time, as columns (column-chunk.ts, decision 170): no array per row.
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
  // Eight chunks (a second of writing) may wait for the writer: on SQLite this thread goes on with the intelligence
  // phases meanwhile, whose steps run for up to a second before the next chunk can be built. With the writer's
  // two, its thread waited 1.2–1.8 s per million-customer run (decision 174).
  const scoreWrite = overlappedColumnWrite(bulk, scoreOptions, SCORE_CHUNKS_AHEAD);
  const constants = {
    storeId: { constant: storeId },
    computedAt: { constant: computedAt },
    segmentations: scoreRowSegmentationValues(computedAt).map((value) => ({ constant: value })),
  };
  /** Customers [start, end) as a chunk of the score columns (NaN = null). */
  const scoreChunk = (start: number, end: number): ColumnChunk => {
    const n = end - start;
    const column = () => new Float64Array(n).fill(NaN);
    const [first, last, recency, monetary, r, f, m, historic] = [
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
    ];
    const [clv, pAlive, e30, e90, e365, aov, next, percentile] = [
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
      column(),
    ];
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const bought = table.purchaseDays[i]! > 0;
      if (bought) {
        first[k] = dayMs(table.firstDay[i]!);
        last[k] = dayMs(table.lastDay[i]!);
        recency[k] = Math.round(scores.recencyDays[i]!);
      }
      monetary[k] = minor(table.totalSpend[i]!);
      r[k] = scores.r[i]!;
      f[k] = scores.f[i]!;
      m[k] = scores.m[i]!;
      historic[k] = minor(scores.historicClv[i]!);
      if (p && bought) {
        clv[k] = minor(p.clv[i]!);
        pAlive[k] = p.pAlive[i]!;
        e30[k] = p.expected30[i]!;
        e90[k] = p.expected90[i]!;
        e365[k] = p.expected365[i]!;
        aov[k] = minor(p.expectedAov[i]!);
        const nextDay = p.nextOrderDay[i]!;
        if (Number.isFinite(nextDay) && nextDay < referenceDay + FAR_FUTURE_DAYS) next[k] = dayMs(nextDay);
        percentile[k] = p.clvPercentile[i]!;
      }
    }
    return {
      length: n,
      // In SCORE_COLUMNS' order.
      columns: [
        constants.storeId,
        table.ids.slice(start, end),
        constants.computedAt,
        table.orders.slice(start, end),
        table.purchaseDays.slice(start, end),
        first,
        last,
        recency,
        monetary,
        r,
        f,
        m,
        scores.segment.slice(start, end),
        scores.stage.slice(start, end),
        historic,
        clv,
        pAlive,
        e30,
        e90,
        e365,
        aov,
        next,
        percentile,
        ...constants.segmentations,
      ],
    };
  };
  const snapshot = new Map<string, { customers: number; revenue: number; clv: number }>();
  const transitions: unknown[][] = [];
  // In the table's order, which is customer id order: the (storeId, customerId) key and the rows fill (or are
  // updated) one page after another; PostgreSQL's segment and stage indexes take a few streams (SQLite has none,
  // decision 177). No index is ordered by a value that changes for everyone every night (decision 091).
  for (let start = 0; start < table.size; start += CHUNK) {
    const end = Math.min(table.size, start + CHUNK);
    await scoreWrite.push(scoreChunk(start, end));
    for (let i = start; i < end; i++) {
      const clv = p ? p.clv[i]! : scores.historicClv[i]!;
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
  }

  // Each customer's row is replaced in place; rows of customers no longer present are removed afterwards.
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
