/**
 * Every registered segmentation as the admin shows it: its segments in order with their explanations and sizes
 * (for those stored in the score row, as the recompute counted them; for the others one GROUP BY over
 * CustomerSegment's index; computed once per recompute), one
 * segment's page (size, members, where its customers came from and went), and movement between segments. Nothing
 * here names a particular segmentation: a new one in app/domain/segmentations/ appears without page edits.
 */
import type { Db } from "../db.server";
import { scoreRowColumns } from "../db/score-row-segmentations.server";
import {
  SEGMENTATIONS,
  segmentationById,
  segmentOf,
  segmentTag,
  type Segmentation,
  type SegmentDefinition,
} from "../domain/segmentations";
import type { TagFamily } from "../domain/tag-families";
import { adminMemo } from "./memo.server";
import type { MemberQuery } from "./member-query";
import { segmentMembers, type MemberPage } from "./segment-members.server";
import { readSettings } from "./settings.server";
import type { StoreView } from "./store-view";
import { latestRedactionAt } from "../sync/redaction.server";

export interface SegmentSummary extends SegmentDefinition {
  customers: number;
  /** Share of the segmentation's customers (null when it has none yet). */
  share: number | null;
}

export interface SegmentationSummary {
  id: string;
  name: string;
  description: string;
  tagFamily: TagFamily | null;
  customers: number;
  segments: SegmentSummary[];
}

export interface SegmentMove {
  key: string;
  label: string;
  customers: number;
}

const DAY_MS = 86_400_000;

interface RunVersion {
  version: string;
  finishedAt: Date | null;
  /** The run's own counts per score-row segmentation column, when nothing was redacted since (else null). */
  scoreRowCounts: Partial<Record<"segment" | "stage", Record<string, number>>> | null;
}

/** The latest completed recompute: what every figure here is as of (the memo version). */
async function runVersion(db: Db, storeId: string): Promise<RunVersion> {
  const run = await db.recomputeRun.findFirst({
    where: { storeId, state: "completed" },
    orderBy: { startedAt: "desc" },
    select: { id: true, finishedAt: true, counts: true },
  });
  const redaction = (await latestRedactionAt(db, storeId))?.toISOString() ?? null;
  return {
    version: `${run?.id ?? "none"}|${run?.finishedAt?.toISOString() ?? ""}|${redaction ?? ""}`,
    finishedAt: run?.finishedAt ?? null,
    scoreRowCounts: run ? scoreRowCountsOf(run.counts, redaction) : null,
  };
}

/**
 * The run's counts, if the latest redaction is the one the run saw before it read anything: a customer redacted
 * since is gone from the rows but still counted there (the run's clock may differ from the redactions', so the
 * redaction is compared with the one the run recorded, not with the run's times).
 */
function scoreRowCountsOf(counts: string, lastRedaction: string | null): RunVersion["scoreRowCounts"] {
  try {
    const recorded = (JSON.parse(counts) as { scoreRowCounts?: { lastRedaction?: unknown } }).scoreRowCounts;
    if (!recorded || typeof recorded !== "object" || recorded.lastRedaction !== lastRedaction) return null;
    return recorded as RunVersion["scoreRowCounts"];
  } catch {
    return null;
  }
}

async function segmentCounts(
  db: Db,
  storeId: string,
  segmentationId: string,
  run: RunVersion,
): Promise<Map<string, number>> {
  const columns = scoreRowColumns(segmentationId);
  const fromRun = columns ? run.scoreRowCounts?.[columns.key] : undefined;
  if (fromRun) return new Map(Object.entries(fromRun).filter(([, n]) => typeof n === "number"));
  if (columns) {
    // Runs recorded before the counts were kept, or a redaction since: over the score table's (storeId, segment) or
    // (storeId, stage) index on PostgreSQL, a scan of the store's rows on SQLite (decision 177).
    const rows = await db.customerScore.groupBy({ by: [columns.key], where: { storeId }, _count: { _all: true } });
    return new Map(rows.map((row) => [row[columns.key], row._count._all]));
  }
  // Over the (storeId, segmentationId, segmentKey) index.
  const rows = await db.customerSegment.groupBy({
    by: ["segmentKey"],
    where: { storeId, segmentationId },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.segmentKey, row._count._all]));
}

function summarize(segmentation: Segmentation, counts: Map<string, number>): SegmentationSummary {
  // Keys no longer defined (a segment renamed since the last run) are left out until the next run rewrites them.
  const customers = segmentation.segments.reduce((n, s) => n + (counts.get(s.key) ?? 0), 0);
  return {
    id: segmentation.id,
    name: segmentation.name,
    description: segmentation.description,
    tagFamily: segmentation.tagFamily,
    customers,
    segments: segmentation.segments.map((s) => {
      const n = counts.get(s.key) ?? 0;
      return { ...s, customers: n, share: customers > 0 ? n / customers : null };
    }),
  };
}

