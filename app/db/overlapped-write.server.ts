/**
 * Writes the chunks of one bulk write as they are produced, each one sent while the caller builds the next: the
 * database (another process on PostgreSQL) takes a chunk while this thread builds the next one's rows and text,
 * instead of the two waiting for each other. At most two chunks are held at a time.
 */
import type { BulkWriteOptions, BulkWriter } from "./bulk-writer.server";

export interface OverlappedWrite {
  /** Sends `rows` once the previous chunk is written (its failure is thrown here). */
  push(rows: unknown[][]): Promise<void>;
  /** Waits for the last chunk; returns the rows written. */
  done(): Promise<number>;
}

export function overlappedWrite(bulk: BulkWriter, options: BulkWriteOptions): OverlappedWrite {
  let pending: Promise<number> = Promise.resolve(0);
  let written = 0;
  return {
    async push(rows) {
      written += await pending;
      pending = bulk.write(options, rows);
      // Awaited by the next push or done(); until then a failure must not count as unhandled.
      pending.catch(() => undefined);
    },
    async done() {
      written += await pending;
      pending = Promise.resolve(0);
      return written;
    },
  };
}
