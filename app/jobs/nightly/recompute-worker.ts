/**
 * Worker-thread entry of the nightly recompute. The recompute is seconds of CPU (grouping, model fitting,
 * scoring a million customers) and, on SQLite, synchronous database calls: on the request thread that would
 * freeze every webhook and page of the process. Here it has its own event loop, its own connections, and
 * gives way to the request thread's writers through the shared waiter count.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
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

async function main(input: RecomputeWorkerInput): Promise<RecomputeWorkerOutput> {
  adoptSharedWaiters(input.waiters);
  // Requests first: on Linux a priority set with pid 0 applies to the calling thread only, so this thread (not the
  // request thread) yields the CPU whenever both want it. The nightly has hours; a webhook has 5 seconds.
  // CICLO_WORKER_NICE overrides it (bench:nightly sets 0: its floor is measured at normal priority too).
  try {
    setPriority(Number(process.env.CICLO_WORKER_NICE ?? 10));
  } catch {
    // not permitted here: run at normal priority
  }
  const db = createDb(input.databaseUrl);
  const bulk = createBulkWriter(db, input.databaseUrl);
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

if (parentPort && workerData) {
  const port = parentPort;
  void main(workerData as RecomputeWorkerInput).then((result) => port.postMessage(result));
}
