/**
 * The nightly's order read in slices of the customer list, each but the first on a thread of its own, gives
 * exactly what one pass over the whole list gives: the same aggregates, acquisitions, backtest sample, baskets and
 * products (the lines of one order come in no guaranteed order on PostgreSQL, so each basket's products are
 * compared as a set). A deleted customer's orders are left out whichever slice they fall in. A slice whose thread
 * cannot read is read in place. The slices' threads start while the list is read: should the list fail, they are
 * stopped, and the process can end.
 */
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { BulkReader } from "../../../app/db/bulk-reader.server";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { aggregateCustomers } from "../../../app/jobs/nightly/aggregate.server";
import { AGGREGATE_COLUMNS } from "../../../app/jobs/nightly/order-pass";
import { logger } from "../../../app/logger.server";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { runScriptToItsEnd } from "../../support/script-to-its-end";
import { countedOrders, importShop } from "../../support/store-fixture";

const LIST_FAILS = fileURLToPath(new URL("../../support/order-read-list-fails.ts", import.meta.url));
const END = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-10-01T02:30:00Z");
const history = generateDemoHistory({ seed: 33, customers: 400, targetOrders: 1300, years: 2, end: END });

type Aggregate = Awaited<ReturnType<typeof aggregateCustomers>>;

/** Each basket as customer, day, amount and its products (by id, sorted), in the read's order. */
function basketsOf(table: Aggregate): string[] {
  const { baskets } = table;
  const products = Array.from({ length: baskets.customer.length }, () => [] as string[]);
  for (let k = 0; k < baskets.lineBasket.length; k++)
    products[baskets.lineBasket[k]!]!.push(baskets.productIds[baskets.lineProduct[k]!]!);
  return products.map(
    (p, b) => `${table.ids[baskets.customer[b]!]} ${baskets.day[b]} ${baskets.amount[b]} ${p.sort().join(",")}`,
  );
}

describe.each(DB_KINDS)("order read in slices on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let storeId: string;
  let deleted: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    const shop = new SimulatedShop({ domain: `slices-${kind}.myshopify.com`, timezone: "Europe/Berlin", seed: 4 });
    shop.load(history);
    storeId = (await importShop(database.db, shop)).store.id;
    // A buyer deleted since: its orders stay, but are no one's to count.
    const buyer = await database.db.order.findFirstOrThrow({
      where: { storeId, customerId: { not: null } },
      orderBy: { processedAt: "desc" },
    });
    deleted = buyer.customerId!;
    await database.db.customer.update({ where: { id: deleted }, data: { deletedAt: NOW } });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });
  afterEach(() => vi.restoreAllMocks());

  const aggregate = (slices: number, reader: BulkReader = bulk.reader) =>
    aggregateCustomers(reader, {
      dialect: kind,
      storeId,
      timeZone: "Europe/Berlin",
      reference: NOW,
      utcOffsetMinutes: 60,
      sampleSize: 50,
      acquisition: { ownHosts: [`slices-${kind}.myshopify.com`], sourceIsCreatedVia: false },
      slices,
    });

  it("gives what one pass gives, with two and three slices on threads of their own", async () => {
    const warn = vi.spyOn(logger, "warn");
    const whole = await aggregate(1);
    expect(whole.size).toBeGreaterThan(350);
    expect(whole.ids).not.toContain(deleted);
    expect(whole.baskets.lineBasket.length).toBeGreaterThan(whole.baskets.customer.length);
    for (const slices of [2, 3]) {
      const sliced = await aggregate(slices);
      expect(sliced.ids).toEqual(whole.ids);
      for (const name of AGGREGATE_COLUMNS) expect(sliced[name], `${name}, ${slices} slices`).toEqual(whole[name]);
      expect(sliced.acquisitions).toEqual(whole.acquisitions);
      expect(sliced.sample).toEqual(whole.sample);
      expect(sliced.baskets.productIds).toEqual(whole.baskets.productIds);
      expect(sliced.baskets.titles).toEqual(whole.baskets.titles);
      expect(basketsOf(sliced)).toEqual(basketsOf(whole));
    }
    expect(warn).not.toHaveBeenCalled(); // every slice was read on its thread
  });

  it("reads a slice in place when its thread cannot open the database", async () => {
    const whole = await aggregate(1);
    const warn = vi.spyOn(logger, "warn");
    // The same reader, but a database its threads cannot open.
    const unreachable =
      kind === "sqlite"
        ? "file:/nonexistent-dir/ciclo.sqlite"
        : database.url.replace(/\/([^/?]+)(\?|$)/, "/ciclo_missing_$1$2");
    const reader = Object.create(bulk.reader, { databaseUrl: { value: unreachable } }) as BulkReader;
    const sliced = await aggregate(2, reader);
    expect(warn).toHaveBeenCalledWith("order read thread failed; reading its slice in place", expect.anything());
    for (const name of AGGREGATE_COLUMNS) expect(sliced[name], name).toEqual(whole[name]);
    expect(basketsOf(sliced)).toEqual(basketsOf(whole));
  });

  it("counts every order of the store's live customers once, whatever the slices", async () => {
    const counted = await database.db.order.count({
      where: { ...countedOrders(storeId, NOW), customer: { deletedAt: null } },
    });
    const sliced = await aggregate(3);
    expect(sliced.baskets.customer.length).toBe(counted);
    expect(sliced.orders.reduce((sum, n) => sum + n, 0)).toBe(counted);
  });

  it("stops the slices' threads when the customer list fails, so the process can end", () => {
    expect(runScriptToItsEnd(LIST_FAILS, [database.url, kind, storeId])).toContain(
      "failed: the customer list could not be read",
    );
  }, 30_000);
});
