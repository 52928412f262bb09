/**
 * Runs one recompute in a process of its own, the way the app runs it (a worker thread of an otherwise idle
 * process), and reports that process's peak RSS. The benchmark's own process holds the seeding generator's and
 * the floor's leftovers, which are not the pipeline's memory.
 *
 *   const { runId, peakRssBytes } = await recomputeInProcess({ databaseUrl, storeId, trigger: "nightly", now });
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { recomputeInWorker } from "../app/jobs/nightly/recompute-in-worker.server";
import type { RecomputeTrigger } from "../app/jobs/nightly/recompute.server";
import { ownCpuSeconds } from "./process-cpu";

/**
 * glibc's allocator settings in package.json's `start`: big buffers (a million customers' columns) mapped and
 * unmapped on their own instead of kept in the allocator's heaps, and two arenas instead of one per thread, so
 * what a phase frees goes back to the system (decision 163).
 */
export const APP_MALLOC_ENV = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" };

interface Request {
  databaseUrl: string;
  storeId: string;
  trigger: RecomputeTrigger;
  now: string;
}
type Reply =
  | { ok: true; runId: string; state: string; peakRssBytes: number; seconds: number; cpuSeconds: number }
  | { ok: false; error: string };

export function recomputeInProcess(options: {
  databaseUrl: string;
  storeId: string;
  trigger: RecomputeTrigger;
  now: Date;
}): Promise<{ runId: string; state: string; peakRssBytes: number; seconds: number; cpuSeconds: number }> {
  // The child inherits this process's execArgv, so tsx's loader runs the TypeScript entry too, and gets the
  // allocator settings `npm start` gives the app's process (decision 163), so its memory is the app's.
  const child = fork(fileURLToPath(import.meta.url), ["--child"], {
    stdio: "inherit",
    env: { ...process.env, ...APP_MALLOC_ENV },
  });
  return new Promise((resolve, reject) => {
    child.once("message", (reply: Reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
    child.once("exit", (code) => reject(new Error(`recompute process exited (${code}) before it answered`)));
    child.send({ ...options, now: options.now.toISOString() } satisfies Request);
  });
}

if (process.argv.includes("--child") && process.send) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  process.once("message", (request: Request) => {
    const started = performance.now(); // the run itself, not this process's start-up
    const cpu = ownCpuSeconds();
    recomputeInWorker({ ...request, now: new Date(request.now) })
      .then(({ runId, state }) => {
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        return {
          ok: true as const,
          runId,
          state,
          peakRssBytes: peak,
          seconds: (performance.now() - started) / 1000,
          // Every thread of this process: the recompute's, its order-read, products and COPY threads.
          cpuSeconds: ownCpuSeconds() - cpu,
        };
      })
      .catch((error: unknown) => ({ ok: false as const, error: String(error) }))
      .then((reply: Reply) => process.send!(reply, () => process.exit(0)));
  });
}
