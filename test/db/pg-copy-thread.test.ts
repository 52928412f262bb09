/**
 * A PostgreSQL bulk writer sends its COPY chunks from a thread of its own: they reach the server and are committed
 * while the calling thread computes without a single turn of its event loop, a statement issued after them waits
 * until they are committed, and a failing chunk fails its write with the database's error. A producer handing
 * chunks over gives the event loop a turn every 50 ms, so other work on its thread goes on beside a long write.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { overlappedWrite } from "../../app/db/overlapped-write.server";
import { findPostgresBin } from "../../tools/postgres-server";
import { computeFor } from "../support/busy-thread";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";

const rows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "s1", `c${i}`, String(i), "[]", "[]", null, 0, null]);

describe("COPY chunks on the PostgreSQL bulk writer's own thread", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "copy-thread.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Rows whose id starts with `prefix`, counted by another process: works while this thread is busy. */
  const countFromOutside = (prefix: string): number => {
    const bin = findPostgresBin();
    const psql = bin ? join(bin, "psql") : "psql";
    const sql = `SELECT count(*) FROM "TagOutboxPage" WHERE "id" LIKE '${prefix}%'`;
    return Number(execFileSync(psql, [database.url, "-Atc", sql]).toString().trim());
  };

  /** A writer whose COPY thread is up and whose table's types are known (one row written), closed after `run`. */
  let warmed = 0;
  const withWarmWriter = async (run: (bulk: BulkWriter) => Promise<void>) => {
    const bulk = createBulkWriter(database.db, database.url);
    try {
      await bulk.write(OUTBOX_WRITE, rows(`warm${++warmed}-`, 1));
      await run(bulk);
    } finally {
      bulk.close();
    }
  };

  it("commits queued chunks while the calling thread computes without a turn of its event loop", async () => {
    await withWarmWriter(async (bulk) => {
      const writes = Array.from({ length: 10 }, (_, k) => bulk.write(OUTBOX_WRITE, rows(`busy${k}-`, 1_000)));
      await new Promise((resolve) => setImmediate(resolve)); // each write has built and handed over its chunk
      // From here no turn of this thread's event loop until all 10,000 rows are in (or 20 s have passed).
      const deadline = Date.now() + 20_000;
      let count = 0;
      while (Date.now() < deadline && (count = countFromOutside("busy")) < 10_000);
      expect(count).toBe(10_000);
      await Promise.all(writes);
    });
  });

  it("runs a statement issued after chunks once they are committed", async () => {
    await withWarmWriter(async (bulk) => {
      const write = bulk.write(OUTBOX_WRITE, rows("order", 5_000));
      await new Promise((resolve) => setImmediate(resolve)); // the chunk is handed over to the thread
      // Issued before the write is done: it must find all of its rows.
      const changed = await bulk.execute(`UPDATE "TagOutboxPage" SET "size" = 7 WHERE "id" LIKE 'order%'`);
      expect(changed).toBe(5_000);
      await write;
    });
  });

  it("fails a write whose chunk the server refuses, with the server's error", async () => {
    await withWarmWriter(async (bulk) => {
      await bulk.write(OUTBOX_WRITE, rows("dup", 3));
      // The same ids again, as plain inserts: the primary key refuses them.
      await expect(bulk.write(OUTBOX_WRITE, rows("dup", 3))).rejects.toThrow(/duplicate key/);
      // The writer goes on after a failed chunk.
      await bulk.write(OUTBOX_WRITE, rows("after", 2));
      expect(countFromOutside("after")).toBe(2);
    });
  });

  it("gives the event loop turns while a producer hands chunks over, each once the writer has all it takes", async () => {
    await withWarmWriter(async (bulk) => {
      const write = overlappedWrite(bulk, OUTBOX_WRITE);
      let turns = 0;
      let ticking = true;
      let last = performance.now();
      let longest = 0;
      const tick = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        turns++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      // Three times as many chunks as the writer takes ahead (none of these pushes waits for the database), each
      // built in 20 ms of this thread's work: a turn comes each time the writer has all it takes (8 chunks, 160 ms),
      // not only when the producer is done, and never later than the 500 ms cap.
      const chunks = 3 * bulk.chunksAhead;
      for (let k = 0; k < chunks; k++) {
        computeFor(20); // building the chunk
        await write.push(rows(`turns${k}-`, 100));
      }
      ticking = false;
      expect(turns).toBeGreaterThanOrEqual(2);
      expect(longest).toBeLessThan(450);
      expect(await write.done()).toBe(chunks * 100);
    });
  });

  it("never deadlocks a statement between chunks: chunks, a statement and more chunks issued together all finish", async () => {
    await withWarmWriter(async (bulk) => {
      for (let round = 0; round < 20; round++) {
        const settled = Promise.all([
          bulk.write(OUTBOX_WRITE, rows(`mix${round}a-`, 50)),
          bulk.execute(`UPDATE "TagOutboxPage" SET "size" = 1 WHERE "id" LIKE 'mix${round}a-%'`),
          bulk.write(OUTBOX_WRITE, rows(`mix${round}b-`, 50)),
          bulk.execute(`SELECT 1`),
          bulk.write(OUTBOX_WRITE, rows(`mix${round}c-`, 50)),
        ]);
        const timeout = new Promise<"stuck">((resolve) => setTimeout(() => resolve("stuck"), 10_000).unref());
        expect(await Promise.race([settled.then(() => "done" as const), timeout]), `round ${round}`).toBe("done");
      }
      expect(countFromOutside("mix")).toBe(20 * 150);
    });
  });
});
