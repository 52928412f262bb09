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
import type { CopyReply, CopyRequest, CopyThreadInput } from "./pg-copy-worker";

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
  worker.unref();
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let next = 0;
  let failed: Error | null = null;
  const failAll = (error: Error) => {
    failed = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (reply: CopyReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (!waiter) return;
    if (reply.ok) waiter.resolve();
    else waiter.reject(Object.assign(new Error(reply.error), reply.code ? { code: reply.code } : {}));
  });
  worker.once("error", (error) => failAll(error));
  worker.once("exit", (code) => failAll(new Error(`COPY thread exited with code ${code}`)));
  return {
    send(plan, payload) {
      if (failed) return { done: Promise.reject(failed) };
      const id = next++;
      const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
      if (pending.size === 1) worker.ref();
      // A binary payload's bytes are handed over, not copied: the encoder starts a new buffer for the next chunk.
      const request: CopyRequest = { id, plan, payload };
      // (A small buffer may be a slice of Node's shared pool: that one is copied.)
      if (typeof payload === "string" || payload.buffer.byteLength <= Buffer.poolSize) worker.postMessage(request);
      else {
        const bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
        worker.postMessage({ ...request, payload: bytes }, [bytes.buffer as ArrayBuffer]);
      }
      return { done };
    },
    close() {
      void worker.terminate();
    },
  };
}
