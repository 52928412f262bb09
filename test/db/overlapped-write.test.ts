/**
 * An overlapped column write hands a writer as many chunks before the first is written as the writer takes, or as
 * the producer asks for when that is more (the score write, whose thread has long steps of other work). The producer
 * gives its thread's other work a turn once the writer has all it takes, and at least every half second.
 */
import { describe, expect, it } from "vitest";
import type { BulkWriter } from "../../app/db/bulk-writer.server";
import type { ColumnChunk } from "../../app/db/column-chunk";
import { overlappedColumnWrite } from "../../app/db/overlapped-write.server";
import { computeFor } from "../support/busy-thread";

/** A writer that holds every chunk until released, counting how many it holds. */
function holdingWriter(chunksAhead: number) {
  const held: (() => void)[] = [];
  const bulk = {
    chunksAhead,
    writeColumns: (_options: unknown, chunk: ColumnChunk) =>
      new Promise<number>((resolve) => held.push(() => resolve(chunk.length))),
  } as unknown as BulkWriter;
  return { bulk, held };
}

const chunk = (length: number): ColumnChunk => ({ length, columns: [] });
const options = { table: "T", columns: [] };

describe("overlapped column write", () => {
  for (const [writerAhead, asked, expected] of [
    [2, 1, 2],
    [2, 8, 8],
    [8, 2, 8],
    [1, 8, 1], // a writer without a thread writes each chunk on the caller's thread: one at a time
  ] as const) {
    it(`hands over ${expected} chunks when the writer takes ${writerAhead} and the producer asks for ${asked}`, async () => {
      const { bulk, held } = holdingWriter(writerAhead);
      const write = overlappedColumnWrite(bulk, options, asked);
      let pushed = 0;
      const producing = (async () => {
        for (let k = 0; k < 12; k++) {
          await write.push(chunk(10));
          pushed++;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(held.length).toBe(expected); // no more are sent until the first is written
      expect(pushed).toBe(expected);
      while (held.length) {
        held.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await producing;
      expect(await write.done()).toBe(120);
    });
  }

  /** Pushes chunks that take `buildMs` each to build; returns how many the writer held when the event loop had a turn. */
  async function chunksBeforeATurn(writerAhead: number, buildMs: number, chunks: number) {
    const { bulk, held } = holdingWriter(writerAhead);
    const write = overlappedColumnWrite(bulk, options);
    let pushed = 0;
    let atTurn = -1;
    setImmediate(() => (atTurn = held.length));
    const producing = (async () => {
      for (let k = 0; k < chunks; k++) {
        computeFor(buildMs); // building the chunk
        await write.push(chunk(10));
        pushed++;
      }
    })();
    while (atTurn < 0) await new Promise((resolve) => setTimeout(resolve, 5));
    while (held.length || pushed < chunks) {
      held.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await producing;
    await write.done();
    return atTurn;
  }

  it("gives the thread's other work a turn only once the writer has every chunk it takes ahead", async () => {
    // 25 ms per chunk: a turn every 50 ms would come after the second chunk, with the writer holding four more
    // chunks' room (its thread would wait through the other work's whole step).
    expect(await chunksBeforeATurn(6, 25, 10)).toBe(6);
  });

  it("gives a turn at least every half second when the writer always has room", async () => {
    // The writer takes 100 ahead: its queue never fills, and the cap alone brings the turn (500 ms of 25 ms chunks).
    const handedOver = await chunksBeforeATurn(100, 25, 40);
    expect(handedOver).toBeGreaterThan(6);
    expect(handedOver).toBeLessThanOrEqual(21);
  });

  it("refills the writer after each turn before it gives way again", async () => {
    // A writer that answers each chunk in the event loop's next turn, as a writer's thread does (its answer is a
    // message): after a turn every chunk handed over is answered, and the producer hands over six more before the
    // next. Turning every 50 ms instead would hand over two per turn, and the writer would wait through the
    // thread's other work after each.
    let sent = 0;
    const bulk = {
      chunksAhead: 6,
      writeColumns: (_options: unknown, c: ColumnChunk) => {
        sent++;
        return new Promise<number>((resolve) => setImmediate(() => resolve(c.length)));
      },
    } as unknown as BulkWriter;
    const write = overlappedColumnWrite(bulk, options);
    const atTurns: number[] = [];
    let producing = true;
    const tick = () => {
      atTurns.push(sent);
      if (producing) setImmediate(tick);
    };
    setImmediate(tick);
    for (let k = 0; k < 18; k++) {
      computeFor(25); // building the chunk
      await write.push(chunk(10));
    }
    producing = false;
    expect(await write.done()).toBe(180);
    expect(atTurns.slice(0, 3)).toEqual([6, 12, 18]);
  });
});
