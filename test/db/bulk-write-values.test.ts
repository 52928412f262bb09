/**
 * Every column type the bulk writer sends comes back as given, on both databases (PostgreSQL: binary COPY, plain
 * and upsert paths; a table with a type the binary encoder does not write goes as text COPY).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createBulkWriter, type BulkWriter, type Column } from "../../app/db/bulk-writer.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const ORDER_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "storeId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "name", type: "text" },
  { name: "currency", type: "text" },
  { name: "grossMinor", type: "bigint" },
  { name: "netMinor", type: "bigint" },
  { name: "reportedRefundedMinor", type: "bigint" },
  { name: "cancelled", type: "bool" },
  { name: "test", type: "bool" },
  { name: "processedAt", type: "timestamp" },
  { name: "platformCreatedAt", type: "timestamp" },
  { name: "platformUpdatedAt", type: "timestamp" },
  { name: "cancelledAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

const SCORE_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "computedAt", type: "timestamp" },
  { name: "orders", type: "int" },
  { name: "purchaseDays", type: "int" },
  { name: "monetaryMinor", type: "bigint" },
  { name: "rScore", type: "int" },
  { name: "fScore", type: "int" },
  { name: "mScore", type: "int" },
  { name: "segment", type: "text" },
  { name: "stage", type: "text" },
  { name: "historicClvMinor", type: "bigint" },
  { name: "pAlive", type: "float" },
  { name: "expected30", type: "float" },
  { name: "clvPercentile", type: "float" },
];

const AWKWARD = 'tab\there\nnew line\r\\back\\slash "quoted" \\N \\. ünïcode 🎉 日本';
const BEFORE_2000 = new Date("1969-07-20T20:17:40.123Z");
const NOW = new Date("2026-12-04T23:59:59.999Z");
// Beyond 2^53: only exact as a BigInt.
const HUGE = 9_223_372_036_854_775_807n;

describe.each(DB_KINDS)("bulk write values on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "bulk-values.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("text, bigint (beyond 2^53, negative, zero), booleans, instants before 2000, nulls", async () => {
    await bulk.write({ table: "Order", columns: ORDER_COLUMNS }, [
      ["o1", "s1", "1", AWKWARD, "EUR", HUGE, -HUGE - 1n, null, true, false, BEFORE_2000, NOW, NOW, null, NOW],
      ["o2", "s1", "2", "", "EUR", 2 ** 53 - 1, -(2 ** 53 - 1), 0, false, true, NOW, BEFORE_2000, NOW, NOW, NOW],
      ["o3", "s1", "3", null, "EUR", -1, 4_294_967_296, -4_294_967_297, false, false, NOW, NOW, NOW, null, NOW],
    ]);
    const rows = await database.db.order.findMany({ where: { storeId: "s1" }, orderBy: { id: "asc" } });
    expect(
      rows.map((r) => [
        r.id,
        r.name,
        r.grossMinor,
        r.netMinor,
        r.reportedRefundedMinor,
        r.cancelled,
        r.test,
        r.processedAt.toISOString(),
        r.platformCreatedAt.toISOString(),
        r.cancelledAt?.toISOString() ?? null,
      ]),
    ).toEqual([
      ["o1", AWKWARD, HUGE, -HUGE - 1n, null, true, false, BEFORE_2000.toISOString(), NOW.toISOString(), null],
      [
        "o2",
        "",
        2n ** 53n - 1n,
        -(2n ** 53n - 1n),
        0n,
        false,
        true,
        NOW.toISOString(),
        BEFORE_2000.toISOString(),
        NOW.toISOString(),
      ],
      ["o3", null, -1n, 4_294_967_296n, -4_294_967_297n, false, false, NOW.toISOString(), NOW.toISOString(), null],
    ]);
  });

  it("integers and doubles; NaN and Infinity are stored as null; an upsert replaces the same values", async () => {
    const row = (customerId: string, orders: number, pAlive: number, expected30: number, clv: number | null) => [
      "s1",
      customerId,
      NOW,
      orders,
      0,
      -2_147_483_648,
      1,
      5,
      3,
      "at-risk\tsegment",
      "stage\\n",
      0,
      pAlive,
      expected30,
      clv,
    ];
    const options = { table: "CustomerScore", columns: SCORE_COLUMNS, conflict: ["storeId", "customerId"] };
    await bulk.write({ ...options, newRows: true }, [
      row("c1", 2_147_483_647, 0.1 + 0.2, 5e-324, 1.7976931348623157e308),
      row("c2", 0, Number.NaN, Number.POSITIVE_INFINITY, null),
    ]);
    const read = async () =>
      (await database.db.customerScore.findMany({ where: { storeId: "s1" }, orderBy: { customerId: "asc" } })).map(
        (r) => [r.customerId, r.orders, r.monetaryMinor, r.segment, r.stage, r.pAlive, r.expected30, r.clvPercentile],
      );
    expect(await read()).toEqual([
      ["c1", 2_147_483_647, -2_147_483_648n, "at-risk\tsegment", "stage\\n", 0.1 + 0.2, 5e-324, 1.7976931348623157e308],
      ["c2", 0, -2_147_483_648n, "at-risk\tsegment", "stage\\n", null, null, null],
    ]);
    // The upsert path (staging table) takes the same encoding.
    await bulk.write(options, [row("c2", 7, -0.5, 1e-9, 0.25), row("c3", 1, 1, 1, 1)]);
    expect((await read()).slice(1)).toEqual([
      ["c2", 7, -2_147_483_648n, "at-risk\tsegment", "stage\\n", -0.5, 1e-9, 0.25],
      ["c3", 1, -2_147_483_648n, "at-risk\tsegment", "stage\\n", 1, 1, 1],
    ]);
  });
});

describe("bulk write on PostgreSQL, a column type without a binary encoding", () => {
  let database: TestDatabase;
  let bulk: BulkWriter;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    bulk = createBulkWriter(database.db, database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`CREATE TABLE "Scratch" (k text PRIMARY KEY, amount numeric(12, 2), note text)`);
    await client.end();
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("goes as text COPY, escapes included", async () => {
    const columns: Column[] = [
      { name: "k", type: "text" },
      { name: "amount", type: "float" },
      { name: "note", type: "text" },
    ];
    await bulk.write({ table: "Scratch", columns, conflict: ["k"] }, [
      ["a", 12.5, AWKWARD],
      ["b", null, null],
    ]);
    const rows = await database.db.$queryRawUnsafe<{ k: string; amount: string | null; note: string | null }[]>(
      `SELECT k, amount::text AS amount, note FROM "Scratch" ORDER BY k`,
    );
    expect(rows).toEqual([
      { k: "a", amount: "12.50", note: AWKWARD },
      { k: "b", amount: null, note: null },
    ]);
  });
});
