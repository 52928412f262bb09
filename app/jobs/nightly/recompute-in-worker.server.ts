/**
 * Runs one store's recompute in a worker thread (recompute-worker.ts) and waits for it. From source (tests, tsx)
 * the worker runs the TypeScript through tsx; from the production build it runs the bundled
 * build/server/recompute-worker.js that `npm run build` writes beside the server bundle.
 */
import { Worker } from "node:worker_threads";
import { sharedWaiters } from "../../db/sqlite-write-gate.server";
import { workerEntry } from "../../worker-entry.server";
import type { RecomputeTrigger } from "./recompute.server";
import type { RecomputeWorkerInput, RecomputeWorkerOutput } from "./recompute-worker";

/**
 * The thread's young generation (MB). The run's data are columns of a million values that live through the whole
 * run, and V8's default young generation (its space for new objects) was memory on top of them: 16 MB lowered the
 * peak RSS by 40-90 MB at 200,000 customers, with the same nightly results (decision 163).
 */
const RECOMPUTE_YOUNG_GENERATION_MB = 16;

export function recomputeInWorker(options: {
  databaseUrl: string;
  storeId: string;
  trigger: RecomputeTrigger;
  now: Date;
}): Promise<{ runId: string; state: string }> {
  const { url, execArgv } = workerEntry("recompute-worker", import.meta.url);
  const input: RecomputeWorkerInput = {
    databaseUrl: options.databaseUrl,
    storeId: options.storeId,
    trigger: options.trigger,
    now: options.now.toISOString(),
    waiters: sharedWaiters(),
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, {
      execArgv,
      workerData: input,
      resourceLimits: { maxYoungGenerationSizeMb: RECOMPUTE_YOUNG_GENERATION_MB },
    });
    let settled = false;
    worker.once("message", (out: RecomputeWorkerOutput) => {
      settled = true;
      if (out.ok) resolve({ runId: out.runId, state: out.state });
      else reject(new Error(out.error));
    });
    worker.once("error", (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`recompute worker exited with code ${code} before it finished`));
      settled = true;
    });
  });
}
