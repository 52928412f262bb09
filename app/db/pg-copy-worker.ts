/**
 * Worker-thread side of a PostgreSQL bulk writer's COPYs (pg-copy-thread.server.ts starts it): a connection of its
 * own, the chunks in the order they arrive, each answered when committed (or failed). This thread's event loop does
 * nothing else, so the server gets each chunk as fast as it takes it, however long the thread that built the
 * chunks computes between two turns of its own event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { copyChunk, type CopyChunkPlan } from "./pg-copy-chunk";
import { pgConnection } from "./pg-connection";
import type { WorkerReply } from "./worker-requests.server";

export interface CopyThreadInput {
  databaseUrl: string;
  commitsFlushLater: boolean;
}

export interface CopyRequest {
  id: number;
  plan: CopyChunkPlan;
  payload: Uint8Array | string;
}

export type CopyReply = WorkerReply;

if (parentPort && workerData) {
  const port = parentPort;
  const input = workerData as CopyThreadInput;
  // A connection the server ended while it idled (restart, failover) is opened again by the next chunk.
  const connection = pgConnection(input.databaseUrl, {
    setup: async (client) => {
      if (input.commitsFlushLater) await client.query("SET synchronous_commit = off");
    },
  });
  connection.get().catch(() => undefined); // connected ahead of the first chunk; a failure is reported with each chunk
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (request: CopyRequest) => {
    queue = queue.then(async () => {
      let reply: CopyReply;
      try {
        // Bytes arrive as a plain Uint8Array: the same memory as a Buffer, which the COPY stream writes.
        const payload =
          typeof request.payload === "string"
            ? request.payload
            : Buffer.from(request.payload.buffer, request.payload.byteOffset, request.payload.byteLength);
        await copyChunk(await connection.get(), request.plan, payload);
        reply = { id: request.id, ok: true };
      } catch (error) {
        reply = { id: request.id, ok: false, error: String(error), code: (error as { code?: string }).code };
      }
      port.postMessage(reply);
    });
  });
  port.once("close", () => void connection.close().catch(() => undefined));
}
