/**
 * The historical backfill against the Shopify simulator over HTTP, on real SQLite and PostgreSQL:
 * bulk query -> poll or bulk_operations/finish -> streamed JSONL -> idempotent upserts, with faults.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../app/db.server";
import { BackfillService, backfillProgress, MAX_ATTEMPTS } from "../../../app/platforms/shopify/backfill.server";
import { writeOrders } from "../../../app/sync/order-writer.server";
import { SHOPIFY_PAID_STATUSES } from "../../../app/platforms/shopify/payment-status";
import { mapRestCustomer, mapRestOrder } from "../../../app/platforms/shopify/map-webhook";
import { applyStoreEvent } from "../../../app/sync/apply-event.server";
import { createBulkWriter } from "../../../app/db/bulk-writer.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { storeView } from "../../../app/read-models/store-view";
import { loadShopifyGroupsPage } from "../../../app/read-models/intelligence/intelligence.server";
import { generateDemoHistory, start, type ShopifySimulator } from "../../../simulators/shopify";
import { orderTotals } from "../../../simulators/shopify/order-math";
import type { SimulatedShop } from "../../../simulators/shopify/store";
import { restCustomer, restOrder } from "../../../simulators/shopify/payloads";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { simulatorAdmin } from "../../support/simulator-admin";

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
      // Net = Shopify's current total: the total less refunds (and nothing at all for a voided order).
      expect(row.netMinor).toBe(BigInt(totals.currentTotalCents));
      expect(row.customerExternalId).toBe(o.customerId === null ? null : String(o.customerId));
      expect(row.countsForValue).toBe(!o.test && !o.cancelledAt && SHOPIFY_PAID_STATUSES.has(o.financialStatus));
      if (o.customerId === null) guests++;
    }
    expect(guests).toBeGreaterThan(0);
    const lines = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
    expect(await db.orderLine.count({ where: { storeId } })).toBe(lines);
    const buyers = new Set([...shop.orders.values()].map((o) => o.customerId).filter((c) => c !== null));
    // Every buyer, and the subscribed customers without orders (read after the orders for the Journey's Lead).
    const subscribedNonBuyers = [...shop.customers.values()].filter(
      (c) => !buyers.has(c.id) && c.email && c.acceptsEmailMarketing,
    ).length;
    expect(await db.customer.count({ where: { storeId } })).toBe(buyers.size + subscribedNonBuyers);
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

  it("records a bulk operation that keeps failing, with Shopify's error code, after MAX_ATTEMPTS tries", async () => {
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      sim.bulk.injectFault(shop.domain, { kind: "fail", errorCode: "INTERNAL_SERVER_ERROR" });
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("failed");
    expect(done.attempts).toBe(MAX_ATTEMPTS);
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
    const oneEuro = {
      shop_money: { amount: "1.00", currency_code: shop.info.currency },
      presentment_money: { amount: "1.00", currency_code: shop.info.currency },
    };
    const newer = {
      ...payload,
      updated_at: new Date(Date.now() + 86_400_000).toISOString(),
      total_price: "1.00",
      total_price_set: oneEuro,
      current_total_price_set: oneEuro,
      refunds: [],
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

  it("keeps every refund, keyed on its id, even those Shopify gives no createdAt, with Shopify's shop amounts", async () => {
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("completed");
    const all = [...shop.orders.values()].flatMap((o) => o.refunds.map((r) => ({ o, r })));
    expect(all.some(({ r }) => r.createdAtUnknown)).toBe(true);
    expect(all.some(({ o }) => o.presentment)).toBe(true);
    const rows = new Map((await db.refund.findMany({ where: { storeId } })).map((r) => [r.externalId, r]));
    expect(rows.size).toBe(all.length);
    for (const { r } of all) {
      const row = rows.get(String(r.id))!;
      expect(row.amountMinor).toBe(BigInt(r.transactions.reduce((n, t) => n + t.amountCents, 0)));
      expect(row.amountRank).toBe(2);
      expect(row.refundedAt.getTime()).toBe(Math.floor(r.createdAt.getTime() / 1000) * 1000); // DateTime: seconds
    }
  });

  it("LIMIT_REACHED is not a failure: the run asks again later and completes", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "limit-reached" });
    sim.bulk.injectFault(shop.domain, { kind: "limit-reached" });
    const done = await settled((await service().start(storeId)).id);
    expect(done).toMatchObject({ state: "completed", attempts: 1, ordersDone: shop.orders.size });
  });

  it("CANCELING is waited out and a CANCELED operation is submitted again", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "canceled", afterRootObjects: 100, cancelingMs: 300 });
    const s = service();
    const started = await s.start(storeId);
    const canceling = await waitFor("CANCELING", async () =>
      sim.bulk.list(shop.domain).find((o) => o.status === "CANCELING"),
    );
    await new Promise((r) => setTimeout(r, 100)); // polled at least once while CANCELING
    expect((await run(started.id)).state).toBe("running");
    const done = await settled(started.id);
    expect(done).toMatchObject({ state: "completed", attempts: 2, ordersDone: shop.orders.size });
    expect(sim.bulk.get(shop.domain, canceling.id)!.status).toBe("CANCELED");
    expect(await db.order.count({ where: { storeId } })).toBe(shop.orders.size);
  });

  it("a FAILED operation's partialDataUrl is imported, then the rest is read by a new operation", async () => {
    sim.bulk.injectFault(shop.domain, {
      kind: "fail",
      errorCode: "TIMEOUT",
      afterRootObjects: 300,
      partialData: true,
    });
    const done = await settled((await service().start(storeId)).id);
    expect(done).toMatchObject({ state: "completed", attempts: 2 });
    expect(await db.order.count({ where: { storeId } })).toBe(shop.orders.size);
  });

  it("when every try fails, the partial data stays imported and the run says so", async () => {
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      sim.bulk.injectFault(shop.domain, {
        kind: "fail",
        errorCode: "TIMEOUT",
        afterRootObjects: 300,
        partialData: true,
      });
    const done = await settled((await service().start(storeId)).id);
    expect(done.state).toBe("failed");
    expect(done.error).toMatch(/partial data.*TIMEOUT.*imported/);
    const stored = await db.order.count({ where: { storeId } });
    expect(stored).toBeGreaterThanOrEqual(300);
    expect(stored).toBeLessThan(shop.orders.size);
  });

  it.each([
    ["level1", "no-pii"],
    ["none", "no-customer"],
  ] as const)(
    "protected customer data %s: ACCESS_DENIED, then the history without what is denied (%s)",
    async (level, access) => {
      shop.auth.protectedCustomerData = level;
      const done = await settled((await service().start(storeId)).id);
      expect(done).toMatchObject({ state: "completed", dataAccess: access, ordersDone: shop.orders.size });
      expect(sim.bulk.list(shop.domain).map((o) => o.errorCode)).toContain("ACCESS_DENIED");
      expect((await db.storeSyncState.findUniqueOrThrow({ where: { storeId } })).dataAccess).toBe(access);
      const customers = await db.customer.findMany({ where: { storeId } });
      if (access === "no-pii") {
        expect(customers.length).toBeGreaterThan(0);
        for (const c of customers) expect([c.email, c.firstName, c.lastName]).toEqual([null, null, null]);
      } else expect(customers).toEqual([]);
      expect(await db.order.count({ where: { storeId, email: { not: null } } })).toBe(0);
    },
  );

  it("without read_all_orders Shopify shows 60 days of orders, and that is all the backfill gets", async () => {
    // A shop whose "now" is the end of the history, so the last 60 days hold orders.
    const limited = sim.createShop({
      domain: `${kind}-limited-${Math.random().toString(36).slice(2)}-${DOMAIN}`,
      now: new Date("2026-10-01T00:00:00Z"),
      grantedScopes: ["read_customers", "write_customers", "read_orders", "read_products"],
    });
    limited.load(history);
    // Loading moves the clock to the newest change it sees, and the history's customer objects are shared with the
    // other tests' shops (which may have updated one today): put "now" back at the end of the history.
    limited.clock.set(new Date("2026-10-01T00:00:00Z"));
    await admin.install(limited);
    const limitedId = (await db.store.create({ data: { platform: "shopify", domain: limited.domain } })).id;
    const recent = [...limited.orders.values()].filter(
      (o) => o.createdAt.getTime() >= limited.clock.now().getTime() - 60 * 86_400_000,
    );
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(limited.orders.size);
    const done = await settled((await service().start(limitedId)).id);
    expect(done).toMatchObject({ state: "completed", ordersDone: recent.length });
  });

  it("reads Shopify's own groups and e-mail consent, and the agreement matrix fills from them", async () => {
    const now = new Date("2026-10-01T00:00:00Z");
    expect(shop.computeStatistics(now)).toBe(shop.customers.size);
    // Shopify has not scored this buyer yet: statistics is there, its fields null.
    const unscored = [...shop.customers.values()].find((c) => shop.ordersOf(c.id).length > 0)!;
    shop.setStatistics(unscored.id, { rfmGroup: null, predictedSpendTier: null });
    const done = await settled((await service().start(storeId, "install")).id);
    expect(done.state).toBe("completed");

    const rows = await db.customer.findMany({
      where: { storeId },
      select: { externalId: true, acceptsMarketing: true, shopifyRfmGroup: true, shopifyPredictedSpendTier: true },
    });
    expect(rows.length).toBeGreaterThan(100);
    const groups = new Set<string>();
    for (const row of rows) {
      const c = shop.customers.get(Number(row.externalId))!;
      expect(row).toEqual({
        externalId: row.externalId,
        acceptsMarketing: c.email ? c.acceptsEmailMarketing : false,
        shopifyRfmGroup: shop.statistics.get(c.id)!.rfmGroup,
        shopifyPredictedSpendTier: shop.statistics.get(c.id)!.predictedSpendTier,
      });
      if (row.shopifyRfmGroup) groups.add(row.shopifyRfmGroup);
    }
    expect(groups.size).toBeGreaterThan(4);
    expect(rows.some((r) => r.acceptsMarketing) && rows.some((r) => r.acceptsMarketing === false)).toBe(true);

    // The nightly compares its segments with what was synced, never with what was not.
    const bulk = createBulkWriter(db, database.url);
    try {
      await recomputeStore({ db, bulk, dialect: kind, now: () => now }, storeId, "manual");
    } finally {
      bulk.close();
    }
    const store = storeView(await db.store.findUniqueOrThrow({ where: { id: storeId } }));
    const page = await loadShopifyGroupsPage(db, store);
    const withGroup = rows.filter((r) => r.shopifyRfmGroup).length;
    expect(page.insight).toMatchObject({ available: true, withGroup, customers: rows.length });
    expect(page.insight!.rfm!.compared).toBe(withGroup);
    expect(page.insight!.rfm!.counts.reduce((a, b) => a + b, 0)).toBe(withGroup);
    // A stand-in with fixed cut-offs and Ciclo's store-relative quintiles agree often, not always.
    expect(page.insight!.rfm!.rate!).toBeGreaterThan(0.05);
    expect(page.insight!.rfm!.rate!).toBeLessThan(1);
  });

  it("reads subscribed customers without orders after a full import, so pre-install sign-ups are Leads", async () => {
    const signUp = (email: string | null, acceptsEmailMarketing: boolean) =>
      shop.createCustomer({ email, acceptsEmailMarketing, firstName: "Sign", lastName: "Up" });
    const leads = [signUp("lead1@example.com", true), signUp("lead2@example.com", true)];
    const declined = signUp("declined@example.com", false);
    const noEmail = signUp(null, true);
    const done = await settled((await service().start(storeId, "install")).id);
    expect(done.state).toBe("completed");
    const stored = async (id: number) =>
      db.customer.findFirst({ where: { storeId, externalId: String(id) }, select: { acceptsMarketing: true } });
    for (const lead of leads) expect(await stored(lead.id)).toEqual({ acceptsMarketing: true });
    // Neither could be a Lead, so neither is read (they arrive with an order or a change, like any customer).
    expect(await stored(declined.id)).toBeNull();
    expect(await stored(noEmail.id)).toBeNull();

    const now = new Date("2026-10-01T00:00:00Z");
    const bulk = createBulkWriter(db, database.url);
    try {
      await recomputeStore({ db, bulk, dialect: kind, now: () => now }, storeId, "manual");
    } finally {
      bulk.close();
    }
    const ids = await db.customer.findMany({
      where: { storeId, externalId: { in: leads.map((l) => String(l.id)) } },
      select: { id: true },
    });
    const insight = await db.customerInsight.findMany({
      where: { storeId, customerId: { in: ids.map((c) => c.id) } },
      select: { journeyStage: true },
    });
    expect(insight.map((i) => i.journeyStage)).toEqual(["Lead", "Lead"]);
  });

  it("reads more than a page of subscribed sign-ups, and a second import changes none of them", async () => {
    // The customer query reads 100 a page: 130 sign-ups take two pages.
    const signUps = Array.from({ length: 130 }, (_, i) =>
      shop.createCustomer({ email: `page${i}@example.com`, acceptsEmailMarketing: true, lastName: `P${i}` }),
    );
    expect((await settled((await service().start(storeId, "install")).id)).state).toBe("completed");
    const rows = async () =>
      db.customer.findMany({
        where: { storeId, externalId: { in: signUps.map((c) => String(c.id)) } },
        select: { id: true, externalId: true, lastName: true, acceptsMarketing: true, updatedAt: true },
        orderBy: { externalId: "asc" },
      });
    const first = await rows();
    expect(first).toHaveLength(130);
    expect(first.every((r) => r.acceptsMarketing === true)).toBe(true);
    expect(new Set(first.map((r) => r.lastName)).size).toBe(130);

    expect((await settled((await service().start(storeId, "manual")).id)).state).toBe("completed");
    expect(await rows()).toEqual(first);
  });

  it("a shop Shopify has not scored gives null groups, and a webhook does not erase synced ones", async () => {
    const done = await settled((await service().start(storeId, "install")).id);
    expect(done.state).toBe("completed");
    expect(await db.customer.count({ where: { storeId, shopifyRfmGroup: { not: null } } })).toBe(0);
    expect(await db.customer.count({ where: { storeId, acceptsMarketing: null } })).toBe(0);
    // Scored later; a customers/update webhook (2026-07: no consent, no statistics) keeps the backfill's values.
    shop.computeStatistics(new Date("2026-10-01T00:00:00Z"));
    const again = await settled((await service().start(storeId, "manual")).id);
    expect(again.state).toBe("completed");
    const row = await db.customer.findFirstOrThrow({ where: { storeId, shopifyRfmGroup: { not: null } } });
    const c = shop.updateCustomer(Number(row.externalId), { note: "called" });
    const mapped = mapRestCustomer(restCustomer(c, shop.info) as Record<string, unknown>)!;
    expect(mapped.acceptsMarketing).toBeUndefined();
    expect(mapped.platformGroups).toBeUndefined();
    await applyStoreEvent({ db, storeId, shopDomain: shop.domain }, { kind: "customer.upsert", customer: mapped });
    const after = await db.customer.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.platformUpdatedAt!.getTime()).toBe(c.updatedAt.getTime());
    expect([after.shopifyRfmGroup, after.shopifyPredictedSpendTier, after.acceptsMarketing]).toEqual([
      row.shopifyRfmGroup,
      row.shopifyPredictedSpendTier,
      row.acceptsMarketing,
    ]);
  });

  it("keeps one active run per store", async () => {
    const s = service();
    const a = await s.start(storeId);
    const b = await s.start(storeId);
    expect(b.id).toBe(a.id);
    await settled(a.id);
  });
});
