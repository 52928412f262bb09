/**
 * Starts the nightly's products phase as soon as the orders are read. It is seconds of CPU and needs nothing the
 * database still has to write, so on a large store it runs on a thread of its own: its first part (baskets, pairs
 * bought together) beside the scoring, which keeps one core busy; its second part once the scoring hands it the
 * segments (before it fits the CLV model), beside the rest of the scoring. On a machine with a free core the phase
 * then costs the run little more than the wait for its result.
 * A small store computes it in place when asked for: starting a thread would cost more than the work (decision 160).
 */
import { Worker } from "node:worker_threads";
import { logger } from "../../logger.server";
import type { Steps } from "../step-timer";
import { workerEntry } from "../../worker-entry.server";
import { computeProductInsights, type BasketInput, type ProductResults } from "./product-insights";
import type { ProductInsightsOutput, ProductInsightsSegments } from "./product-insights-worker";

/** Order lines from which the phase runs on a thread of its own (below, starting one costs more than it saves). */
export const PRODUCT_WORKER_MIN_LINES = 200_000;

export interface PendingProductInsights {
  /**
   * Gives the phase each customer's RFM segment (an index into RFM_SEGMENTS). Posted to the thread at once: the
   * scoring calls it midway and goes on computing, without a turn of its event loop in which a promise could.
   */
  segments(segmentIndex: Uint8Array): void;
  /** The phase's results and step times (the thread's own when it ran on one), once it has its segments. */
  result(): Promise<{ products: ProductResults; steps: Steps }>;
  /** Stops a thread still running (the run failed before it needed the results); the result rejects with `reason`. */
  cancel(reason?: Error): void;
}

/** The baskets, and each customer's segment when already known (else given later through segments()). */
export type ProductPhaseInput = BasketInput & { segmentIndex?: Uint8Array };

/**
 * `inWorker` forces either way (tests); by default a thread is used from PRODUCT_WORKER_MIN_LINES lines. On a
 * thread, the line arrays are handed over to it (transferred, not copied): nothing else in the run reads them.
 */
export function startProductInsights(input: ProductPhaseInput, inWorker?: boolean): PendingProductInsights {
  if (!(inWorker ?? input.lineBasket.length >= PRODUCT_WORKER_MIN_LINES)) return inPlace(input);
  const { segmentIndex, ...baskets } = input;
  let worker: Worker;
  try {
    const { url, execArgv } = workerEntry("product-insights-worker", import.meta.url);
    worker = new Worker(url, {
      execArgv,
      workerData: baskets satisfies BasketInput,
      transferList: [input.lineBasket.buffer as ArrayBuffer, input.lineProduct.buffer as ArrayBuffer],
    });
  } catch (error) {
    // No thread (a build without the worker's bundle, no resources): the same work in place, as on a small store.
    logger.warn("products phase could not start its thread; computing in place", { error: String(error) });
    return inPlace(input);
  }
  // The thread computes the pairs meanwhile; the segments reach it as a message (queued until it asks for them).
  let stopped: Error | null = null;
  const segments = (index: Uint8Array) => worker.postMessage({ segmentIndex: index } satisfies ProductInsightsSegments);
  if (segmentIndex) segments(segmentIndex);
  const done = new Promise<{ products: ProductResults; steps: Steps }>((resolve, reject) => {
    worker.once("message", (out: ProductInsightsOutput) => {
      if (out.ok) resolve({ products: out.products, steps: out.steps });
      else reject(new Error(out.error));
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(stopped ?? new Error(`products worker exited with code ${code} before it finished`)),
    );
  });
  done.catch(() => undefined); // awaited by result(); a failure before then is not an unhandled rejection
  return {
    segments,
    result: () => done,
    cancel: (reason) => {
      stopped = reason ?? null;
      void worker.terminate();
    },
  };
}

/** Computed on the caller's thread when its results are first asked for (after its segments came). */
function inPlace(input: ProductPhaseInput): PendingProductInsights {
  let given: (segmentIndex: Uint8Array) => void = () => undefined;
  let refused: (reason: Error) => void = () => undefined;
  const segmentIndex = new Promise<Uint8Array>((resolve, reject) => {
    given = resolve;
    refused = reject;
  });
  segmentIndex.catch(() => undefined);
  if (input.segmentIndex) given(input.segmentIndex);
  let computed: Promise<{ products: ProductResults; steps: Steps }> | null = null;
  return {
    segments: (index) => given(index),
    result: () =>
      (computed ??= segmentIndex.then((index) => {
        const steps: Steps = {};
        return { products: computeProductInsights({ ...input, segmentIndex: index }, steps), steps };
      })),
    cancel: (reason) => refused(reason ?? new Error("products phase cancelled")),
  };
}
