/**
 * Requests to a worker thread of a bulk writer (the COPY thread, the SQLite write thread), each answered once by a
 * reply carrying its id. The thread keeps the process alive only while requests are on their way; a thread that
 * fails or exits fails every request still waiting, and every later one.
 */
import type { Worker } from "node:worker_threads";

/** A thread's answer to request `id`: done (with what the request returns), or failed with the error's text. */
export type WorkerReply<Done extends object = object> =
  ({ id: number; ok: true } & Done) | { id: number; ok: false; error: string; code?: string };

export interface WorkerRequests<Done extends object> {
  /** Posts `message` with a fresh `id`; settles with the thread's reply to it. */
  send(message: object, transfer?: ArrayBuffer[]): Promise<{ id: number; ok: true } & Done>;
  /** Posts a last message; from then on requests fail with `error`. */
  end(message: object, error: Error): void;
}

export function workerRequests<Done extends object>(worker: Worker, name: string): WorkerRequests<Done> {
  const pending = new Map<
    number,
    { resolve: (reply: { id: number; ok: true } & Done) => void; reject: (error: Error) => void }
  >();
  let next = 0;
  let failed: Error | null = null;
  const failAll = (error: Error) => {
    failed = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (reply: WorkerReply<Done>) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (!waiter) return;
    if (reply.ok) waiter.resolve(reply);
    else waiter.reject(Object.assign(new Error(reply.error), reply.code ? { code: reply.code } : {}));
  });
  worker.once("error", (error) => failAll(error));
  worker.once("exit", (code) => failAll(new Error(`${name} exited with code ${code}`)));
  // After the listeners: adding a "message" listener to an unreferenced worker references it again, and a thread
  // started ahead of its first request (BulkWriter.warmUp) would then keep the process alive.
  worker.unref();
  return {
    send(message, transfer) {
      if (failed) return Promise.reject(failed);
      const id = next++;
      const done = new Promise<{ id: number; ok: true } & Done>((resolve, reject) =>
        pending.set(id, { resolve, reject }),
      );
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...message, id }, transfer);
      return done;
    },
    end(message, error) {
      if (failed) return;
      worker.postMessage(message);
      failed = error;
    },
  };
}
