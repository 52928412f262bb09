/**
 * Writes the chunks of one bulk write as they are produced, each one sent while the caller builds the next: the
 * database (another process on PostgreSQL) takes chunks while this thread builds the next ones' rows and bytes,
 * instead of the two waiting for each other. Up to the writer's `chunksAhead` chunks are handed over before the
 * first is written (on PostgreSQL several, so the server keeps working while this thread computes something else
 * for a while; on SQLite one, as the chunk is written on this thread anyway).
 */
import type { BulkWriteOptions, BulkWriter } from "./bulk-writer.server";

export interface OverlappedWrite {
  /** Sends `rows` once there is room (a failure of an earlier chunk is thrown here). */
  push(rows: unknown[][]): Promise<void>;
  /** Waits for the last chunk; returns the rows written. */
  done(): Promise<number>;
}

export function overlappedWrite(bulk: BulkWriter, options: BulkWriteOptions): OverlappedWrite {
  const pending: Promise<number>[] = [];
  let written = 0;
  return {
    async push(rows) {
      while (pending.length >= Math.max(1, bulk.chunksAhead)) written += await pending.shift()!;
      const write = bulk.write(options, rows);
      // Awaited by a later push or done(); until then a failure must not count as unhandled.
      write.catch(() => undefined);
      pending.push(write);
    },
    async done() {
      while (pending.length) written += await pending.shift()!;
      return written;
    },
  };
}
