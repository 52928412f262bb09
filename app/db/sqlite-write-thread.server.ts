/**
 * A thread that runs a SQLite bulk writer's large writes (decision 174). better-sqlite3 is synchronous: on the
 * nightly's thread every row bound and every B-tree page written is time that thread does not compute, and SQLite
 * has no server process to hand the work to. Here the rows are written by a thread of their own, on a connection
 * of its own, one write after another; the caller's thread hands each chunk over and hears when it is committed.
 */
import { Worker } from "node:worker_threads";
import { workerEntry } from "../worker-entry.server";
import type { BulkWriteOptions } from "./bulk-writer.server";
import type { ColumnChunk } from "./column-chunk";
import { sharedWaiters } from "./sqlite-write-gate.server";
import type { SqliteWrite, SqliteWriteRequest, SqliteWriteThreadInput } from "./sqlite-write-worker";
import { workerRequests } from "./worker-requests.server";

export interface SqliteWriteThread {
  /** Queues the write behind the ones sent before; settles with the rows written when it is committed. */
  writeColumns(options: BulkWriteOptions, chunk: ColumnChunk): Promise<number>;
  write(options: BulkWriteOptions, rows: unknown[][]): Promise<number>;
  close(): void;
}

/** Starts the thread; throws when it cannot start (the caller then writes on its own connection). */
export function startSqliteWriteThread(databaseUrl: string): SqliteWriteThread {
  const { url, execArgv } = workerEntry("sqlite-write-worker", import.meta.url);
  const input: SqliteWriteThreadInput = { databaseUrl, waiters: sharedWaiters() };
  const worker = new Worker(url, { execArgv, workerData: input });
  // The thread keeps the process alive while writes are on their way, and not while it idles.
  const requests = workerRequests<{ rows: number }>(worker, "SQLite write thread");
  // The request's arrays are copied to the thread (never transferred: a chunk's column may be the caller's own).
  const send = (request: SqliteWrite) => requests.send(request).then((reply) => reply.rows);
  return {
    writeColumns: (options, chunk) => send({ options, chunk }),
    write: (options, rows) => send({ options, rows }),
    close() {
      // The thread finishes the writes sent before, closes its connection and ends.
      requests.end({ close: true } satisfies SqliteWriteRequest, new Error("the SQLite write thread is closed"));
    },
  };
}
