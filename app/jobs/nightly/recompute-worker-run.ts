/**
 * The nightly recompute as a worker thread runs it (loaded by recompute-worker.ts once the thread's priority is
 * lowered). The recompute is seconds of CPU (grouping, model fitting, scoring a million customers) and, on
 * SQLite, synchronous database calls: on the request thread that would freeze every webhook and page of the
 * process. Here it has its own event loop, its own connections, and gives way to the request thread's writers
 * through the shared waiter count.
 */
import { createDb, isPostgresUrl, tuneDb } from "../../db.server";
import { createBulkWriter } from "../../db/bulk-writer.server";
import { adoptSharedWaiters } from "../../db/sqlite-write-gate.server";
import { recomputeStore, type RecomputeTrigger } from "./recompute.server";

export interface RecomputeWorkerInput {
  databaseUrl: string;
  storeId: string;
  trigger: RecomputeTrigger;
  /** The run's "now" (ISO), fixed by the caller so tests and benches can pin it. */
  now: string;
  waiters: SharedArrayBuffer;
}

export type RecomputeWorkerOutput = { ok: true; runId: string; state: string } | { ok: false; error: string };

export async function runRecomputeWorker(input: RecomputeWorkerInput): Promise<RecomputeWorkerOutput> {
  adoptSharedWaiters(input.waiters);
  const db = createDb(input.databaseUrl);
  // A crash loses at most the last commits of a run that is then redone; the run's completion is a durable commit
  // and flushes all of them (docs/decisions/166-postgres-bulk-writes-binary.md). On SQLite the rows are written by
  // a thread of the writer's own while this one computes the next phase (decision 174).
  const bulk = createBulkWriter(db, input.databaseUrl, { commitsFlushLater: true, writeThread: true });
  try {
    await tuneDb(db, input.databaseUrl);
    const now = new Date(input.now);
    const run = await recomputeStore(
      { db, bulk, dialect: isPostgresUrl(input.databaseUrl) ? "postgres" : "sqlite", now: () => now },
      input.storeId,
      input.trigger,
    );
    return { ok: true, runId: run.id, state: run.state };
  } catch (error) {
    return { ok: false, error: String(error) };
  } finally {
    bulk.close();
    await db.$disconnect();
  }
}
