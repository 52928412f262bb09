/**
 * Worker-thread entry of the nightly's products phase (product-insights-in-worker.server.ts starts it): the pairs
 * from the baskets it is started with, then the rest once the segments arrive as a message. A thread inherits the
 * priority of the thread that starts it (the recompute's, lowered); it is set here as well, for the case it was
 * started from a thread at normal priority (tests). CICLO_WORKER_NICE overrides it, as for the recompute.
 */
import { once } from "node:events";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Steps } from "../step-timer";
import { finishProductInsights, productPairs, type BasketInput, type ProductResults } from "./product-insights";

export type ProductInsightsOutput = { ok: true; products: ProductResults; steps: Steps } | { ok: false; error: string };

/** The message that gives the thread each customer's RFM segment. */
export interface ProductInsightsSegments {
  segmentIndex: Uint8Array;
}

try {
  setPriority(Number(process.env.CICLO_WORKER_NICE ?? 10));
} catch {
  // not permitted here: run at the priority inherited
}

if (parentPort && workerData) {
  const port = parentPort;
  let output: ProductInsightsOutput;
  const transfer: ArrayBuffer[] = [];
  try {
    const steps: Steps = {};
    const pairs = productPairs(workerData as BasketInput, steps);
    // How long the thread then sat idle until the scoring handed it the segments (0 when they were already there).
    const asked = performance.now();
    const [message] = (await once(port, "message")) as [ProductInsightsSegments];
    steps.segments_wait = Math.round(performance.now() - asked);
    const products = finishProductInsights(pairs, message.segmentIndex, steps);
    output = { ok: true, products, steps };
    transfer.push(products.suggestion.buffer as ArrayBuffer, products.because.buffer as ArrayBuffer);
  } catch (error) {
    output = { ok: false, error: String(error) };
  }
  port.postMessage(output, transfer);
}
