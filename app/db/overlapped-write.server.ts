/**
 * Writes the chunks of one bulk write as they are produced, each one sent while the caller builds the next: the
 * database (another process on PostgreSQL) takes chunks while this thread builds the next ones' rows and bytes,
 * instead of the two waiting for each other. Up to the writer's `chunksAhead` chunks are handed over before the
 * first is written (on PostgreSQL several, so the server keeps working while this thread computes something else
 * for a while; on SQLite two with a write thread, or one when the chunk is written on this thread anyway).
 */
import type { BulkWriteOptions, BulkWriter } from "./bulk-writer.server";
import type { ColumnChunk } from "./column-chunk";

export interface OverlappedWrite<Chunk> {
  /** Sends `chunk` once there is room (a failure of an earlier chunk is thrown here). */
  push(chunk: Chunk): Promise<void>;
  /** Waits for the last chunk; returns the rows written. */
  done(): Promise<number>;
}

/** How long a producer may go on building and handing over chunks before it gives the event loop a turn... */
const TURN_EVERY_MS = 50;
/** ...once the writer has as many chunks as it takes ahead; with room left, it goes on for up to this long. */
const TURN_AT_LEAST_EVERY_MS = 500;

function overlapped<Chunk>(ahead: number, write: (chunk: Chunk) => Promise<number>): OverlappedWrite<Chunk> {
  const pending: Promise<number>[] = [];
  let written = 0;
  /** Chunks handed over whose write this thread has not yet seen answered (answers arrive in the event loop's turns). */
  let unanswered = 0;
  let lastTurn = performance.now();
  return {
    async push(chunk) {
      while (pending.length >= Math.max(1, ahead)) written += await pending.shift()!;
      const sent = write(chunk);
      unanswered++;
      // Counted as unanswered until it settles. Awaited by a later push or done(); until then a failure must not count
      // as unhandled (the rejection handler here handles it).
      sent.then(
        () => unanswered--,
        () => unanswered--,
      );
      pending.push(sent);
      // Turns of the event loop. A chunk handed to a writer's thread (decisions 173, 174) leaves this thread nothing
      // to wait for, and a producer whose pushes find room awaits only resolved promises (microtasks): without turns,
      // a million-customer tag diff ran as one task, and a two-statement transaction beside it timed out after 5 s on
      // PostgreSQL. But a turn lets the thread's other work (an intelligence step) run for up to a second, so the
      // writer is first given all it takes: after each turn (which brings the writer's answers) the producer refills
      // it, and gives way every 50 ms only once it is full, at least every 500 ms (decision 178). The chunk just sent
      // is unanswered here, so a writer that takes one at a time (on this thread) is always full: every 50 ms.
      const since = performance.now() - lastTurn;
      if ((since >= TURN_EVERY_MS && unanswered >= ahead) || since >= TURN_AT_LEAST_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
    },
    async done() {
      while (pending.length) written += await pending.shift()!;
      return written;
    },
  };
}

/** Chunks of row arrays (BulkWriter.write). */
export function overlappedWrite(bulk: BulkWriter, options: BulkWriteOptions): OverlappedWrite<unknown[][]> {
  return overlapped(bulk.chunksAhead, (rows) => bulk.write(options, rows));
}

/**
 * Chunks of columns (BulkWriter.writeColumns). `atLeastAhead`: a producer whose thread has long steps of other work
 * between its pushes may hand a writer with a thread (or server) of its own more chunks than it asks for, so the
 * writer is not left waiting.
 */
export function overlappedColumnWrite(
  bulk: BulkWriter,
  options: BulkWriteOptions,
  atLeastAhead = 1,
): OverlappedWrite<ColumnChunk> {
  // A writer that takes one chunk at a time writes on the caller's thread: more at once would only interleave.
  const ahead = bulk.chunksAhead > 1 ? Math.max(bulk.chunksAhead, atLeastAhead) : 1;
  return overlapped(ahead, (chunk) => bulk.writeColumns(options, chunk));
}
