/**
 * Worker-thread side of a SQLite bulk writer's large writes (sqlite-write-thread.server.ts starts it): a connection
 * of its own, the writes in the order they arrive, each in the same short time-sized transactions as on any other
 * thread (decision 090: BEGIN IMMEDIATE, giving way to waiting writers between chunks), each answered when
 * committed or failed. The thread that built the rows goes on computing meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteBulkWriter, type BulkWriteOptions } from "./bulk-writer.server";
import type { ColumnChunk } from "./column-chunk";
import { adoptSharedWaiters } from "./sqlite-write-gate.server";
import type { WorkerReply } from "./worker-requests.server";

export interface SqliteWriteThreadInput {
  databaseUrl: string;
  /** The process's count of writers waiting for the lock (sqlite-write-gate.server.ts), to give way to them. */
  waiters: SharedArrayBuffer;
}

/** One write: rows, or a chunk of columns. */
export type SqliteWrite = { options: BulkWriteOptions } & ({ chunk: ColumnChunk } | { rows: unknown[][] });

export type SqliteWriteRequest =
  | (SqliteWrite & { id: number })
  /** The last message: close the connection once the writes before it are done, and end the thread. */
  | { close: true };

export type SqliteWriteReply = WorkerReply<{ rows: number }>;

if (parentPort && workerData) {
  const port = parentPort;
  const input = workerData as SqliteWriteThreadInput;
  adoptSharedWaiters(input.waiters);
  const writer = openSqliteBulkWriter(input.databaseUrl);
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (request: SqliteWriteRequest) => {
    if ("close" in request) {
      queue = queue.then(() => {
        writer.close();
        port.close();
      });
      return;
    }
    queue = queue.then(async () => {
      let reply: SqliteWriteReply;
      try {
        const rows =
          "chunk" in request
            ? await writer.writeColumns(request.options, request.chunk)
            : await writer.write(request.options, request.rows);
        reply = { id: request.id, ok: true, rows };
      } catch (error) {
        reply = { id: request.id, ok: false, error: String(error), code: (error as { code?: string }).code };
      }
      port.postMessage(reply);
    });
  });
}
