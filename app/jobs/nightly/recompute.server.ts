/**
 * The nightly recompute of one store: aggregate in SQL -> analytics core -> scores, snapshot, transitions ->
 * tag diff into the outbox. Every run is recorded (RecomputeRun) with its phases, counts, duration and errors.
 */
import type { Db } from "../../db.server";
import type { BulkWriter } from "../../db/bulk-writer.server";
import { toEpochDay } from "../../domain/clv/summary";
import { logger } from "../../logger.server";
import { localParts, utcOffsetMinutes } from "../schedule";
import { parseTagFamilies } from "../tags/desired-tags";
import { loadSurveyTags, planTagChanges } from "../tags/plan-tag-changes.server";
import { aggregateCustomers, type Dialect } from "./aggregate.server";
import { persistScores } from "./persist-scores.server";
import { clvHistogram, rfGrid, scoreCustomerTable, topCustomersByValue } from "./score-customers";
import { startProductInsights, type PendingProductInsights } from "./product-insights-in-worker.server";
import { BACKTEST_SAMPLE, nightlyBacktest } from "./backtest.server";
import type { CustomerLabels } from "../../platforms/platform";
import { platformDefinition } from "../../platforms/registry.server";
import { parseThresholds } from "../../domain/settings";
import { runIntelligence, storedSuggestions } from "./intelligence.server";
import { latestRedactionAt } from "../../sync/redaction.server";

export type RecomputeTrigger = "nightly" | "manual" | "backfill";

export interface RecomputeDeps {
  db: Db;
  bulk: BulkWriter;
  dialect: Dialect;
  now?: () => Date;
  /** Run the products phase on a thread of its own (default: from PRODUCT_WORKER_MIN_LINES order lines). */
  productsInWorker?: boolean;
}

interface Phase {
  name: string;
  /** When the phase began, in milliseconds from the run's start: on PostgreSQL some phases overlap (decision 169). */
  startMs: number;
  ms: number;
  count?: number;
  /**
   * CPU time this process (all its threads) spent in the phase: against `ms`, how much of the phase was this
   * process's own work and how much waiting for the database (on PostgreSQL, another process). Phases that run at
   * the same time each count all of it.
   */
  cpuMs: number;
  /** The process's resident memory when the phase ended (MB): where a run's peak builds up. */
  rssMb: number;
}

/** The most valuable customers kept in the run's counts for the overview. */
const TOP_CUSTOMERS_KEPT = 5;

/** A running run renews its heartbeat this often; one silent for STALE_HEARTBEAT_MS belongs to a dead process. */
const HEARTBEAT_MS = 10_000;
const STALE_HEARTBEAT_MS = 60_000;

/** Marks runs whose process died (no heartbeat for a minute) as interrupted; returns how many. */
export async function markInterruptedRuns(db: Db, now: Date): Promise<number> {
  const stale = new Date(now.getTime() - STALE_HEARTBEAT_MS);
  const { count } = await db.recomputeRun.updateMany({
    where: {
      state: "running",
      OR: [{ heartbeatAt: { lt: stale } }, { heartbeatAt: null, startedAt: { lt: stale } }],
    },
    data: { state: "interrupted", error: "the process running it stopped; run again", finishedAt: now },
  });
  return count;
}

/**
 * Whether this run may record segment transitions: only when an earlier run completed on the same full history.
 * The first run after a history import has no "before" — a change against a run on half a history, or against
 * the data a re-import corrected, is not a customer moving.
 */
async function hasBaseline(db: Db, storeId: string, historyCompleteAt: Date | null, runId: string): Promise<boolean> {
  const earlier = await db.recomputeRun.count({
    where: {
      storeId,
      state: "completed",
      id: { not: runId },
      ...(historyCompleteAt ? { startedAt: { gte: historyCompleteAt } } : {}),
    },
  });
  return earlier > 0;
}

export async function settingsFor(db: Db, storeId: string) {
  return db.storeSettings.upsert({ where: { storeId }, create: { storeId }, update: {} });
}

