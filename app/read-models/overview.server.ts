/**
 * The Overview: segment sizes and revenue share (latest SegmentSnapshot and the ones a week and a month
 * earlier), the recency x frequency grid, the CLV distribution, segment movement, NPS, best customers, and the
 * last/next recompute. Everything reads precomputed tables; the three GROUP BYs over CustomerScore and
 * SegmentTransition run once per recompute (VersionedMemo keyed by the latest completed run).
 */
import { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import { niceWidth } from "../jobs/nightly/score-customers";
import { backfillProgress } from "../platforms/shopify/backfill.server";
import { queryFragments } from "../db/dialect.server";
import { adminMemo } from "./memo.server";
import { SEGMENTS, segmentBySlug, segmentName, type SegmentInfo } from "../domain/names";
import { recomputeStatus, type RecomputeStatus } from "./recompute-status.server";
import { readSettings } from "./settings.server";
import { shiftDay, toMinorString, toNumber } from "../db/sql-values";
import type { StoreView } from "./store-view";
import { surveyInsights, type NpsGroup } from "./survey-insights.server";
import { JOURNEY_MOVES_KIND, journeyMovesBetween, type JourneyMovesDay } from "./intelligence/insight-types";
import type { NpsSummary } from "../domain/surveys";

export interface SegmentSize {
  slug: string;
  name: string;
  customers: number;
  revenueMinor: string;
  avgClvMinor: string;
  /** Customers a week and a month earlier (null when no snapshot that old). */
  customersWeekAgo: number | null;
  customersMonthAgo: number | null;
}

export interface RfCell {
  r: number;
  f: number;
  customers: number;
  avgSpendMinor: string;
}

export interface ClvBucket {
  /** Lower bound in minor units (inclusive); the last bucket is open-ended. */
  fromMinor: string;
  toMinor: string | null;
  customers: number;
}

export interface Movement {
  from: string;
  to: string;
  customers: number;
}

export interface TopCustomer {
  customerId: string;
  name: string;
  segment: string;
  predictedClvMinor: string | null;
  historicClvMinor: string;
}

export interface Onboarding {
  backfill: {
    state: string;
    percent: number | null;
    ordersDone: number;
    etaMs: number | null;
    error: string | null;
  } | null;
}

export interface SegmentGroup {
  customers: number;
  revenueMinor: string;
  /** null when a week-old snapshot is missing for any of its segments. */
  customersWeekAgo: number | null;
}

/** Sums the segments the domain puts in a group. */
export function segmentGroup(segments: readonly SegmentSize[], member: (info: SegmentInfo) => boolean): SegmentGroup {
  const members = segments.filter((s) => {
    const info = segmentBySlug(s.slug);
    return info !== null && member(info);
  });
  return {
    customers: members.reduce((n, s) => n + s.customers, 0),
    revenueMinor: members.reduce((n, s) => n + BigInt(s.revenueMinor), 0n).toString(),
    customersWeekAgo: members.every((s) => s.customersWeekAgo !== null)
      ? members.reduce((n, s) => n + (s.customersWeekAgo ?? 0), 0)
      : null,
  };
}

function highlights(segments: readonly SegmentSize[]): OverviewData["highlights"] {
  return { best: segmentGroup(segments, (s) => s.best), slipping: segmentGroup(segments, (s) => s.slipping) };
}

export interface OverviewData {
  store: StoreView;
  /** null for a store with no recompute yet: show onboarding. */
  snapshotDay: string | null;
  weekAgoDay: string | null;
  monthAgoDay: string | null;
  segments: SegmentSize[];
  totals: { customers: number; revenueMinor: string };
  /** The headline groups: best customers and those slipping away (which segments they are: domain/names.ts). */
  highlights: { best: SegmentGroup; slipping: SegmentGroup };
  rfGrid: RfCell[];
  clv: { basis: "predicted" | "historic"; buckets: ClvBucket[] };
  movementWeek: Movement[];
  movementMonth: Movement[];
  /** Journey stage moves (the nine stages and One-time) over the same periods, from the nightly's intelligence. */
  stageMovesWeek: Movement[];
  stageMovesMonth: Movement[];
  topCustomers: TopCustomer[];
  nps: { overall: NpsSummary; bySegment: NpsGroup[]; answers: number };
  recompute: RecomputeStatus;
  onboarding: Onboarding;
}

async function snapshotDayAtOrBefore(db: Db, storeId: string, day: string): Promise<string | null> {
  const row = await db.segmentSnapshot.findFirst({
    where: { storeId, day: { lte: day } },
    orderBy: { day: "desc" },
    select: { day: true },
  });
  return row?.day ?? null;
}

/** The grid the nightly job wrote into the run's counts (`rfGrid`), if it did. */
function rfGridFromRun(counts: unknown): RfCell[] | null {
  const grid = (counts as { rfGrid?: unknown } | null)?.rfGrid;
  if (!Array.isArray(grid)) return null;
  const cells = grid.flatMap((cell: unknown) => {
    const c = cell as Record<string, unknown>;
    return typeof c.r === "number" && typeof c.f === "number" && typeof c.customers === "number"
      ? [{ r: c.r, f: c.f, customers: c.customers, avgSpendMinor: toMinorString(c.avgSpendMinor ?? 0) }]
      : [];
  });
  return cells.length > 0 ? cells : null;
}

async function rfGrid(db: Db, storeId: string, runCounts: unknown): Promise<RfCell[]> {
  const fromRun = rfGridFromRun(runCounts);
  if (fromRun) return fromRun;
  const rows = await queryFragments<{ r: unknown; f: unknown; customers: unknown; avgSpend: unknown }[]>(
    db,
    Prisma.sql`
    SELECT "rScore" AS "r", "fScore" AS "f", COUNT(*) AS "customers", AVG("monetaryMinor") AS "avgSpend"
    FROM "CustomerScore" WHERE "storeId" = ${storeId} AND "rScore" > 0
    GROUP BY "rScore", "fScore"`,
  );
  return rows.map((row) => ({
    r: toNumber(row.r),
    f: toNumber(row.f),
    customers: toNumber(row.customers),
    avgSpendMinor: toMinorString(toNumber(row.avgSpend)),
  }));
}

/** The histogram the nightly job wrote into the run's counts (`clvHistogram`), if it did, for that basis. */
function clvHistogramFromRun(counts: unknown, basis: "predicted" | "historic"): ClvBucket[] | null {
  const histogram = (counts as { clvHistogram?: { basis?: unknown; buckets?: unknown } } | null)?.clvHistogram;
  if (!histogram || histogram.basis !== basis || !Array.isArray(histogram.buckets)) return null;
  return histogram.buckets as ClvBucket[];
}

async function clvDistribution(
  db: Db,
  storeId: string,
  basis: "predicted" | "historic",
  runCounts: unknown,
): Promise<OverviewData["clv"]["buckets"]> {
  const fromRun = clvHistogramFromRun(runCounts, basis);
  if (fromRun) return fromRun;
  const column = Prisma.raw(basis === "predicted" ? `"predictedClvMinor"` : `"historicClvMinor"`);
  // Only indexed columns for predicted CLV (the whole count and histogram come from the index).
  const where = Prisma.sql`"storeId" = ${storeId} AND ${column} IS NOT NULL`;
  const [countRow] = await queryFragments<{ n: unknown }[]>(
    db,
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "CustomerScore" WHERE ${where}`,
  );
  const count = toNumber(countRow?.n ?? 0);
  if (count === 0) return [];
  // The 95th percentile sets the scale, so a few very large customers don't squash everyone into one bar.
  const [p95Row] = await queryFragments<{ v: unknown }[]>(
    db,
    Prisma.sql`
    SELECT ${column} AS "v" FROM "CustomerScore" WHERE ${where}
    ORDER BY ${column} DESC LIMIT 1 OFFSET ${Math.floor(count * 0.05)}`,
  );
  const width = niceWidth(toNumber(p95Row?.v ?? 0), 10);
  const rows = await queryFragments<{ bucket: unknown; customers: unknown }[]>(
    db,
    Prisma.sql`
    SELECT CASE WHEN ${column} >= ${width * 10} THEN 10 WHEN ${column} < 0 THEN 0
      ELSE CAST(${column} / ${width} AS INTEGER) END AS "bucket", COUNT(*) AS "customers"
    FROM "CustomerScore" WHERE ${where} GROUP BY 1 ORDER BY 1`,
  );
  const counts = new Map(rows.map((row) => [toNumber(row.bucket), toNumber(row.customers)]));
  return Array.from({ length: 11 }, (_, i) => ({
    fromMinor: String(i * width),
    toMinor: i === 10 ? null : String((i + 1) * width),
    customers: counts.get(i) ?? 0,
  }));
}

async function movement(db: Db, storeId: string, afterDay: string, uptoDay: string): Promise<Movement[]> {
  const rows = await db.$queryRaw<{ from: string | null; to: string; customers: unknown }[]>`
    SELECT "fromSegment" AS "from", "toSegment" AS "to", COUNT(*) AS "customers"
    FROM "SegmentTransition"
    WHERE "storeId" = ${storeId} AND "day" > ${afterDay} AND "day" <= ${uptoDay}
      AND ("fromSegment" IS NULL OR "fromSegment" <> "toSegment")
    GROUP BY "fromSegment", "toSegment"`;
  return rows
    .map((row) => ({
      from: row.from === null ? "(new)" : segmentName(row.from),
      to: segmentName(row.to),
      customers: toNumber(row.customers),
    }))
    .sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from));
}

/** The journey stage moves the nightly recorded per day (StoreInsight "journey-moves"); none when unreadable. */
export async function journeyMoveDays(db: Db, storeId: string): Promise<JourneyMovesDay[]> {
  const row = await db.storeInsight.findUnique({
    where: { storeId_kind: { storeId, kind: JOURNEY_MOVES_KIND } },
    select: { data: true },
  });
  if (!row) return [];
  try {
    const days = (JSON.parse(row.data) as { days?: unknown }).days;
    return Array.isArray(days) ? (days as JourneyMovesDay[]) : [];
  } catch {
    return [];
  }
}

type TopScore = { customerId: string; segment: string; predictedClvMinor: string | null; historicClvMinor: string };

async function topScores(db: Db, storeId: string, basis: "predicted" | "historic", runCounts: unknown) {
  const fromRun = (runCounts as { topCustomers?: unknown } | null)?.topCustomers;
  if (Array.isArray(fromRun)) return (fromRun as TopScore[]).slice(0, 5);
  const rows = await db.customerScore.findMany({
    where: { storeId, ...(basis === "predicted" ? { predictedClvMinor: { not: null } } : {}) },
    orderBy: basis === "predicted" ? { predictedClvMinor: "desc" } : { historicClvMinor: "desc" },
    take: 5,
    select: { customerId: true, segment: true, predictedClvMinor: true, historicClvMinor: true },
  });
  return rows.map((r) => ({
    ...r,
    predictedClvMinor: r.predictedClvMinor?.toString() ?? null,
    historicClvMinor: r.historicClvMinor.toString(),
  }));
}

async function topCustomers(
  db: Db,
  storeId: string,
  basis: "predicted" | "historic",
  runCounts: unknown,
): Promise<TopCustomer[]> {
  const scores = await topScores(db, storeId, basis, runCounts);
  const customers = await db.customer.findMany({
    where: { storeId, id: { in: scores.map((s) => s.customerId) } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  const byId = new Map(customers.map((c) => [c.id, c]));
  return scores.map((score) => {
    const customer = byId.get(score.customerId);
    const name = [customer?.firstName, customer?.lastName].filter(Boolean).join(" ") || customer?.email || "Customer";
    return {
      customerId: score.customerId,
      name,
      segment: score.segment,
      predictedClvMinor: score.predictedClvMinor,
      historicClvMinor: score.historicClvMinor,
    };
  });
}

async function onboarding(db: Db, storeId: string): Promise<Onboarding> {
  const run = await db.backfillRun.findFirst({ where: { storeId }, orderBy: { startedAt: "desc" } });
  if (!run) return { backfill: null };
  const progress = backfillProgress(run);
  return {
    backfill: {
      state: progress.state,
      percent: progress.percent,
      ordersDone: progress.ordersDone,
      etaMs: progress.etaMs,
      error: run.error,
    },
  };
}

export async function loadOverview(db: Db, store: StoreView): Promise<OverviewData> {
  const settings = await readSettings(db, store.id);
  const [recompute, latest, nps, onboardingInfo] = await Promise.all([
    recomputeStatus(db, store, settings.scheduleHour),
    db.segmentSnapshot.findFirst({ where: { storeId: store.id }, orderBy: { day: "desc" }, select: { day: true } }),
    surveyInsights(db, store),
    onboarding(db, store.id),
  ]);
  const npsPart = { overall: nps.overall, bySegment: nps.bySegment, answers: nps.answers };
  if (!latest) {
    return {
      store,
      snapshotDay: null,
      weekAgoDay: null,
      monthAgoDay: null,
      segments: [],
      totals: { customers: 0, revenueMinor: "0" },
      highlights: highlights([]),
      rfGrid: [],
      clv: { basis: "historic", buckets: [] },
      movementWeek: [],
      movementMonth: [],
      stageMovesWeek: [],
      stageMovesMonth: [],
      topCustomers: [],
      nps: npsPart,
      recompute,
      onboarding: onboardingInfo,
    };
  }
  const day = latest.day;
  const [weekAgoDay, monthAgoDay] = await Promise.all([
    snapshotDayAtOrBefore(db, store.id, shiftDay(day, -7)),
    snapshotDayAtOrBefore(db, store.id, shiftDay(day, -30)),
  ]);
  const snapshots = await db.segmentSnapshot.findMany({
    where: { storeId: store.id, day: { in: [day, weekAgoDay, monthAgoDay].filter((d): d is string => d !== null) } },
  });
  const at = (d: string | null, slug: string) =>
    d === null ? null : (snapshots.find((s) => s.day === d && s.segment === slug)?.customers ?? 0);
  const segments: SegmentSize[] = SEGMENTS.map((info) => {
    const row = snapshots.find((s) => s.day === day && s.segment === info.slug);
    return {
      slug: info.slug,
      name: info.name,
      customers: row?.customers ?? 0,
      revenueMinor: (row?.revenueMinor ?? 0n).toString(),
      avgClvMinor: (row?.avgClvMinor ?? 0n).toString(),
      customersWeekAgo: at(weekAgoDay, info.slug),
      customersMonthAgo: at(monthAgoDay, info.slug),
    };
  });
  const totals = {
    customers: segments.reduce((sum, s) => sum + s.customers, 0),
    revenueMinor: segments.reduce((sum, s) => sum + BigInt(s.revenueMinor), 0n).toString(),
  };

  const lastRunCounts = recompute.lastCompleted
    ? await db.recomputeRun
        .findUnique({ where: { id: recompute.lastCompleted.id }, select: { counts: true } })
        .then((run) => {
          try {
            return JSON.parse(run?.counts ?? "{}") as unknown;
          } catch {
            return null;
          }
        })
    : null;
  const basis = recompute.lastCompleted?.clvStatus === "predictive" ? "predicted" : "historic";
  const version = `${recompute.lastCompleted?.id ?? "none"}|${day}`;
  const heavy = await adminMemo.get(`${store.id}:overview`, version, async () => {
    const [grid, buckets, week, month, top, stageDays] = await Promise.all([
      rfGrid(db, store.id, lastRunCounts),
      clvDistribution(db, store.id, basis, lastRunCounts),
      movement(db, store.id, shiftDay(day, -7), day),
      movement(db, store.id, shiftDay(day, -30), day),
      topCustomers(db, store.id, basis, lastRunCounts),
      journeyMoveDays(db, store.id),
    ]);
    const stageWeek = journeyMovesBetween(stageDays, shiftDay(day, -7), day);
    const stageMonth = journeyMovesBetween(stageDays, shiftDay(day, -30), day);
    return { grid, buckets, week, month, top, stageWeek, stageMonth };
  });

  return {
    store,
    snapshotDay: day,
    weekAgoDay,
    monthAgoDay,
    segments,
    totals,
    highlights: highlights(segments),
    rfGrid: heavy.grid,
    clv: { basis, buckets: heavy.buckets },
    movementWeek: heavy.week,
    movementMonth: heavy.month,
    stageMovesWeek: heavy.stageWeek,
    stageMovesMonth: heavy.stageMonth,
    topCustomers: heavy.top,
    nps: npsPart,
    recompute,
    onboarding: onboardingInfo,
  };
}
