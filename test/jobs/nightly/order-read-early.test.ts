/**
 * On PostgreSQL the order read starts before the customer list is read (the server sorts the orders meanwhile), on
 * a connection of its own. Should the list fail, the early read is stopped and its connection closed: a failed
 * nightly leaves no COPY running on the server.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulkReader } from "../../../app/db/bulk-reader.server";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { aggregateCustomers } from "../../../app/jobs/nightly/aggregate.server";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { countedOrders, importShop } from "../../support/store-fixture";

const NOW = new Date("2026-10-01T02:30:00Z");
const history = generateDemoHistory({ seed: 5, customers: 150, targetOrders: 500, years: 2, end: NOW });

describe("order read started before the customer list, on postgres", () => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let storeId: string;
  let watcher: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    bulk = createBulkWriter(database.db, database.url);
    const shop = new SimulatedShop({ domain: "early-read.myshopify.com", timezone: "UTC", seed: 3 });
    shop.load(history);
    storeId = (await importShop(database.db, shop)).store.id;
    watcher = new pg.Client({ connectionString: database.url });
    await watcher.connect();
  });
  afterAll(async () => {
    await watcher.end();
    bulk.close();
    await database.drop();
  });

  /** Other sessions on this database than the watcher's own. */
  const sessions = async () =>
    Number(
      (
        await watcher.query(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
      ).rows[0].n,
    );
  const aggregate = (reader: BulkReader) =>
    aggregateCustomers(reader, {
      dialect: "postgres",
      storeId,
      timeZone: "UTC",
      reference: NOW,
      utcOffsetMinutes: 0,
    });

  it("reads every order once, and closes its connection when done", async () => {
    await aggregate(bulk.reader); // the shared reader's connection exists from here on (it is reused)
    const before = await sessions();
    const table = await aggregate(bulk.reader);
    const counted = await database.db.order.count({ where: countedOrders(storeId, NOW) });
    expect(table.baskets.customer.length).toBe(counted);
    // The early read's own connection is gone.
    await expect.poll(sessions, { timeout: 10_000 }).toBe(before);
  });

  it("stops the early read and closes its connection when the customer list fails", async () => {
    await aggregate(bulk.reader); // the shared reader's connection exists from here on
    const before = await sessions();
    const failing = Object.create(bulk.reader, {
      rows: {
        value: () => {
          throw new Error("customer list unreadable");
        },
      },
    }) as BulkReader;
    await expect(aggregate(failing)).rejects.toThrow("customer list unreadable");
    await expect.poll(sessions, { timeout: 10_000 }).toBe(before);
    const copies = await watcher.query(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%'",
    );
    expect(Number(copies.rows[0].n)).toBe(0);
  });

  it("fails the read, without hanging, when the early read's connection cannot be opened", async () => {
    const missing = database.url.replace(/\/([^/?]+)(\?|$)/, "/ciclo_missing_$1$2");
    const unreachable = Object.create(bulk.reader, { databaseUrl: { value: missing } }) as BulkReader;
    await expect(aggregate(unreachable)).rejects.toThrow(/does not exist/);
  });
});
