/**
 * The nightly reads the customer list and the orders in the byte order of customer ids on both databases,
 * whatever the database's collation: PostgreSQL's collation (here ICU en-US, which orders "a-7" and "A8" as
 * "a7" and "a8") is not used to sort or slice the read. The customer lookups and the slices' id ranges rely on
 * one order, the one JavaScript's `<` gives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { aggregateCustomers } from "../../../app/jobs/nightly/aggregate.server";
import { AGGREGATE_COLUMNS } from "../../../app/jobs/nightly/order-pass";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { countedOrders, importShop } from "../../support/store-fixture";

const END = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-10-01T02:30:00Z");
const history = generateDemoHistory({ seed: 12, customers: 120, targetOrders: 400, years: 2, end: END });
/** Ids whose byte order differs from a case- and punctuation-blind order. */
const SHAPES = [(k: number) => `a-${k}`, (k: number) => `A${k}`, (k: number) => `Z_${k}`, (k: number) => `b${k}`];

describe.each(DB_KINDS)("order read in byte order on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let storeId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind, { icuLocale: "en-US" });
    bulk = createBulkWriter(database.db, database.url);
    const shop = new SimulatedShop({ domain: `byte-order-${kind}.myshopify.com`, timezone: "UTC", seed: 2 });
    shop.load(history);
    storeId = (await importShop(database.db, shop)).store.id;
    // New ids for every customer (their orders follow: the foreign key cascades).
    const customers = await database.db.customer.findMany({ where: { storeId }, select: { id: true } });
    for (const [k, { id }] of customers.entries())
      await database.db.customer.update({ where: { id }, data: { id: SHAPES[k % SHAPES.length]!(k) } });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  const aggregate = (slices: number) =>
    aggregateCustomers(bulk.reader, {
      dialect: kind,
      storeId,
      timeZone: "UTC",
      reference: NOW,
      utcOffsetMinutes: 0,
      acquisition: { ownHosts: [], sourceIsCreatedVia: false },
      slices,
    });

  it("lists the customers in byte order and gives each of them their own orders, in one slice or three", async () => {
    if (kind === "postgres") {
      // The database itself orders these ids differently (else this test would prove nothing).
      const [row] = await database.db.$queryRawUnsafe<{ ordered: string[] }[]>(
        `SELECT array_agg("id" ORDER BY "id") AS ordered FROM "Customer" WHERE "storeId" = $1`,
        storeId,
      );
      expect(row!.ordered).not.toEqual([...row!.ordered].sort());
    }
    const whole = await aggregate(1);
    expect(whole.size).toBeGreaterThan(100);
    expect(whole.ids).toEqual([...whole.ids].sort());
    const counted = await database.db.order.groupBy({
      by: ["customerId"],
      where: countedOrders(storeId, NOW),
      _count: { _all: true },
    });
    const expected = new Map(counted.map((c) => [c.customerId!, c._count._all]));
    expect(whole.ids.map((id, i) => [id, whole.orders[i]])).toEqual(whole.ids.map((id) => [id, expected.get(id) ?? 0]));
    const sliced = await aggregate(3);
    expect(sliced.ids).toEqual(whole.ids);
    for (const name of AGGREGATE_COLUMNS) expect(sliced[name], name).toEqual(whole[name]);
  });
});
