/**
 * A SQLite bulk writer made with `writeThread` writes on a thread of its own: rows reach the file while the calling
 * thread computes without a turn of its event loop, a write the database refuses fails with its error and the
 * thread goes on, closing lets the writes sent before finish, and a nightly recompute written through it stores
 * exactly what one written on the calling thread stores.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { recomputeStore } from "../../app/jobs/nightly/recompute.server";
import { generateDemoHistory } from "../../simulators/shopify";
import { SimulatedShop } from "../../simulators/shopify/store";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";
import { importShop } from "../support/store-fixture";
import { tagOutboxItems } from "../../app/read-models/tag-sync.server";

const rows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "s1", `c${i}`, String(i), "[]", "[]", null, 0, null]);

describe("the SQLite bulk writer's write thread", () => {
  let database: TestDatabase;
  let outside: Database.Database;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "write-thread.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
    outside = new Database(database.url.replace(/^file:/, ""), { readonly: true });
  });
  afterAll(async () => {
    outside.close();
    await database.drop();
  });

  /** Rows whose id starts with `prefix`, counted on a connection of this thread's: synchronous, no turn needed. */
  const count = (prefix: string): number =>
    (outside.prepare(`SELECT count(*) AS n FROM "TagOutboxPage" WHERE "id" LIKE ?`).get(`${prefix}%`) as { n: number })
      .n;

  const withWriter = async (run: (bulk: BulkWriter) => Promise<void>, writeThread = true) => {
    const bulk = createBulkWriter(database.db, database.url, { writeThread });
    try {
      await run(bulk);
    } finally {
      bulk.close();
    }
  };

  /** Hands `n` rows over, then computes without a turn until they are all in the file or `ms` have passed. */
  const countWithoutTurns = async (bulk: BulkWriter, prefix: string, n: number, ms: number) => {
    const write = bulk.write(OUTBOX_WRITE, rows(prefix, n));
    const deadline = Date.now() + ms;
    let seen = 0;
    while (Date.now() < deadline && (seen = count(prefix)) < n);
    await write;
    return seen;
  };

  it("writes while the calling thread computes without a turn of its event loop", async () => {
    await withWriter(async (bulk) => {
      await bulk.write(OUTBOX_WRITE, rows("warm-", 1)); // the thread is up
      expect(bulk.chunksAhead).toBe(2); // the caller builds the next chunk while the thread writes one
      expect(await countWithoutTurns(bulk, "busy-", 20_000, 20_000)).toBe(20_000);
    });
    // On the calling thread (no write thread) nothing is written until the thread takes a turn.
    await withWriter(async (bulk) => {
      expect(await countWithoutTurns(bulk, "here-", 2_000, 500)).toBe(0);
      expect(count("here-")).toBe(2_000);
    }, false);
  });

  it("fails a write the database refuses with its error, and goes on", async () => {
    await withWriter(async (bulk) => {
      await bulk.write(OUTBOX_WRITE, rows("dup-", 3));
      await expect(bulk.write(OUTBOX_WRITE, rows("dup-", 3))).rejects.toThrow(/UNIQUE constraint/);
      // A write of fewer columns: the nullable problems and settledAt left out.
      const needed = OUTBOX_WRITE.columns.filter((c) => c.name !== "problems" && c.name !== "settledAt");
      await bulk.writeColumns(
        { table: "TagOutboxPage", columns: needed },
        {
          length: 2,
          columns: [
            ["after-0", "after-1"],
            { constant: "s1" },
            ["c0", "c1"],
            ["0", "1"],
            { constant: "[]" },
            { constant: "[]" },
            Float64Array.from([1, 1]),
          ],
        },
      );
      expect(count("after-")).toBe(2);
      expect(count("dup-")).toBe(3);
    });
  });

  it("lets the writes sent before it was closed finish", async () => {
    const bulk = createBulkWriter(database.db, database.url, { writeThread: true });
    const write = bulk.write(OUTBOX_WRITE, rows("closing-", 5_000));
    bulk.close();
    expect(await write).toBe(5_000);
    expect(count("closing-")).toBe(5_000);
    await expect(bulk.write(OUTBOX_WRITE, rows("late-", 1))).rejects.toThrow(/closed/);
  });

  it("stores what the calling thread's writer stores for a nightly recompute", async () => {
    const history = generateDemoHistory({
      seed: 9,
      customers: 300,
      targetOrders: 900,
      years: 2,
      end: new Date("2026-09-30"),
    });
    const now = new Date("2026-10-01T02:30:00Z");
    const stored = async (writeThread: boolean) => {
      const shop = new SimulatedShop({ domain: `thread-${writeThread}.myshopify.com`, timezone: "UTC", seed: 4 });
      shop.load(history);
      const storeId = (await importShop(database.db, shop)).store.id;
      let state = "";
      await withWriter(async (bulk) => {
        expect(bulk.beside() !== null).toBe(writeThread); // the recompute writes beside its phases with the thread
        state = (await recomputeStore({ db: database.db, bulk, dialect: "sqlite", now: () => now }, storeId, "manual"))
          .state;
      }, writeThread);
      expect(state).toBe("completed");
      const byCustomer = { orderBy: { customerId: "asc" as const }, where: { storeId } };
      const externalIds = new Map(
        (await database.db.customer.findMany({ where: { storeId } })).map((c) => [c.id, c.externalId]),
      );
      const scores = (await database.db.customerScore.findMany(byCustomer)).map(
        ({ storeId: _s, customerId, computedAt: _c, segmentSince: _ss, stageSince: _st, ...row }) => ({
          customer: externalIds.get(customerId),
          ...row,
        }),
      );
      const insights = (await database.db.customerInsight.findMany(byCustomer)).map(
        ({ storeId: _s, customerId, computedAt: _c, ...row }) => ({ customer: externalIds.get(customerId), ...row }),
      );
      const outbox = (await tagOutboxItems(database.db, storeId)).map((o) => [
        o.customerExternalId,
        o.add,
        o.remove,
        o.metafields,
        o.state,
      ]);
      // In the customers' external ids' order: the two stores' row ids differ.
      const byExternal = (a: { customer?: string }, b: { customer?: string }) =>
        (a.customer ?? "") < (b.customer ?? "") ? -1 : 1;
      scores.sort(byExternal);
      insights.sort(byExternal);
      outbox.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      expect(outbox.length).toBeGreaterThan(0);
      // Fractions to nine digits: the two stores' customers are fitted in their row ids' order, which differs.
      return JSON.stringify({ scores, insights, outbox }, (_k, v: unknown) =>
        typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(9) : v,
      );
    };
    const threaded = await stored(true);
    expect(threaded).toContain("champions");
    expect(await stored(false)).toBe(threaded);
  });
});
