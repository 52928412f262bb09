/**
 * The SQLite writer discipline (docs/decisions/090-sqlite-writer-discipline.md), tried the way it broke:
 * - a plain write made while another request's Prisma transaction is open must not be rolled back with it;
 * - a receipt insert that meets another connection's write lock must wait on a timer, with the event loop free,
 *   and land once the lock is gone (before: a synchronous busy-wait of up to 5 s, then a failure);
 * - a bulk write gives way to a waiting writer between its chunks.
 */
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { createInboxWriter } from "../../app/sync/inbox-writer.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest gap between ticks of a 5 ms interval while `work` runs: how long the event loop was frozen. */
async function longestFreeze<T>(work: () => Promise<T>): Promise<{ result: T; freezeMs: number }> {
  let last = performance.now();
  let freezeMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    freezeMs = Math.max(freezeMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    return { result, freezeMs };
  } finally {
    clearInterval(timer);
  }
}

describe("SQLite writer discipline", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "discipline.myshopify.com", currency: "EUR" },
    });
  });
  afterEach(() => database.drop());

  it("keeps a plain write made while another request's transaction is open, when that transaction rolls back", async () => {
    const { db } = database;
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const failing = db
      .$transaction(async (tx) => {
        await tx.store.update({ where: { id: "s1" }, data: { name: "half-done" } });
        inside();
        await sleep(100);
        throw new Error("this request fails and rolls back");
      })
      .catch((error: unknown) => String(error));
    await opened;
    // Another request's write, issued while that transaction is open on the shared connection.
    await db.customer.create({ data: { storeId: "s1", externalId: "c-1", email: "kept@example.com" } });
    expect(await failing).toContain("rolls back");
    expect(await db.customer.count({ where: { storeId: "s1" } })).toBe(1);
    expect((await db.store.findUniqueOrThrow({ where: { id: "s1" } })).name).toBeNull();
  });

  it("waits for another connection's write lock on a timer, with the event loop free, then stores the receipt", async () => {
    const { db, url } = database;
    const writer = createInboxWriter(url);
    const other = new Database(url.replace(/^file:/, ""));
    try {
      other.prepare("BEGIN IMMEDIATE").run(); // a long write transaction elsewhere (another process or thread)
      const released = sleep(400).then(() => other.prepare("COMMIT").run());
      const { result, freezeMs } = await longestFreeze(() =>
        writer.insert(
          [{ storeId: "s1", dedupeKey: "e-1", topic: "orders/create", payload: "{}", triggeredAt: null }],
          new Date(),
        ),
      );
      await released;
      expect(result).toEqual([true]);
      expect(freezeMs).toBeLessThan(100);
      expect(await db.webhookReceipt.count()).toBe(1);
    } finally {
      other.close();
      writer.close();
    }
  });

  it("lets a waiting receipt in between the chunks of a long bulk write", async () => {
    const { db, url } = database;
    const bulk = createBulkWriter(db, url);
    const writer = createInboxWriter(url);
    try {
      const rows = Array.from({ length: 60_000 }, (_, i) => ["s1", "pending", `run-${i}`, "[]", ".", 1]);
      let bulkDone = 0;
      const write = bulk
        .write(
          {
            table: "TagOutboxPage",
            generateIds: true,
            columns: [
              { name: "storeId", type: "text" },
              { name: "state", type: "text" },
              { name: "runId", type: "text" },
              { name: "items", type: "text" },
              { name: "outcomes", type: "text" },
              { name: "size", type: "int" },
            ],
          },
          rows,
        )
        .then(() => (bulkDone = performance.now()));
      await sleep(5);
      await writer.insert(
        [{ storeId: "s1", dedupeKey: "e-2", topic: "orders/create", payload: "{}", triggeredAt: null }],
        new Date(),
      );
      const receiptAt = performance.now();
      await write;
      // The receipt did not wait for the whole bulk write, only for the chunk in progress.
      expect(receiptAt).toBeLessThan(bulkDone);
      expect(await db.tagOutboxPage.count()).toBe(60_000);
    } finally {
      writer.close();
      bulk.close();
    }
  });
});
