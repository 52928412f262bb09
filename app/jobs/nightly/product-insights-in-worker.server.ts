/**
 * Starts the nightly's products phase as soon as the scores are known. It is seconds of CPU and needs nothing the
 * database still has to write, so on a large store it runs on a thread of its own while the recompute's thread
 * writes the scores (which, on SQLite, keeps that thread busy inside synchronous database calls): on a machine
 * with a free core the phase then costs the run little more than the wait for its result. A small store computes
 * it in place when asked for: starting a thread would cost more than the work (decision 160).
 */
import { Worker } from "node:worker_threads";
import { logger } from "../../logger.server";
import type { Steps } from "../step-timer";
import { workerEntry } from "../../worker-entry.server";
import { computeProductInsights, type ProductInput, type ProductResults } from "./product-insights";
import type { ProductInsightsOutput } from "./product-insights-worker";

/** Order lines from which the phase runs on a thread of its own (below, starting one costs more than it saves). */
export const PRODUCT_WORKER_MIN_LINES = 200_000;

export interface PendingProductInsights {
  /** The phase's results and step times (the thread's own when it ran on one). */
  result(): Promise<{ products: ProductResults; steps: Steps }>;
  /** Stops a thread still running (the run failed before it needed the results). */
  cancel(): void;
}

/**
 * `inWorker` forces either way (tests); by default a thread is used from PRODUCT_WORKER_MIN_LINES lines. On a
 * thread, the line arrays are handed over to it (transferred, not copied): nothing else in the run reads them.
 */
export function startProductInsights(input: ProductInput, inWorker?: boolean): PendingProductInsights {
  if (!(inWorker ?? input.lineBasket.length >= PRODUCT_WORKER_MIN_LINES)) return inPlace(input);
  let worker: Worker;
  try {
    const { url, execArgv } = workerEntry("product-insights-worker", import.meta.url);
    worker = new Worker(url, {
      execArgv,
      workerData: input,
      transferList: [input.lineBasket.buffer as ArrayBuffer, input.lineProduct.buffer as ArrayBuffer],
    });
  } catch (error) {
    // No thread (a build without the worker's bundle, no resources): the same work in place, as on a small store.
    logger.warn("products phase could not start its thread; computing in place", { error: String(error) });
    return inPlace(input);
  }
  const done = new Promise<{ products: ProductResults; steps: Steps }>((resolve, reject) => {
    worker.once("message", (out: ProductInsightsOutput) => {
      if (out.ok) resolve({ products: out.products, steps: out.steps });
      else reject(new Error(out.error));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`products worker exited with code ${code} before it finished`)));
  });
  done.catch(() => undefined); // awaited by result(); a failure before then is not an unhandled rejection
  return {
    result: () => done,
    cancel: () => void worker.terminate(),
  };
}

/** Computed on the caller's thread when its results are first asked for. */
function inPlace(input: ProductInput): PendingProductInsights {
  let computed: Promise<{ products: ProductResults; steps: Steps }> | null = null;
  return {
    result: () =>
      (computed ??= new Promise((resolve) => {
        const steps: Steps = {};
        resolve({ products: computeProductInsights(input, steps), steps });
      })),
    cancel: () => undefined,
  };
}
