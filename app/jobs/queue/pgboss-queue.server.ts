/**
 * pg-boss on PostgreSQL: several app and worker processes on several machines share the jobs.
 * Queues use the "stately" policy keyed by store: at most one queued and one active job per store, so a store
 * never runs twice at once. Retries with exponential backoff. A worker renews each running job's heartbeat
 * (every 5 s); a job whose worker died (crash, kill -9) misses it for 10 s, pg-boss's supervisor (every 10 s) fails
 * it, and it is retried after the first retry delay on whichever process is alive — well under a minute, and long
 * before `expireInSeconds`, the cap for a job that hangs.
 */
import { PgBoss } from "pg-boss";
import { logger } from "../../logger.server";
import {
  JOB_TIMEOUT_SECONDS,
  MAX_ATTEMPTS,
  type JobData,
  type JobHandler,
  type JobQueue,
  type SendOptions,
} from "./job-queue";

// pg-boss's minimum: a killed recompute is noticed in 10-20 s instead of up to a minute.
const HEARTBEAT_SECONDS = 10;

export interface PgBossQueueOptions {
  connectionString: string;
  pollingIntervalSeconds?: number;
  /** How long a job may run before it counts as abandoned and is retried (default: JOB_TIMEOUT_SECONDS). */
  expireInSeconds?: number;
}

export class PgBossJobQueue implements JobQueue {
  readonly kind = "pg-boss" as const;
  readonly boss: PgBoss;
  private readonly created = new Set<string>();

  constructor(private readonly options: PgBossQueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      // A supervision pass (which fails jobs whose heartbeat stopped) runs only as often as the longer of the two.
      superviseIntervalSeconds: 10,
      monitorIntervalSeconds: 10,
    });
    this.boss.on("error", (error: unknown) => logger.error("pg-boss error", { error: String(error) }));
  }

  async start(): Promise<void> {
    await this.boss.start();
  }

  private async ensureQueue(queue: string): Promise<void> {
    if (this.created.has(queue)) return;
    const settings = {
      retryLimit: MAX_ATTEMPTS - 1,
      // pg-boss's backoff waits delay × (1-2), × (2-4), × (4-8): 15-30 s, 30-60 s, 1-2 min. The first retry is also
      // how long a killed worker's recompute waits (after the 10-20 s it takes to notice), so it stays short.
      retryDelay: 15,
      retryBackoff: true,
      expireInSeconds: this.options.expireInSeconds ?? JOB_TIMEOUT_SECONDS[queue] ?? 30 * 60,
      heartbeatSeconds: HEARTBEAT_SECONDS,
    };
    await this.boss.createQueue(queue, { policy: "stately", ...settings });
    // createQueue leaves an existing queue as it was: bring its settings up to date (the policy cannot change).
    await this.boss.updateQueue(queue, settings);
    this.created.add(queue);
  }

  async send(queue: string, data: JobData, options: SendOptions = {}): Promise<string | null> {
    await this.ensureQueue(queue);
    return this.boss.send(queue, data, {
      singletonKey: options.singletonKey,
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
    });
  }

  async work(queue: string, handler: JobHandler): Promise<void> {
    await this.ensureQueue(queue);
    await this.boss.work<JobData>(
      queue,
      { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        for (const job of jobs) await handler({ id: job.id, data: job.data });
      },
    );
  }

  /** Nightly schedule for a store at its local hour, kept by pg-boss (one send per occurrence cluster-wide). */
  async scheduleNightly(queue: string, storeId: string, hour: number, timeZone: string): Promise<void> {
    await this.ensureQueue(queue);
    await this.boss.schedule(
      queue,
      `0 ${hour} * * *`,
      { storeId, trigger: "nightly" },
      { tz: timeZone, key: storeId, singletonKey: storeId },
    );
  }

  async unscheduleNightly(queue: string, storeId: string): Promise<void> {
    await this.boss.unschedule(queue, storeId);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