export async function recomputeStore(deps: RecomputeDeps, storeId: string, trigger: RecomputeTrigger) {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  // On the run's own clock (tests pin `now`), so finishedAt - startedAt is the run's real duration.
  const began = performance.now();
  const finishedAt = () => new Date(now.getTime() + Math.round(performance.now() - began));
  const store = await db.store.findUnique({ where: { id: storeId } });
  if (!store) throw new Error(`store ${storeId} not found`);
  const run = await db.recomputeRun.create({
    data: { storeId, trigger, state: "running", startedAt: now, heartbeatAt: new Date() },
  });
  if (store.status !== "installed") {
    return db.recomputeRun.update({
      where: { id: run.id },
      data: { state: "skipped", error: "store is not installed", finishedAt: finishedAt() },
    });
  }
  const phases: Phase[] = [];
  const heartbeat = setInterval(
    () =>
      void db.recomputeRun
        .update({ where: { id: run.id }, data: { heartbeatAt: new Date() } })
        .catch((error: unknown) => logger.warn("recompute heartbeat failed", { error: String(error) })),
    HEARTBEAT_MS,
  );
  const timed = async <T>(name: string, work: () => Promise<T> | T, count?: (t: T) => number): Promise<T> => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // Listed in the order the phases started (two of them run at the same time); one that fails is not listed.
    const phase: Phase = { name, startMs: Math.round(t0 - began), ms: 0, cpuMs: 0, rssMb: 0 };
    phases.push(phase);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      phases.splice(phases.indexOf(phase), 1);
      throw error;
    }
    phase.ms = Math.round(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    phase.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    phase.rssMb = Math.round(process.memoryUsage.rss() / 1_048_576);
    if (count) phase.count = count(result);
    return result;
  };
  let products: PendingProductInsights | null = null;
  let persisting: Promise<Awaited<ReturnType<typeof persistScores>>> | null = null;
  try {
    const settings = await settingsFor(db, storeId);
    const offset = utcOffsetMinutes(now, store.timezone);
    const referenceDay = toEpochDay(new Date(now.getTime() + offset * 60_000))!;
    const localDay = localParts(now, store.timezone).day;

    // The latest redaction before the run reads anything: the Segments page uses the run's counts only while there
    // has been none since.
    const redactedBefore = await latestRedactionAt(db, storeId);
    // The first orders' channels are classified during the one read of the orders, for the intelligence phases.
    const acquisition = {
      ownHosts: [store.domain],
      sourceIsCreatedVia: platformDefinition(store.platform).orderSource === "created-via",
    };
    const table = await timed(
      "aggregate",
      () =>
        aggregateCustomers(deps.bulk.reader, {
          dialect: deps.dialect,
          storeId,
          timeZone: store.timezone,
          reference: now,
          utcOffsetMinutes: offset,
          sampleSize: BACKTEST_SAMPLE,
          acquisition,
        }),
      (t) => t.size,
    );
    const thresholds = parseThresholds(settings.thresholds);
    const lifecycle = {
      atRiskGaps: thresholds.atRiskGaps,
      lostGaps: thresholds.lostGaps,
      atRiskPAlive: thresholds.atRiskPAlive,
      lostPAlive: thresholds.lostPAlive,
      heroShare: thresholds.heroShare,
    };
    // Scoring is one core's work. Beside it the writer's thread starts, ready for the first write, and the products
    // phase computes its pairs from the baskets, then the rest from the segments, which the scoring hands it first
    // (decision 160): the phase is then done before the score write, which it would otherwise slow.
    deps.bulk.warmUp();
    const productPhase = startProductInsights(
      {
        customers: table.size,
        basketCustomer: table.baskets.customer,
        lineBasket: table.baskets.lineBasket,
        lineProduct: table.baskets.lineProduct,
        productIds: table.baskets.productIds,
        titles: table.baskets.titles,
      },
      deps.productsInWorker,
    );
    products = productPhase;
    const scores = await timed(
      "score",
      () =>
        scoreCustomerTable(table, referenceDay, {
          rfmBins: thresholds.rfmBins,
          lifecycle,
          onSegments: (segmentIndex) => productPhase.segments(segmentIndex),
        }),
      () => table.size,
    );
    const recordTransitions = await hasBaseline(db, storeId, store.historyCompleteAt, run.id);
    // Whether the database takes writes beside this thread's work (PostgreSQL, in a process of its own). Then the
    // scores are written while this thread goes on with the backtest and the intelligence phases, which read none of
    // them (decision 169); on SQLite's one writer the write is this thread's own work and comes first.
    const writesBeside = deps.bulk.beside() !== null;
    persisting = timed(
      "persist",
      () => persistScores(db, deps.bulk, storeId, table, scores, referenceDay, localDay, now, { recordTransitions }),
      (r) => r.scores,
    );
    persisting.catch(() => undefined); // awaited below, also when a phase beside it fails
    if (!writesBeside) await persisting;
    const check = await timed("backtest", () => nightlyBacktest({ referenceDay }, table));
    // Customer intelligence: channels, retention, journey, products; never fails the run. Before the tag diff,
    // because the labels carry its next-product suggestion (metafield / meta, optional tag).
    const intelligence = await runIntelligence(
      {
        ...deps,
        store,
        table,
        acquisition: table.acquisitions,
        scores,
        referenceDay,
        reference: now,
        utcOffsetMinutes: offset,
        computedAt: now,
        rfmBins: thresholds.rfmBins,
        products,
      },
      timed,
    );
    const survey = await loadSurveyTags(db, storeId);
    const platform = platformDefinition(store.platform);
    const labelOptions = { pushMetafields: settings.pushMetafields };
    /** What the run says about customer i, in no platform's words. */
    const labelsOf = (i: number, nextProduct: (i: number) => string | null): CustomerLabels => {
      const p = table.purchaseDays[i]! > 0 ? scores.predicted : null;
      const next = p?.nextOrderDay[i];
      return {
        segment: scores.segment[i]!,
        stage: scores.stage[i]!,
        // The CLV persisted for the customer: predicted when the model ran, else historic.
        clvMinor: BigInt(Math.round(p ? p.clv[i]! : scores.historicClv[i]!)),
        currency: store.currency,
        pAlive: p ? p.pAlive[i]! : null,
        nextOrder:
          next !== undefined && Number.isFinite(next) && next < referenceDay + 3650
            ? new Date(Math.round(next) * 86_400_000)
            : null,
        nextProduct: nextProduct(i),
      };
    };
    const planTags = (nextProduct: (i: number) => string | null) =>
      timed(
        "tag-diff",
        () =>
          planTagChanges(
            db,
            deps.bulk,
            storeId,
            run.id,
            {
              ids: table.ids,
              externalIds: table.externalIds,
              segment: scores.segment,
              stage: scores.stage,
              clvPercentile: (i) =>
                scores.predicted && table.purchaseDays[i]! > 0 ? scores.predicted.clvPercentile[i]! : null,
              survey,
              nextProduct,
              // The neutral labels; the store's platform encodes them (tags + metafields, or tags + meta).
              encodeLabels: (i, tags) => platform.encodeLabels(labelsOf(i, nextProduct), tags, labelOptions),
            },
            { prefix: settings.tagPrefix, families: parseTagFamilies(settings.tagFamilies) },
          ),
        (p) => p.changed,
      );
    // The tag diff runs while the intelligence results are written where the database takes writes beside (each on
    // a connection of its own: one mostly this thread's work, the other mostly the server's), after them otherwise.
    // It carries the suggestions being written; should that write fail, it is planned again from the ones stored,
    // which the WooCommerce writer reads back.
    if (!writesBeside) await intelligence.written;
    // What the overview shows, computed here from memory instead of by sorting the stored scores. Before the tag diff
    // rather than after it: on PostgreSQL this thread waits for the server's writes during the diff anyway, and
    // after it this was the run's last half second, with nothing else running.
    const overview = {
      rfGrid: rfGrid(table, scores),
      clvHistogram: clvHistogram(table, scores),
      topCustomers: topCustomersByValue(table, scores, TOP_CUSTOMERS_KEPT),
    };
    let plan: Awaited<ReturnType<typeof planTags>>;
    let written: { failed: boolean };
    try {
      plan = await planTags(intelligence.nextProduct);
    } finally {
      written = await intelligence.written;
    }
    if (written.failed) plan = await planTags(await storedSuggestions(db, storeId, table.ids));
    const persisted = await persisting;
    const counts = {
      customers: table.size,
      buyers: table.size - scores.segment.filter((s) => s === "prospects").length,
      transitions: persisted.transitions,
      // The first run on a (re-)imported history: its segment changes are not movements.
      baseline: !recordTransitions,
      tagChanges: plan.changed,
      tagUnchanged: plan.unchanged,
      // Where the writing phases spend their time (milliseconds per write).
      persistSteps: persisted.steps,
      tagDiffSteps: plan.steps,
      // Customers per RFM group and per lifecycle stage (the score row's own segmentations), for the Segments page:
      // counted from the rows would be a scan of the store's scores on SQLite (decision 177).
      scoreRowCounts: {
        segment: tally(scores.segment),
        stage: tally(scores.stage),
        lastRedaction: redactedBefore?.toISOString() ?? null,
      },
      ...overview,
      intelligence: intelligence.counts,
    };
    const model = {
      status: scores.clv.status,
      reasons: scores.clv.reasons,
      model: scores.clv.model,
      countFit: scores.clv.countFit,
      spendFit: scores.clv.spendFit,
      historic: scores.clv.historicStore,
      sufficiency: scores.clv.sufficiency,
      holdoutDays: check.holdoutDays,
      backtestSample: check.sampledCustomers,
      ...(check.selection
        ? {
            selection: check.selection,
            // The backtest of the model the scores came from (BG/NBD by default).
            backtest: {
              ...(check.selection.candidates.find((c) => c.name === scores.clv.model) ?? check.selection.candidates[0]!)
                .backtest,
              holdoutDays: check.holdoutDays,
            },
          }
        : { backtestSkipped: check.skipped }),
    };
    clearInterval(heartbeat);
    return await db.recomputeRun.update({
      where: { id: run.id },
      data: {
        state: "completed",
        phases: JSON.stringify(phases),
        counts: JSON.stringify(counts),
        clvStatus: scores.clv.status,
        model: JSON.stringify(model, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
        finishedAt: finishedAt(),
      },
    });
  } catch (error) {
    clearInterval(heartbeat);
    products?.cancel(error instanceof Error ? error : new Error(String(error)));
    // A write still going on beside the phase that failed finishes (or fails) before the run is recorded.
    await persisting?.catch(() => undefined);
    logger.error("recompute failed", { storeId, error: String(error) });
    await db.recomputeRun.update({
      where: { id: run.id },
      data: {
        state: "failed",
        phases: JSON.stringify(phases),
        error: String(error).slice(0, 1000),
        finishedAt: finishedAt(),
      },
    });
    throw error;
  }
}

/** How many times each key occurs. */
function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
