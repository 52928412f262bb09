/**
 * Worker-thread entry that checkpoints the app's SQLite WAL every few seconds. The request thread's connections
 * never checkpoint (a checkpoint copies the WAL into the database and fsyncs it, synchronously); this thread does
 * it in their place, so the WAL stays small without a request ever paying for it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqlite } from "./sqlite-connection.server";

const { databaseUrl, everyMs } = workerData as { databaseUrl: string; everyMs: number };
const conn = openSqlite(databaseUrl);
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs, waits for nobody; a busy database is simply tried again later.
    conn.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // SQLITE_BUSY or a closing database: next round
  }
}, everyMs);
parentPort?.on("message", (message) => {
  if (message === "stop") {
    clearInterval(timer);
    conn.close();
    parentPort?.close();
  }
});
