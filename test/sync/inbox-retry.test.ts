/**
 * Transient failures never lose a webhook: a database error while applying keeps the receipt pending, payload
 * and all, and it is retried with backoff until it applies — however many attempts that takes. The failure is
 * real: a trigger in the database refuses every order insert until it is dropped.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InboxProcessor, retryDelayMs } from "../../app/sync/inbox-processor.server";
import { DB_KINDS } from "../support/databases";
import { ShopifyHarness } from "../support/shopify-harness";

const SHOP = "retry-test.myshopify.com";
const line = { title: "Tent", price: "80.00", quantity: 1, productId: 1, variantId: 2, sku: "T" };

const FAIL_ORDERS = {
  sqlite: {
    on: `CREATE TRIGGER refuse_orders BEFORE INSERT ON "Order" BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`,
    off: `DROP TRIGGER refuse_orders`,
  },
  postgres: {
    on: `CREATE FUNCTION refuse_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not write block (simulated)'; END $$;
         CREATE TRIGGER refuse_orders BEFORE INSERT ON "Order" FOR EACH ROW EXECUTE FUNCTION refuse_orders()`,
    off: `DROP TRIGGER refuse_orders ON "Order"; DROP FUNCTION refuse_orders()`,
  },
};

describe.each(DB_KINDS)("inbox retries on %s", (kind) => {
  let h: ShopifyHarness;
  beforeEach(async () => {
    h = await ShopifyHarness.create(kind);
  });
  afterEach(() => h.close());

  const exec = async (sql: string) => {
    for (const statement of kind === "sqlite" ? [sql] : sql.split(/;\s*\n/)) await h.db.$executeRawUnsafe(statement);
  };

  it("keeps a receipt whose apply fails for a database error, retries it with backoff, and applies it once the database recovers", async () => {
    const { shop, store } = await h.installShop(SHOP);
    let clock = new Date("2026-03-01T12:00:00Z");
    const processor = new InboxProcessor(h.db, { now: () => clock });
    shop.createOrder({ lineItems: [line] });
    await exec(FAIL_ORDERS[kind].on);
    for (const event of h.takeEvents()) expect(await h.deliver(event)).toBe(200);
    for (let attempt = 1; attempt <= 7; attempt++) {
      await processor.drain();
      const receipts = await h.db.webhookReceipt.findMany({
        where: { storeId: store.id, topic: { startsWith: "orders/" } },
      });
      // Never dropped: still pending with the payload and the reason, next attempt scheduled later each time.
      for (const r of receipts) {
        expect(r.status).toBe("pending");
        expect(r.payload).not.toBeNull();
        expect(r.error).toBeTruthy();
        expect(r.nextAttemptAt!.getTime()).toBe(clock.getTime() + retryDelayMs(attempt));
      }
      // Before the backoff has passed, nothing is tried again.
      await processor.drain();
      expect((await h.db.webhookReceipt.findFirstOrThrow({ where: { topic: "orders/create" } })).attempts).toBe(
        attempt,
      );
      clock = new Date(clock.getTime() + retryDelayMs(attempt));
    }
    expect(await h.db.order.count()).toBe(0);

    await exec(FAIL_ORDERS[kind].off);
    await processor.drain();
    expect(await h.db.order.count({ where: { storeId: store.id } })).toBe(1);
    const statuses = await h.db.webhookReceipt.findMany({ select: { status: true, payload: true } });
    expect(statuses.every((r) => r.status === "processed" && r.payload === null)).toBe(true);
    await processor.stop();
  });
});
