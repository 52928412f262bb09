/**
 * Worker-thread entry of the nightly recompute. Requests first: on Linux a priority set with pid 0 applies to the
 * calling thread only, so this thread (not the request thread) yields the CPU whenever both want it. The nightly
 * has hours; a webhook has 5 seconds. The priority is lowered before anything else loads — loading the recompute's
 * modules and opening its connections is half a second of CPU that would otherwise compete with the first
 * requests at normal priority. CICLO_WORKER_NICE overrides it (bench:nightly sets 0: its floor is measured at
 * normal priority too).
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { RecomputeWorkerInput, RecomputeWorkerOutput } from "./recompute-worker-run";

export type { RecomputeWorkerInput, RecomputeWorkerOutput } from "./recompute-worker-run";

try {
  setPriority(Number(process.env.CICLO_WORKER_NICE ?? 10));
} catch {
  // not permitted here: run at normal priority
}

if (parentPort && workerData) {
  const port = parentPort;
  // From source (tests, tsx) the TypeScript module; from the build, the bundle written beside this one.
  const run = new URL(`./recompute-worker-run${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  const { runRecomputeWorker } = (await import(run.href)) as typeof import("./recompute-worker-run");
  const result: RecomputeWorkerOutput = await runRecomputeWorker(workerData as RecomputeWorkerInput);
  port.postMessage(result);
}
