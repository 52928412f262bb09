/**
 * A thread for one slice of the nightly's order read (order-read-worker.ts), started before its slice is known.
 * Starting a thread (loading its modules) took half a second at a million customers; started when the customer list
 * shows the store is large enough to slice, that overlaps the rest of the list's read instead of delaying the
 * slice's orders (decision 172).
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "../../worker-entry.server";
import type { OrderPassResult } from "./order-pass";
import type { OrderReadInput, OrderReadOutput } from "./order-read-worker";

/** The thread's workerData: what tells the entry it was started as a slice's thread (not merely imported). */
export const ORDER_READ_THREAD = "order-read-thread";

export interface OrderReadThread {
  /** Reads the slice on the thread; rejects when the thread failed, or exited before it answered. */
  read(input: OrderReadInput): Promise<OrderPassResult>;
  /**
   * Ends the thread: one never given a slice (the list failed, or a test's slices outnumber its customers), or one
   * still reading after the read failed elsewhere.
   */
  stop(): void;
}

export function startOrderReadThread(): OrderReadThread {
  let worker: Worker;
  try {
    const { url, execArgv } = workerEntry("order-read-worker", import.meta.url);
    worker = new Worker(url, { execArgv, workerData: ORDER_READ_THREAD });
  } catch (error) {
    // No thread (a build without the worker's bundle): the caller reads the slice itself.
    return { read: () => Promise.reject(error instanceof Error ? error : new Error(String(error))), stop() {} };
  }
  const outcome = new Promise<OrderPassResult>((resolve, reject) => {
    worker.once("message", (out: OrderReadOutput) => (out.ok ? resolve(out.pass) : reject(new Error(out.error))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`order read thread exited with code ${code} before it finished`)));
  });
  outcome.catch(() => undefined); // a thread that fails before it is given a slice is reported by read, or stopped
  return {
    read(input) {
      try {
        worker.postMessage(input);
      } catch (error) {
        void worker.terminate();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return outcome;
    },
    stop() {
      // Its slice answered by now, or the read failed and no one waits for it: either way the thread can go.
      void worker.terminate();
    },
  };
}
