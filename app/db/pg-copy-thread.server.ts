/**
 * A thread that sends a PostgreSQL bulk writer's COPY chunks (decision 173). On the writer's own thread each chunk
 * needs several turns of that thread's event loop (transaction, COPY, the socket draining a payload of megabytes,
 * commit), and the nightly's thread computes for seconds between turns: traced at 1M customers, the score write's
 * chunks took 0.3–2.3 s each for ~0.12 s of the server's work. Here they go one after another on a connection of
 * the thread's own; the caller's thread only builds them and hears when each is committed.
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "../worker-entry.server";
import type { CopyChunkPlan } from "./pg-copy-chunk";
import type { CopyRequest, CopyThreadInput } from "./pg-copy-worker";
import { workerRequests } from "./worker-requests.server";

export interface CopyThread {
  /** Queues the chunk behind the ones sent before; `done` settles when it is committed (or failed). */
  send(plan: CopyChunkPlan, payload: Buffer | string): { done: Promise<void> };
  close(): void;
}

/** Starts the thread; throws when it cannot start (the caller then copies on its own connection). */
export function startCopyThread(input: CopyThreadInput): CopyThread {
  const { url, execArgv } = workerEntry("pg-copy-worker", import.meta.url);
  const worker = new Worker(url, { execArgv, workerData: input });
  // The thread keeps the process alive while chunks are on their way, and not while it idles.
  const requests = workerRequests(worker, "COPY thread");
  return {
    send(plan, payload) {
      // A binary payload's bytes are handed over, not copied: the encoder starts a new buffer for the next chunk.
      // (A small buffer may be a slice of Node's shared pool: that one is copied.)
      const request: Omit<CopyRequest, "id"> = { plan, payload };
      const transfer: ArrayBuffer[] = [];
      if (typeof payload !== "string" && payload.buffer.byteLength > Buffer.poolSize) {
        request.payload = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
        transfer.push(payload.buffer as ArrayBuffer);
      }
      return { done: requests.send(request, transfer).then(() => undefined) };
    },
    close() {
      void worker.terminate();
    },
  };
}
