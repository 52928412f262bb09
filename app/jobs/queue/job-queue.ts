/**
 * Durable background jobs, one interface, two back ends:
 * - SqliteJobQueue: the embedded default, jobs in the app's own database, run in-process (nothing else to start);
 * - PgBossJobQueue: pg-boss on PostgreSQL, shared by any number of app and worker processes.
 * Jobs carry a singleton key (the store id): at most one queued and one running job per key.
 */
export interface JobData {
  storeId: string;
  trigger: string;
}

export interface SendOptions {
  singletonKey?: string;
  startAfter?: Date;
}

export type JobHandler = (job: { id: string; data: JobData }) => Promise<void>;

export interface JobQueue {
  readonly kind: "sqlite" | "pg-boss";
  start(): Promise<void>;
  /** Returns the job id, or null when an equal job (same singleton key) is already waiting. */
  send(queue: string, data: JobData, options?: SendOptions): Promise<string | null>;
  work(queue: string, handler: JobHandler): Promise<void>;
  stop(): Promise<void>;
}

export const RECOMPUTE_QUEUE = "recompute";
export const PUSH_TAGS_QUEUE = "push-tags";

/**
 * How long a job may run before the queue counts its worker as gone and retries it elsewhere. A recompute takes
 * about a minute on a million customers; a push runs at Shopify's pace (a million changes through bulk mutations
 * can take the better part of an hour), so it gets as long as the tag writer waits for one bulk operation.
 */
export const JOB_TIMEOUT_SECONDS: Record<string, number> = {
  [RECOMPUTE_QUEUE]: 30 * 60,
  [PUSH_TAGS_QUEUE]: 6 * 3600,
};

/** Retries: 3 more attempts, 30 s, 2 min, 8 min apart (the embedded queue; pg-boss backs off 15-30 s, 30-60 s, 1-2 min). */
export const MAX_ATTEMPTS = 4;
export function retryDelayMs(attempt: number): number {
  return 30_000 * 4 ** (attempt - 1);
}
