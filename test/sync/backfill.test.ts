/**
 * The historical backfill against the Shopify simulator over HTTP, on real SQLite and PostgreSQL:
 * bulk query -> poll or bulk_operations/finish -> streamed JSONL -> idempotent upserts, with faults.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { BackfillService, backfillProgress } from "../../app/sync/backfill.server";
import { writeOrders } from "../../app/sync/order-writer.server";
import { PAID_STATUSES } from "../../app/domain/orders";
import { mapRestOrder } from "../../app/platforms/shopify/map-webhook";
import { generateDemoHistory, start, type ShopifySimulator } from "../simulators/shopify";
import { orderTotals } from "../simulators/shopify/order-math";
import type { SimulatedShop } from "../simulators/shopify/store";
import { restOrder } from "../simulators/shopify/payloads";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { simulatorAdmin } from "../support/simulator-admin";

const DOMAIN = "backfill-test.myshopify.com";
const history = generateDemoHistory({
  seed: 7,
  customers: 400,
  targetOrders: 1200,
  years: 2,
  end: new Date("2026-10-01T00:00:00Z"),
});

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(DB_KINDS)("backfill on %s", (kind) => {
  let sim: ShopifySimulator;
  let admin: ReturnType<typeof simulatorAdmin>;
  let database: TestDatabase;
  let db: Db;
  let shop: SimulatedShop;
  let storeId: string;
  const services: BackfillService[] = [];

  const service = (options: Partial<ConstructorParameters<typeof BackfillService>[1]> = {}) => {
    const s = new BackfillService(db, { adminFor: admin.adminFor, pollIntervalMs: 30, batchSize: 100, ...options });
    services.push(s);
    return s;
  };
  const run = (id: string) => db.backfillRun.findUniqueOrThrow({ where: { id } });
  const settled = (id: string) =>
    waitFor(`run ${id} to settle`, async () => {
      const r = await run(id);
      return ["completed", "failed", "cancelled"].includes(r.state) && r;
    });

  beforeAll(async () => {
    sim = await start({ port: 0 });
    admin = simulatorAdmin(sim);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    shop = sim.createShop({ domain: `${kind}-${Math.random().toString(36).slice(2)}-${DOMAIN}`, seed: 3 });
    shop.load(history);
    await admin.install(shop);
    storeId = (
      await db.store.create({ data: { platform: "shopify", domain: shop.domain, currency: shop.info.currency } })
    ).id;
  });
  afterEach(async () => {
    for (const s of services.splice(0)) {
      s.stop();
      await s.idle();
    }
    await database.drop();
  });

  it("imports the whole history exactly: every order, line, refund and customer", async () => {
    const started = await service().start(storeId, "install");
    const done = await settled(started.id);
    expect(done.state).toBe("completed");
    expect(done.malformedLines).toBe(0);
    expect(done.ordersDone).toBe(shop.orders.size);
    expect(backfillProgress(done).percent).toBe(100);

    const rows = await db.order.findMany({
      where: { storeId },
      select: {
        externalId: true,
        grossMinor: true,
        netMinor: true,
        customerExternalId: true,
        test: true,
        cancelled: true,
        countsForValue: true,
      },
    });
    expect(rows).toHaveLength(shop.orders.size);
    const byId = new Map(rows.map((r) => [r.externalId, r]));
    let guests = 0;
    for (const o of shop.orders.values()) {
      const row = byId.get(String(o.id))!;
      const totals = orderTotals(o);
      expect(row.grossMinor).toBe(BigInt(totals.totalCents));
      expect(row.netMinor).toBe(BigInt(totals.totalCents - totals.refundedCents));
      expect(row.customerExternalId).toBe(o.customerId === null ? null : String(o.customerId));
      expect(row.countsForValue).toBe(!o.test && !o.cancelledAt && PAID_STATUSES.has(o.financialStatus));
      if (o.customerId === null) guests++;
    }
    expect(guests).toBeGreaterThan(0);
    const lines = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
    expect(await db.orderLine.count({ where: { storeId } })).toBe(lines);
    const buyers = new Set([...shop.orders.values()].map((o) => o.customerId).filter((c) => c !== null));
    expect(await db.customer.count({ where: { storeId } })).toBe(buyers.size);
  });

  it("counts malformed lines, reports them and imports the rest", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "malformed-lines", every: 97 });
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("completed");
    expect(done.malformedLines).toBeGreaterThan(0);
    expect(JSON.parse(done.malformedSample!)).toEqual(expect.arrayContaining([97]));
    // Malformed order lines lose their order; malformed line-item lines only that line.
    const stored = await db.order.count({ where: { storeId } });
    expect(stored).toBeLessThan(shop.orders.size);
    expect(stored).toBeGreaterThan(shop.orders.size * 0.9);
  });

  it("resumes after a crash mid-import without duplicates or gaps", async () => {
    const first = service({ batchSize: 50 });
    const started = await first.start(storeId);
    await waitFor("some orders imported", async () => (await run(started.id)).ordersDone >= 200);
    first.stop(); // the process "dies": nothing more is written after the batch in flight
    await first.idle();
    const halfway = await run(started.id);
    expect(halfway.state).toBe("importing");
    expect(halfway.ordersDone).toBeLessThan(shop.orders.size);

    const second = service({ batchSize: 50 });
    expect(await second.resumeAll()).toBe(1);
    const done = await settled(started.id);
    expect(done.state).toBe("completed");
    expect(done.ordersDone).toBe(shop.orders.size);
    expect(await db.order.count({ where: { storeId } })).toBe(shop.orders.size);
    const lines = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
    expect(await db.orderLine.count({ where: { storeId } })).toBe(lines);
  });

  it("advances at once on bulk_operations/finish instead of waiting for the poll", async () => {
    const slow = service({ pollIntervalMs: 60_000 });
    const started = await slow.start(storeId);
    const running = await waitFor("bulk operation submitted", async () => {
      const r = await run(started.id);
      return r.bulkOperationId ? r : null;
    });
    await sim.bulk.waitFor(shop.domain, Number(running.bulkOperationId!.split("/").pop()));
    slow.onOperationFinished(storeId, running.bulkOperationId!);
    const done = await settled(started.id);
    expect(done.state).toBe("completed");
  });

  it("records a failed bulk operation with Shopify's error code", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "fail", errorCode: "INTERNAL_SERVER_ERROR" });
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("failed");
    expect(done.error).toMatch(/failed.*INTERNAL_SERVER_ERROR/i);
  });

  it("starts over when the result URL has expired", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "expired-url", status: 403 });
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("completed");
    expect(done.ordersDone).toBe(shop.orders.size);
  });

  it("never overwrites a newer webhook update with older backfill data", async () => {
    const order = [...shop.orders.values()].find((o) => o.customerId !== null && !o.cancelledAt)!;
    // A live update (newer than the bulk snapshot will say) already applied through the webhook path.
    const payload = restOrder(order, shop.info, shop.customers.get(order.customerId!)!);
    const newer = {
      ...payload,
      updated_at: new Date(Date.now() + 86_400_000).toISOString(),
      total_price: "1.00",
      total_price_set: {
        shop_money: { amount: "1.00", currency_code: shop.info.currency },
        presentment_money: { amount: "1.00", currency_code: shop.info.currency },
      },
    };
    const mapped = mapRestOrder(newer);
    if ("reason" in mapped) throw new Error(mapped.reason);
    await writeOrders(db, storeId, [mapped]);
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("completed");
    const row = await db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId, externalId: String(order.id) } },
    });
    expect(row.grossMinor).toBe(100n);
  });

  it("keeps one active run per store", async () => {
    const s = service();
    const a = await s.start(storeId);
    const b = await s.start(storeId);
    expect(b.id).toBe(a.id);
    await settled(a.id);
  });
});
