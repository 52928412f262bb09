/**
 * The embedded job queue: rows in the Job table, claimed atomically, run in this process one at a time per
 * queue. Survives restarts: queued jobs stay queued, and a running job's lease (lockedAt) is renewed every
 * `heartbeatMs` while its handler works, so a job whose process died (crash, kill -9) is seen as abandoned once its
 * lease is `staleAfterMs` old and is re-queued — at start-up and on every poll. Failed attempts are retried with
 * backoff.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import {
  MAX_ATTEMPTS,
  retryDelayMs,
  type JobData,
  type JobHandler,
  type JobQueue,
  type SendOptions,
} from "./job-queue";

export interface SqliteQueueOptions {
  pollMs?: number;
  /** A running job whose lease was not renewed for this long belongs to a dead process (default 60 s). */
  staleAfterMs?: number;
  /** How often a running job renews its lease (default 10 s). */
  heartbeatMs?: number;
  now?: () => Date;
}

export class SqliteJobQueue implements JobQueue {
  readonly kind = "sqlite" as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workerId = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private busy = new Set<string>();
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: SqliteQueueOptions = {},
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    await this.requeueAbandoned();
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? 1000);
  }

  /** Jobs left running by a process that stopped renewing their lease go back in line. */
  private async requeueAbandoned(): Promise<number> {
    const stale = new Date(this.now().getTime() - (this.options.staleAfterMs ?? 60_000));
    const { count } = await this.db.job.updateMany({
      where: { state: "running", lockedAt: { lt: stale } },
      data: { state: "queued", lockedBy: null },
    });
    if (count) logger.warn("re-queued abandoned jobs", { count });
    return count;
  }

  async send(queue: string, data: JobData, options: SendOptions = {}): Promise<string | null> {
    if (options.singletonKey) {
      const waiting = await this.db.job.findFirst({
        where: { queue, key: options.singletonKey, state: "queued" },
        select: { id: true },
      });
      if (waiting) return null;
    }
    const job = await this.db.job.create({
      data: {
        queue,
        storeId: data.storeId,
        key: options.singletonKey ?? null,
        payload: JSON.stringify(data),
        runAt: options.startAfter ?? this.now(),
      },
    });
    setImmediate(() => this.poll());
    return job.id;
  }

  async work(queue: string, handler: JobHandler): Promise<void> {
    this.handlers.set(queue, handler);
  }

  /** Runs every due job now (tests and scripts); resolves when the queues are empty. */
  async drain(): Promise<void> {
    for (;;) {
      await this.running;
      let ran = false;
      for (const queue of this.handlers.keys()) ran = (await this.runOne(queue)) || ran;
      if (!ran) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private polls = 0;

  private poll(): void {
    if (this.stopped) return;
    // Every 10th poll (10 s by default): pick up jobs a dead process left running.
    if (++this.polls % 10 === 0)
      void this.requeueAbandoned().catch((error: unknown) =>
        logger.error("job lease check failed", { error: String(error) }),
      );
    for (const queue of this.handlers.keys()) {
      if (this.busy.has(queue)) continue;
      this.busy.add(queue);
      this.running = this.runOne(queue)
        .then(() => undefined)
        .catch((error: unknown) => logger.error("job queue poll failed", { error: String(error) }))
        .finally(() => this.busy.delete(queue));
    }
  }

  /** Claims and runs one due job of the queue; returns whether one ran. */
  private async runOne(queue: string): Promise<boolean> {
    const handler = this.handlers.get(queue);
    if (!handler) return false;
    const now = this.now();
    const candidate = await this.db.job.findFirst({
      where: { queue, state: "queued", runAt: { lte: now } },
      orderBy: { runAt: "asc" },
    });
    if (!candidate) return false;
    // One running job per singleton key.
    if (candidate.key && (await this.db.job.count({ where: { key: candidate.key, state: "running" } })) > 0)
      return false;
    const claimed = await this.db.job.updateMany({
      where: { id: candidate.id, state: "queued" },
      data: { state: "running", lockedBy: this.workerId, lockedAt: now, attempts: { increment: 1 } },
    });
    if (claimed.count !== 1) return true;
    const attempt = candidate.attempts + 1;
    const lease = setInterval(
      () =>
        void this.db.job
          .updateMany({ where: { id: candidate.id, lockedBy: this.workerId }, data: { lockedAt: this.now() } })
          .catch((error: unknown) => logger.warn("job lease renewal failed", { error: String(error) })),
      this.options.heartbeatMs ?? 10_000,
    );
    try {
      await handler({ id: candidate.id, data: JSON.parse(candidate.payload) as JobData });
      await this.db.job.update({
        where: { id: candidate.id },
        data: { state: "done", doneAt: this.now(), error: null },
      });
    } catch (error) {
      const retry = attempt < MAX_ATTEMPTS;
      logger.warn("job failed", {
        queue,
        storeId: candidate.storeId,
        attempt,
        retry,
        error: String(error).slice(0, 300),
      });
      await this.db.job.update({
        where: { id: candidate.id },
        data: retry
          ? {
              state: "queued",
              runAt: new Date(this.now().getTime() + retryDelayMs(attempt)),
              error: String(error).slice(0, 1000),
            }
          : { state: "failed", doneAt: this.now(), error: String(error).slice(0, 1000) },
      });
    } finally {
      clearInterval(lease);
    }
    return true;
  }
}
