/**
 * deleteStoreRows on both databases: every row of one store goes (more than one SQLite batch), no other store's;
 * on SQLite each batch deletes through the table's key, not by walking all of the store's rows again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { deleteStoreRows, sqliteDeleteBatch, type StoreRowKey } from "../../app/db/chunked-delete.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

describe.each(DB_KINDS)("deleting a store's rows on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const id of ["s1", "s2"])
      await database.db.store.create({
        data: { id, platform: "shopify", domain: `${id}.myshopify.com`, currency: "EUR", timezone: "UTC" },
      });
  });
  afterAll(() => database.drop());

  it("deletes every row of the store, in batches on SQLite, and no other store's", async () => {
    const bulk = createBulkWriter(database.db, database.url);
    const columns = [
      { name: "storeId", type: "text" as const },
      { name: "state", type: "text" as const },
      { name: "runId", type: "text" as const },
      { name: "items", type: "text" as const },
      { name: "outcomes", type: "text" as const },
      { name: "size", type: "int" as const },
    ];
    const pages = (store: string, n: number) =>
      Array.from({ length: n }, (_, i) => [store, "pending", `r${i}`, "[]", ".", 1]);
    try {
      await bulk.write({ table: "TagOutboxPage", columns, generateIds: true }, [
        ...pages("s1", 4_001),
        ...pages("s2", 7),
      ]);
    } finally {
      bulk.close();
    }
    expect(await deleteStoreRows(database.db, "TagOutboxPage", "s1")).toBe(4_001);
    expect(await database.db.tagOutboxPage.count({ where: { storeId: "s1" } })).toBe(0);
    expect(await database.db.tagOutboxPage.count({ where: { storeId: "s2" } })).toBe(7);
    expect(await deleteStoreRows(database.db, "TagOutboxPage", "s1")).toBe(0);
  });

  it("picks rows by another key where a table has no id (score rows by customer)", async () => {
    const at = new Date("2026-11-20T03:00:00Z");
    const score = (storeId: string, customerId: string) => ({
      storeId,
      customerId,
      computedAt: at,
      orders: 1,
      purchaseDays: 1,
      monetaryMinor: 100n,
      rScore: 3,
      fScore: 3,
      mScore: 3,
      segment: "loyal",
      stage: "active",
      historicClvMinor: 100n,
    });
    await database.db.customerScore.createMany({
      data: [...Array.from({ length: 2_500 }, (_, i) => score("s1", `c${i}`)), score("s2", "c0")],
    });
    expect(await deleteStoreRows(database.db, "CustomerScore", "s1", "customerId")).toBe(2_500);
    expect(await database.db.customerScore.count({ where: { storeId: "s1" } })).toBe(0);
    expect(await database.db.customerScore.count({ where: { storeId: "s2" } })).toBe(1);
  });
});

describe("deleting a store's rows in SQLite batches", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(() => database.drop());

  it("deletes each batch through the table's key, not by walking the store's rows again", async () => {
    const cases: [string, StoreRowKey, RegExp][] = [
      ["TagOutboxPage", "id", /\(id=\?\)/],
      ["Order", "id", /\(id=\?\)/],
      ["OrderLine", "id", /\(id=\?\)/],
      ["SurveyResponse", "id", /\(id=\?\)/],
      ["CustomerScore", "customerId", /\(storeId=\? AND customerId=\?\)/],
      ["CustomerInsight", "customerId", /\(storeId=\? AND customerId=\?\)/],
    ];
    for (const [table, key, lookup] of cases) {
      const sql = sqliteDeleteBatch(table, key);
      const values = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => "s1");
      const plan = await database.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...values);
      // The first step is the outer DELETE's own search; the picked list is a subquery below it.
      expect(plan[0]!.detail, table).toMatch(new RegExp(`^SEARCH ${table} USING .*${lookup.source}`));
    }
  });
});
