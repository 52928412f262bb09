/**
 * Wires the background work together: the recompute and tag-push queues, the nightly schedule, and the
 * triggers ("recompute now", after a backfill). One store never runs twice at once (singleton key = store id).
 * Embedded (SQLite): the schedule is a once-a-minute check in this process. PostgreSQL: pg-boss keeps one cron
 * schedule per store in the store's time zone, shared by every process.
 */
import type { Db } from "../db.server";
import type { BulkWriter } from "../db/bulk-writer.server";
import { logger } from "../logger.server";
import type { Dialect } from "./nightly/aggregate.server";
import { recomputeStore, type RecomputeTrigger } from "./nightly/recompute.server";
import { PUSH_TAGS_QUEUE, RECOMPUTE_QUEUE, type JobQueue } from "./queue/job-queue";
import { PgBossJobQueue } from "./queue/pgboss-queue.server";
import { isNightlyDue, localParts, nextNightlyRun } from "./schedule";
import { TagOutbox, type LabelWriterFactory } from "./tags/tag-outbox.server";

export interface LifecycleJobsOptions {
  db: Db;
  bulk: BulkWriter;
  dialect: Dialect;
  queue: JobQueue;
  writerFor: LabelWriterFactory;
  now?: () => Date;
  /** Scheduler check interval (embedded mode). */
  tickMs?: number;
}

export class LifecycleJobs {
  readonly outbox: TagOutbox;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LifecycleJobsOptions) {
    this.outbox = new TagOutbox(options.db, options.bulk, options.writerFor, { dialect: options.dialect });
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** Starts workers (and, embedded, the schedule check). */
  async start(): Promise<void> {
    const { queue } = this.options;
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

  recomputeNow(storeId: string, trigger: RecomputeTrigger = "manual") {
    return this.options.queue.send(RECOMPUTE_QUEUE, { storeId, trigger }, { singletonKey: storeId });
  }

  /** Recompute, then push the resulting tag changes (a separate job: its own retries and pacing). */
  async runRecompute(storeId: string, trigger: RecomputeTrigger) {
    const run = await recomputeStore(
      { db: this.options.db, bulk: this.options.bulk, dialect: this.options.dialect, now: this.options.now },
      storeId,
      trigger,
    );
    if (run.state === "completed")
      await this.options.queue.send(PUSH_TAGS_QUEUE, { storeId, trigger }, { singletonKey: storeId });
    return run;
  }

  /** Embedded schedule check: enqueue every installed store whose local nightly hour has come today. */
  async tick(): Promise<number> {
    const now = this.now();
    const stores = await this.options.db.store.findMany({
      where: { status: "installed" },
      select: { id: true, timezone: true, settings: { select: { scheduleHour: true } } },
    });
    let sent = 0;
    for (const store of stores) {
      const last = await this.options.db.recomputeRun.findFirst({
        where: { storeId: store.id, trigger: "nightly" },
        orderBy: { startedAt: "desc" },
        select: { startedAt: true },
      });
      const lastDay = last ? localParts(last.startedAt, store.timezone).day : null;
      if (isNightlyDue(now, store.timezone, store.settings?.scheduleHour ?? 3, lastDay)) {
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
    if (!store || store.status !== "installed") return null;
    const last = await this.options.db.recomputeRun.findFirst({
      where: { storeId, trigger: "nightly" },
      orderBy: { startedAt: "desc" },
      select: { startedAt: true },
    });
    return nextNightlyRun(
      this.now(),
      store.timezone,
      store.settings?.scheduleHour ?? 3,
      last ? localParts(last.startedAt, store.timezone).day : null,
    );
  }
}