/** Every segmentation with its segments' sizes, in registry order. */
export async function loadSegmentations(
  db: Db,
  storeId: string,
  segmentations: readonly Segmentation[] = SEGMENTATIONS,
): Promise<SegmentationSummary[]> {
  const run = await runVersion(db, storeId);
  return Promise.all(
    segmentations.map(async (segmentation) =>
      summarize(
        segmentation,
        await adminMemo.get(`${storeId}:segmentation:${segmentation.id}`, run.version, () =>
          segmentCounts(db, storeId, segmentation.id, run),
        ),
      ),
    ),
  );
}

/**
 * Customers whose latest move within a segmentation happened after `after`: from their previous segment to their
 * current one (customers seen for the first time are not moves).
 */
export async function segmentationMovement(
  db: Db,
  storeId: string,
  segmentation: Segmentation,
  after: Date,
): Promise<{ from: string; to: string; customers: number }[]> {
  // Through Prisma, which compares the stored timestamps in each database's own format.
  const columns = scoreRowColumns(segmentation.id);
  if (columns) {
    const rows = await db.customerScore.groupBy({
      by: [columns.previous, columns.key],
      where: { storeId, [columns.previous]: { not: null }, [columns.since]: { gt: after } },
      _count: { _all: true },
    });
    return moves(
      rows.map((row) => ({ from: row[columns.previous], to: row[columns.key], customers: row._count._all })),
    );
  }
  const rows = await db.customerSegment.groupBy({
    by: ["previousKey", "segmentKey"],
    where: { storeId, segmentationId: segmentation.id, previousKey: { not: null }, since: { gt: after } },
    _count: { _all: true },
  });
  return moves(rows.map((row) => ({ from: row.previousKey, to: row.segmentKey, customers: row._count._all })));
}

/** Real moves (a previous key, not the current one), most customers first. */
function moves(
  rows: { from: string | null; to: string; customers: number }[],
): { from: string; to: string; customers: number }[] {
  return rows
    .filter((row): row is { from: string; to: string; customers: number } => row.from !== null && row.from !== row.to)
    .sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export interface SegmentationSegmentPage {
  store: StoreView;
  segmentation: Omit<SegmentationSummary, "segments">;
  segment: SegmentSummary;
  /** Where this segment's newcomers of the last 30 days came from, and where its leavers went. */
  cameFrom: SegmentMove[];
  wentTo: SegmentMove[];
  members: MemberPage;
  query: MemberQuery;
  /** The tag that carries the segment to the store, and whether the merchant pushes that family. */
  tag: string | null;
  tagPushed: boolean;
  asOf: string | null;
}

export async function loadSegmentationSegment(
  db: Db,
  store: StoreView,
  segmentationId: string,
  segmentKey: string,
  query: MemberQuery,
  segmentations: readonly Segmentation[] = SEGMENTATIONS,
): Promise<SegmentationSegmentPage | null> {
  const segmentation = segmentationById(segmentationId, segmentations);
  const definition = segmentation && segmentOf(segmentation, segmentKey);
  if (!segmentation || !definition) return null;
  const [settings, run] = await Promise.all([readSettings(db, store.id), runVersion(db, store.id)]);
  const { version, finishedAt } = run;
  const counts = await adminMemo.get(`${store.id}:segmentation:${segmentation.id}`, version, () =>
    segmentCounts(db, store.id, segmentation.id, run),
  );
  const { segments, ...summary } = summarize(segmentation, counts);
  const after = new Date((finishedAt ?? new Date()).getTime() - 30 * DAY_MS);
  const [moves, members] = await Promise.all([
    adminMemo.get(`${store.id}:segmentation-moves:${segmentation.id}`, version, () =>
      segmentationMovement(db, store.id, segmentation, after),
    ),
    segmentMembers(db, store.id, segmentKey, query, version, segmentation.id),
  ]);
  const label = (key: string) => segmentOf(segmentation, key)?.label ?? key;
  const family = segmentation.tagFamily;
  return {
    store,
    segmentation: summary,
    segment: segments.find((s) => s.key === segmentKey)!,
    cameFrom: moves
      .filter((m) => m.to === segmentKey)
      .map((m) => ({ key: m.from, label: label(m.from), customers: m.customers })),
    wentTo: moves
      .filter((m) => m.from === segmentKey)
      .map((m) => ({ key: m.to, label: label(m.to), customers: m.customers })),
    members,
    query,
    tag: segmentTag(segmentation, segmentKey, settings.tagPrefix),
    tagPushed: family !== null && settings.tagFamilies.includes(family),
    asOf: finishedAt?.toISOString() ?? null,
  };
}
