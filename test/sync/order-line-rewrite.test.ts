/**
 * Rewriting an updated order's lines must find them by order, not walk the store's lines. On SQLite the statement
 * Prisma sends for the delete is asked for its query plan: `storeId = ? AND orderId IN (…)` made SQLite choose the
 * (storeId, productId) index and visit every line of the store — a few hundred milliseconds of the request thread
 * per webhook batch on a store with a large history.
 */
import Database from "better-sqlite3";
import { PrismaClient, type Prisma } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatedSqliteAdapterFactory } from "../../app/db/sqlite-adapter.server";
import type { StoreOrder } from "../../app/domain/types";
import { writeOrders } from "../../app/sync/order-writer.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const STORE = "s1";

function order(externalId: string, updatedAt: Date, lines: number): StoreOrder {
  return {
    externalId,
    name: `#${externalId}`,
    email: null,
    customer: null,
    currency: "EUR",
    grossMinor: 1000 * lines,
    financialStatus: "paid",
    paid: true,
    voided: false,
    fulfillmentStatus: null,
    cancelledAt: null,
    test: false,
    sourceName: "web",
    landingSite: null,
    referringSite: null,
    processedAt: updatedAt,
    createdAt: updatedAt,
    updatedAt,
    lines: Array.from({ length: lines }, (_, k) => ({
      externalId: `${externalId}-${k}`,
      productId: `p${k}`,
      variantId: null,
      sku: null,
      title: `Product ${k}`,
      quantity: 1,
      unitPriceMinor: 1000,
    })),
    refunds: [],
    reportedRefundedMinor: null,
  };
}

describe("rewriting an order's lines on SQLite", () => {
  let database: TestDatabase;
  let logged: PrismaClient;
  const statements: { sql: string; params: unknown[] }[] = [];

  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: STORE, platform: "shopify", domain: "lines.myshopify.com", currency: "EUR" },
    });
    logged = new PrismaClient({
      adapter: new GatedSqliteAdapterFactory(database.url),
      log: [{ emit: "event", level: "query" }],
    });
    // The query event is typed only on a client whose type names its log options; this one is used as a plain Db.
    (logged as unknown as { $on(event: "query", listener: (e: Prisma.QueryEvent) => void): void }).$on("query", (e) =>
      statements.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] }),
    );
  });
  afterEach(async () => {
    statements.length = 0;
    await logged.$disconnect();
    await database.drop();
  });

  it("deletes the old lines through the order index and replaces them", async () => {
    const first = new Date("2026-03-01T10:00:00Z");
    const later = new Date("2026-03-02T10:00:00Z");
    await writeOrders(database.db, STORE, [order("1", first, 3), order("2", first, 2), order("3", first, 1)]);

    statements.length = 0;
    await writeOrders(logged, STORE, [order("1", later, 1), order("2", later, 4)]);

    const deletes = statements.filter((s) => /^DELETE FROM .*OrderLine/.test(s.sql));
    expect(deletes).toHaveLength(1);
    const file = new Database(database.url.replace(/^file:/, ""), { readonly: true });
    try {
      const plan = file.prepare(`EXPLAIN QUERY PLAN ${deletes[0]!.sql}`).all(...(deletes[0]!.params as never[])) as {
        detail: string;
      }[];
      const details = plan.map((p) => p.detail).join("\n");
      expect(details).toMatch(/USING (COVERING )?INDEX OrderLine_orderId_externalId_key/);
      expect(details).not.toMatch(/storeId_productId/);
    } finally {
      file.close();
    }

    const lines = await database.db.orderLine.findMany({
      where: { storeId: STORE },
      include: { order: { select: { externalId: true } } },
    });
    const count = (externalId: string) => lines.filter((l) => l.order.externalId === externalId).length;
    expect([count("1"), count("2"), count("3")]).toEqual([1, 4, 1]);
  });
});
