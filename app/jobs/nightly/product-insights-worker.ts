/**
 * Worker-thread entry of the nightly's products phase (product-insights-in-worker.server.ts starts it). A thread
 * inherits the priority of the thread that starts it (the recompute's, lowered); it is set here as well, for the
 * case it was started from a thread at normal priority (tests). CICLO_WORKER_NICE overrides it, as for the recompute.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Steps } from "../step-timer";
import { computeProductInsights, type ProductInput, type ProductResults } from "./product-insights";

export type ProductInsightsOutput = { ok: true; products: ProductResults; steps: Steps } | { ok: false; error: string };

try {
  setPriority(Number(process.env.CICLO_WORKER_NICE ?? 10));
} catch {
  // not permitted here: run at the priority inherited
}

if (parentPort && workerData) {
  let output: ProductInsightsOutput;
  const transfer: ArrayBuffer[] = [];
  try {
    const steps: Steps = {};
    const products = computeProductInsights(workerData as ProductInput, steps);
    output = { ok: true, products, steps };
    transfer.push(products.suggestion.buffer as ArrayBuffer, products.because.buffer as ArrayBuffer);
  } catch (error) {
    output = { ok: false, error: String(error) };
  }
  parentPort.postMessage(output, transfer);
}
