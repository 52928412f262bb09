/**
 * The migration that drops the foreign key from the nightly's per-customer tables to Store, run on a database
 * holding rows as the release before it left them (SQLite rebuilds the tables, PostgreSQL drops the constraints):
 * every row and index is kept, and a row naming no existing store is no longer refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type Column } from "../../app/db/bulk-writer.server";
import { applyMigration, createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const MIGRATION = "20261205100000_nightly_tables_without_foreign_keys";
const TABLES = ["CustomerScore", "CustomerInsight", "TagOutboxItem"] as const;
const AT = new Date("2026-11-20T03:00:00Z");

const text = (name: string): Column => ({ name, type: "text" });
const COLUMNS: Record<(typeof TABLES)[number], Column[]> = {
  CustomerScore: [
    text("storeId"),
    text("customerId"),
    { name: "computedAt", type: "timestamp" },
    { name: "orders", type: "int" },
    { name: "purchaseDays", type: "int" },
    { name: "monetaryMinor", type: "bigint" },
    { name: "rScore", type: "int" },
    { name: "fScore", type: "int" },
    { name: "mScore", type: "int" },
    text("segment"),
    text("stage"),
    { name: "historicClvMinor", type: "bigint" },
    { name: "pAlive", type: "float" },
    text("previousSegment"),
    { name: "segmentSince", type: "timestamp" },
  ],
  CustomerInsight: [
    text("storeId"),
    text("customerId"),
    { name: "computedAt", type: "timestamp" },
    text("channel"),
    text("nextProduct"),
  ],
  TagOutboxItem: [
    text("id"),
    text("storeId"),
    text("customerId"),
    text("customerExternalId"),
    text("add"),
    text("remove"),
    text("state"),
  ],
};
const ROWS: Record<(typeof TABLES)[number], unknown[][]> = {
  CustomerScore: [
    ["s1", "c1", AT, 3, 2, 9000, 5, 4, 5, "champions", "repeat", 9000, 0.93, "loyal", AT],
    ["s1", "c2", AT, 1, 1, 1200, 2, 1, 1, "new", "new", 1200, null, null, AT],
    ["s2", "c1", AT, 2, 2, 4000, 3, 3, 3, "loyal", "active", 4000, 0.5, null, AT],
  ],
  CustomerInsight: [
    ["s1", "c1", AT, "Email", "Gadget"],
    ["s2", "c1", AT, null, null],
  ],
  TagOutboxItem: [
    ["o1", "s1", "c1", "101", '["ciclo:champions"]', "[]", "pending"],
    ["o2", "s2", "c1", "201", "[]", '["ciclo:new"]', "applied"],
  ],
};

/**
 * The tables' rows, every column, in key order, as plain values. The Prisma client no longer has TagOutboxItem (a
 * later migration replaced it with TagOutboxPage): its rows are read raw, every column the table has, sorted by name.
 */
async function dump(database: TestDatabase): Promise<string> {
  const db = database.db;
  const outbox = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "TagOutboxItem" ORDER BY "id"`);
  const all = {
    scores: await db.customerScore.findMany({ orderBy: [{ storeId: "asc" }, { customerId: "asc" }] }),
    insights: await db.customerInsight.findMany({ orderBy: [{ storeId: "asc" }, { customerId: "asc" }] }),
    outbox: outbox.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))),
  };
  return JSON.stringify(all, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Index names of the three tables, as the database lists them. */
async function indexes(database: TestDatabase): Promise<string[]> {
  const names = TABLES.map((t) => `'${t}'`).join(", ");
  const rows = await database.db.$queryRawUnsafe<{ name: string }[]>(
    database.kind === "sqlite"
      ? `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${names}) AND sql IS NOT NULL`
      : `SELECT indexname::text AS name FROM pg_indexes WHERE tablename IN (${names}) AND indexname NOT LIKE '%_pkey'`,
  );
  return rows.map((r) => r.name).sort();
}

describe.each(DB_KINDS)("dropping the nightly tables' foreign keys on %s", (kind) => {
  let database: TestDatabase;
  let before: string;
  let indexesBefore: string[];

  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrationsBefore: MIGRATION });
    for (const id of ["s1", "s2"])
      await database.db.store.create({ data: { id, platform: "shopify", domain: `${id}-fk.myshopify.com` } });
    const bulk = createBulkWriter(database.db, database.url);
    for (const table of TABLES) await bulk.write({ table, columns: COLUMNS[table] }, ROWS[table]);
    // Before the migration the key refuses a row of a store that does not exist.
    await expect(
      bulk.write({ table: "CustomerInsight", columns: COLUMNS.CustomerInsight }, [["gone", "c1", AT, null, null]]),
    ).rejects.toThrow();
    bulk.close();
    before = await dump(database);
    indexesBefore = await indexes(database);
    await applyMigration(database, MIGRATION);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("keeps every row, column and index of the three tables", async () => {
    expect(await dump(database)).toBe(before);
    expect(await indexes(database)).toEqual(indexesBefore);
    expect(indexesBefore).toEqual([
      "CustomerScore_storeId_segment_idx",
      "CustomerScore_storeId_stage_idx",
      "TagOutboxItem_storeId_state_id_idx",
    ]);
  });

  it("no longer checks the store of a row written to them; the tables with keys still do", async () => {
    const bulk = createBulkWriter(database.db, database.url);
    try {
      for (const table of TABLES) {
        const row = ROWS[table][0]!.map((v) => (v === "s1" ? "gone" : v === "o1" ? "o3" : v));
        await bulk.write({ table, columns: COLUMNS[table] }, [row]);
      }
      expect(await database.db.customerScore.count({ where: { storeId: "gone" } })).toBe(1);
      expect(await database.db.customerInsight.count({ where: { storeId: "gone" } })).toBe(1);
      // CustomerLabels keeps its key.
      await expect(
        database.db.customerLabels.create({ data: { storeId: "gone", customerId: "c1", tags: "[]" } }),
      ).rejects.toThrow();
    } finally {
      bulk.close();
    }
  });
});
