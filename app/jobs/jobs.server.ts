/**
 * Wires the background work together: the recompute and tag-push queues, the nightly schedule, and the
 * triggers ("recompute now", after a history import). One store never runs twice at once (singleton key = store id).
 * Embedded (SQLite): the schedule is a once-a-minute check in this process. PostgreSQL: pg-boss keeps one cron
 * schedule per store in the store's time zone, shared by every process.
 *
 * Segments are never computed on a partial history: no recompute of any kind runs until the store's first full
 * history import has completed, nor while a full re-import runs (recomputeReadiness). The import's completion
 * triggers the first run.
 */
import type { Db } from "../db.server";
import type { BulkWriter } from "../db/bulk-writer.server";
import { logger } from "../logger.server";
import type { Dialect } from "./nightly/aggregate.server";
import { recomputeInWorker } from "./nightly/recompute-in-worker.server";
import { markInterruptedRuns, recomputeStore, type RecomputeTrigger } from "./nightly/recompute.server";
import { PUSH_TAGS_QUEUE, RECOMPUTE_QUEUE, type JobQueue } from "./queue/job-queue";
import { PgBossJobQueue } from "./queue/pgboss-queue.server";
import { isNightlyDue, localParts, nextNightlyRun } from "./schedule";
import { TagOutbox, type LabelWriterFactory } from "./tags/tag-outbox.server";

export interface JobSchedulerOptions {
  db: Db;
  bulk: BulkWriter;
  dialect: Dialect;
  queue: JobQueue;
  writerFor: LabelWriterFactory;
  now?: () => Date;
  /** Scheduler check interval (embedded mode). */
  tickMs?: number;
  /**
   * Run each recompute in a worker thread on this database (the app: seconds of CPU and synchronous SQLite calls
   * must not freeze the request thread). Unset: in this thread (tests and benchmarks that call it directly).
   */
  recomputeWorker?: { databaseUrl: string };
}

export type RecomputeReadiness = { ready: true } | { ready: false; reason: string };

/** A full history import (no `since`) that has not finished. */
const ACTIVE_IMPORT_STATES = ["queued", "running", "downloading", "importing"];

