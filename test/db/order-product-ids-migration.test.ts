/**
 * The migration that gives each order its lines' product ids, run on a database holding orders and lines as the
 * release before it left them: an order with product lines gets their ids (lines without a product left out, a
 * product on two lines twice), an order without any gets none, and nothing else of the orders or lines changes.
 * Then the order writer keeps the two together: a re-sent order with other lines gets their ids, a deleted one none.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStoreEvent } from "../../app/sync/apply-event.server";
import { writeOrders } from "../../app/sync/order-writer.server";
import type { StoreOrder } from "../../app/domain/types";
import { applyMigration, createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const MIGRATION = "20261205200000_order_product_ids";
const AT = "2026-11-20T03:00:00.000Z";

/** Runs statements with `?` parameters on the test database, bypassing Prisma (whose client knows the new column). */
async function run(database: TestDatabase, statements: [string, unknown[]][]): Promise<void> {
  if (database.kind === "sqlite") {
    const db = new Database(database.url.replace(/^file:/, ""));
    for (const [sql, params] of statements) db.prepare(sql).run(...params);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  for (const [sql, params] of statements) {
    let n = 0;
    await client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
  }
  await client.end();
}

const order = (id: string, storeId: string): [string, unknown[]] => [
  `INSERT INTO "Order" ("id","storeId","externalId","currency","grossMinor","netMinor","processedAt","platformCreatedAt","platformUpdatedAt","updatedAt")
   VALUES (?,?,?,'EUR',1000,1000,?,?,?,?)`,
  [id, storeId, id, AT, AT, AT, AT],
];
const line = (id: string, storeId: string, orderId: string, productId: string | null): [string, unknown[]] => [
  `INSERT INTO "OrderLine" ("id","storeId","orderId","externalId","productId","title","quantity","priceMinor") VALUES (?,?,?,?,?,?,1,500)`,
  [id, storeId, orderId, id, productId, `Line ${id}`],
];

describe.each(DB_KINDS)("orders' product ids on %s", (kind) => {
  let database: TestDatabase;
  let linesBefore: unknown;

  const lines = () =>
    database.db.orderLine
      .findMany({ orderBy: { id: "asc" } })
      .then((rows) => JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));

  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrationsBefore: MIGRATION });
    await run(database, [
      [
        `INSERT INTO "Store" ("id","platform","domain","currency","timezone","updatedAt") VALUES ('s1','shopify','s1-ids.myshopify.com','EUR','UTC',?)`,
        [AT],
      ],
      [
        `INSERT INTO "Store" ("id","platform","domain","currency","timezone","updatedAt") VALUES ('s2','shopify','s2-ids.myshopify.com','EUR','UTC',?)`,
        [AT],
      ],
      order("o1", "s1"),
      line("l1", "s1", "o1", "p-1"),
      line("l2", "s1", "o1", null), // a shipping or custom line: no product
      line("l3", "s1", "o1", "p-2"),
      line("l4", "s1", "o1", "p-1"), // the same product on a second line
      order("o2", "s1"), // no lines
      order("o3", "s1"),
      line("l5", "s1", "o3", null), // only a line without a product
      order("o4", "s2"),
      line("l6", "s2", "o4", "p-9"),
    ]);
    linesBefore = await lines();
    await applyMigration(database, MIGRATION);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("fills each stored order's product ids from its lines and changes nothing else", async () => {
    const ids = Object.fromEntries(
      (await database.db.order.findMany({ select: { id: true, productIds: true } })).map((o) => [o.id, o.productIds]),
    );
    expect(ids).toEqual({ o1: expect.any(String), o2: null, o3: null, o4: '["p-9"]' });
    // In the lines' order (by id); JSON, as the order writer writes it.
    expect(JSON.parse(ids.o1!)).toEqual(["p-1", "p-2", "p-1"]);
    expect(await lines()).toBe(linesBefore);
  });

  it("is kept with the lines by the order writer: re-sent with other lines, and deleted", async () => {
    const sent: StoreOrder = {
      externalId: "o1",
      name: "#1",
      customer: null,
      email: null,
      currency: "EUR",
      grossMinor: 1000,
      reportedRefundedMinor: null,
      financialStatus: "paid",
      paid: true,
      voided: false,
      fulfillmentStatus: null,
      cancelledAt: null,
      test: false,
      sourceName: "web",
      landingSite: null,
      referringSite: null,
      processedAt: new Date(AT),
      createdAt: new Date(AT),
      updatedAt: new Date("2026-11-21T00:00:00Z"),
      lines: [
        {
          externalId: "x1",
          productId: "p-3",
          variantId: null,
          sku: null,
          title: "Three",
          quantity: 1,
          unitPriceMinor: 500,
        },
        {
          externalId: "x2",
          productId: null,
          variantId: null,
          sku: null,
          title: "Tip",
          quantity: 1,
          unitPriceMinor: 500,
        },
      ],
      refunds: [],
    };
    await writeOrders(database.db, "s1", [sent]);
    const stored = await database.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: "s1", externalId: "o1" } },
    });
    expect(stored.productIds).toBe('["p-3"]');
    const ctx = { db: database.db, storeId: "s1", shopDomain: "s1-ids.myshopify.com" };
    await applyStoreEvent(ctx, { kind: "order.delete", orderExternalId: "o1", at: new Date() });
    const deleted = await database.db.order.findUniqueOrThrow({ where: { id: stored.id } });
    expect([deleted.deletedAt !== null, deleted.productIds]).toEqual([true, null]);
  });
});