export class JobScheduler {
  readonly outbox: TagOutbox;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: JobSchedulerOptions) {
    this.outbox = new TagOutbox(options.db, options.bulk, options.writerFor, { dialect: options.dialect });
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** Starts workers (and, embedded, the schedule check). */
  async start(): Promise<void> {
    const { queue } = this.options;
    // Runs whose process died (a crash, kill -9) would otherwise show "running" for ever; their jobs are re-queued
    // by the queue itself when its lease runs out.
    const interrupted = await markInterruptedRuns(this.options.db, this.now());
    if (interrupted) logger.warn("recompute runs interrupted by a previous crash", { count: interrupted });
    await queue.start();
    await queue.work(RECOMPUTE_QUEUE, async ({ data }) => {
      await this.runRecompute(data.storeId, data.trigger as RecomputeTrigger);
    });
    await queue.work(PUSH_TAGS_QUEUE, async ({ data }) => {
      const result = await this.outbox.push(data.storeId);
      if (
        result.applied + result.notFound + result.userErrors === 0 &&
        !result.skipped &&
        (await this.outbox.pending(data.storeId)) > 0
      ) {
        throw new Error("tag push made no progress"); // retried with backoff
      }
    });
    if (queue instanceof PgBossJobQueue) await this.syncSchedules();
    else
      this.timer = setInterval(
        () => void this.tick().catch((e: unknown) => logger.error("schedule check failed", { error: String(e) })),
        this.options.tickMs ?? 60_000,
      );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.options.queue.stop();
  }

  /** Queues a recompute; null when one is already waiting or the store's history is not complete yet. */
  async recomputeNow(storeId: string, trigger: RecomputeTrigger = "manual"): Promise<string | null> {
    const readiness = await this.recomputeReadiness(storeId);
    if (!readiness.ready) {
      logger.info("recompute not queued", { storeId, trigger, reason: readiness.reason });
      return null;
    }
    return this.options.queue.send(RECOMPUTE_QUEUE, { storeId, trigger }, { singletonKey: storeId });
  }

  /** Whether segments may be computed now: the first full history import is done and no full re-import runs. */
  async recomputeReadiness(storeId: string): Promise<RecomputeReadiness> {
    const store = await this.options.db.store.findUnique({
      where: { id: storeId },
      select: { status: true, historyCompleteAt: true },
    });
    if (!store) return { ready: false, reason: "store not found" };
    if (store.status !== "installed") return { ready: false, reason: "store is not installed" };
    if (!store.historyCompleteAt) return { ready: false, reason: "the order history is still importing" };
    const reimport = await this.options.db.backfillRun.count({
      where: { storeId, since: null, state: { in: ACTIVE_IMPORT_STATES } },
    });
    if (reimport) return { ready: false, reason: "the order history is being imported again" };
    return { ready: true };
  }

  /**
   * A history import finished. A full one completes the store's history (and is the "before" of nothing: the run
   * it triggers records no transitions); an incremental one (reconciliation) is picked up by the nightly run.
   */
  async onHistoryImported(run: { storeId: string; since: Date | null; state: string; finishedAt: Date | null }) {
    if (run.state !== "completed" || run.since !== null) return;
    await this.options.db.store.update({
      where: { id: run.storeId },
      data: { historyCompleteAt: run.finishedAt ?? this.now() },
    });
    await this.recomputeNow(run.storeId, "backfill");
  }

  /** Recompute, then push the resulting tag changes (a separate job: its own retries and pacing). */
  async runRecompute(storeId: string, trigger: RecomputeTrigger) {
    const readiness = await this.recomputeReadiness(storeId);
    if (!readiness.ready) {
      // Queued before a re-import started, or sent by a schedule: it runs after the import instead.
      logger.info("recompute skipped", { storeId, trigger, reason: readiness.reason });
      return null;
    }
    const { db } = this.options;
    // One job per store at a time: a run still "running" now belongs to a process that died.
    await db.recomputeRun.updateMany({
      where: { storeId, state: "running" },
      data: { state: "interrupted", error: "the process running it stopped; run again", finishedAt: this.now() },
    });
    const run = this.options.recomputeWorker
      ? await recomputeInWorker({
          databaseUrl: this.options.recomputeWorker.databaseUrl,
          storeId,
          trigger,
          now: this.now(),
        }).then(({ runId }) => db.recomputeRun.findUniqueOrThrow({ where: { id: runId } }))
      : await recomputeStore(
          { db, bulk: this.options.bulk, dialect: this.options.dialect, now: this.options.now },
          storeId,
          trigger,
        );
    if (run.state === "failed") throw new Error(run.error ?? "recompute failed"); // the queue retries it
    if (run.state === "completed")
      await this.options.queue.send(PUSH_TAGS_QUEUE, { storeId, trigger }, { singletonKey: storeId });
    return run;
  }

  /** The local day of the store's latest recompute of any kind: one run a day is enough, whoever started it. */
  private async lastRunDay(storeId: string, timeZone: string): Promise<string | null> {
    const last = await this.options.db.recomputeRun.findFirst({
      where: { storeId, state: { not: "interrupted" } },
      orderBy: { startedAt: "desc" },
      select: { startedAt: true },
    });
    return last ? localParts(last.startedAt, timeZone).day : null;
  }

  /** Embedded schedule check: enqueue every store whose local nightly hour has come today and whose history is in. */
  async tick(): Promise<number> {
    const now = this.now();
    const stores = await this.options.db.store.findMany({
      where: { status: "installed", historyCompleteAt: { not: null } },
      select: { id: true, timezone: true, settings: { select: { scheduleHour: true } } },
    });
    let sent = 0;
    for (const store of stores) {
      const lastDay = await this.lastRunDay(store.id, store.timezone);
      if (isNightlyDue(now, store.timezone, store.settings?.scheduleHour ?? 3, lastDay)) {
        if (!(await this.recomputeReadiness(store.id)).ready) continue;
        if (
          await this.options.queue.send(
            RECOMPUTE_QUEUE,
            { storeId: store.id, trigger: "nightly" },
            { singletonKey: store.id },
          )
        )
          sent++;
      }
    }
    return sent;
  }

  /** PostgreSQL: one pg-boss cron schedule per installed store, in its time zone. */
  async syncSchedules(): Promise<void> {
    const queue = this.options.queue;
    if (!(queue instanceof PgBossJobQueue)) return;
    const stores = await this.options.db.store.findMany({
      select: { id: true, status: true, timezone: true, settings: true },
    });
    for (const s of stores) {
      if (s.status === "installed")
        await queue.scheduleNightly(RECOMPUTE_QUEUE, s.id, s.settings?.scheduleHour ?? 3, s.timezone);
      else await queue.unscheduleNightly(RECOMPUTE_QUEUE, s.id);
    }
  }

  /** When the next nightly run will start, for the admin. */
  async nextRunAt(storeId: string): Promise<Date | null> {
    const store = await this.options.db.store.findUnique({ where: { id: storeId }, include: { settings: true } });
    if (!store || store.status !== "installed" || !store.historyCompleteAt) return null;
    return nextNightlyRun(
      this.now(),
      store.timezone,
      store.settings?.scheduleHour ?? 3,
      await this.lastRunDay(storeId, store.timezone),
    );
  }
}
