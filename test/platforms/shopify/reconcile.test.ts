/**
 * Shopify reconciliation against the simulator over HTTP, on real SQLite and PostgreSQL: a store's activity is
 * delivered as signed webhooks through the real endpoint, except one delivery in ten, lost for good (Shopify gives
 * up after 8 tries). One reconciliation later Ciclo holds exactly what the store holds — creates, updates,
 * payments, refunds (also in another currency), cancellations, edits, order and customer deletions — and on a
 * quiet store a run costs one call.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ShopifyReconciler } from "../../../app/platforms/shopify/reconcile.server";
import { start, type ShopifySimulator } from "../../../simulators/shopify";
import { orderTotals } from "../../../simulators/shopify/order-math";
import { Random } from "../../../simulators/random";
import type { SimulatedShop } from "../../../simulators/shopify/store";
import type { WebhookEvent } from "../../../simulators/shopify/webhooks";
import { DB_KINDS } from "../../support/databases";
import { ShopifyHarness } from "../../support/shopify-harness";
import { simulatorAdmin } from "../../support/simulator-admin";

let sim: ShopifySimulator;
let admin: ReturnType<typeof simulatorAdmin>;
let counter = 0;
beforeAll(async () => {
  sim = await start();
  admin = simulatorAdmin(sim);
});
afterAll(async () => {
  await sim.close();
});

/** A month of a small store's life after Ciclo was installed; returns what was deleted. */
function liveActivity(shop: SimulatedShop, rng: Random) {
  const customers = Array.from({ length: 40 }, (_, i) =>
    shop.createCustomer({ email: `c${i}@example.com`, firstName: `First${i}`, lastName: `Last${i}` }),
  );
  const orders = Array.from({ length: 150 }, () => {
    shop.clock.advance(rng.int(1, 3600) * 1000);
    const buyer = rng.chance(0.8) ? rng.pick(customers.slice(0, 30)) : null;
    return shop.createOrder({
      customerId: buyer?.id ?? null,
      email: buyer ? undefined : `guest${rng.int(1, 1e6)}@example.com`,
      lineItems: [
        { title: "Tent", price: `${rng.int(20, 300)}.${rng.int(10, 99)}`, quantity: rng.int(1, 2) },
        { title: "Mug", price: "12.50", quantity: rng.int(1, 3) },
      ],
      financialStatus: rng.chance(0.15) ? "pending" : "paid",
      ...(rng.chance(0.15) ? { presentment: { currency: "GBP", rate: 0.8613 } } : {}),
    });
  });
  const deletedOrders: number[] = [];
  const deletedCustomers: number[] = [];
  for (const o of orders) {
    shop.clock.advance(rng.int(60, 7200) * 1000);
    const roll = rng.next();
    if (o.financialStatus === "pending") {
      if (roll < 0.3) shop.editOrder(o.id, { remove: [{ lineItemId: o.lineItems[1]!.id, quantity: 1 }] });
      if (roll < 0.7) shop.markPaid(o.id);
      else shop.cancel(o.id, { reason: "declined" });
    } else if (roll < 0.12) shop.refund(o.id, { lines: [{ lineItemId: o.lineItems[0]!.id, quantity: 1 }] });
    else if (roll < 0.2) shop.refund(o.id, { amountCents: 500 });
    else if (roll < 0.26) shop.cancel(o.id, { reason: "customer" });
    else if (roll < 0.29) {
      shop.cancel(o.id, { reason: "fraud" });
      shop.deleteOrder(o.id);
      deletedOrders.push(o.id);
    } else if (roll < 0.6) shop.fulfill(o.id);
  }
  for (const c of customers.slice(0, 10)) shop.updateCustomer(c.id, { lastName: `${c.lastName}-married` });
  for (const c of customers.slice(30, 36)) {
    shop.deleteCustomer(c.id); // never bought: Shopify lets them be deleted
    deletedCustomers.push(c.id);
  }
  return { deletedOrders, deletedCustomers };
}

describe.each(DB_KINDS)("Shopify reconciliation on %s", (kind) => {
  let h: ShopifyHarness;
  let shop: SimulatedShop;
  let storeId: string;
  beforeEach(async () => {
    h = await ShopifyHarness.create(kind);
    // Shopify Plus restores 1,000 points a second: the paged reads of 150 changed orders don't wait on the bucket.
    shop = sim.createShop({ domain: `reconcile-${kind}-${++counter}.myshopify.com`, seed: counter, plan: "plus" });
    await admin.install(shop);
    storeId = (
      await h.db.store.create({
        data: {
          platform: "shopify",
          domain: shop.domain,
          currency: shop.info.currency,
          scopes: shop.auth.grantedScopes.join(","),
          installedAt: shop.clock.now(),
        },
      })
    ).id;
  });
  afterEach(async () => {
    await h.close();
  });

  async function differences(deleted: { deletedOrders: number[]; deletedCustomers: number[] }): Promise<string[]> {
    const problems: string[] = [];
    const orders = new Map((await h.db.order.findMany({ where: { storeId } })).map((o) => [o.externalId, o]));
    for (const o of shop.orders.values()) {
      const row = orders.get(String(o.id));
      const t = orderTotals(o);
      const want = {
        net: BigInt(t.currentTotalCents),
        cancelled: o.cancelledAt !== null,
        status: o.financialStatus,
        customer: o.customerId === null ? null : String(o.customerId),
      };
      const have = row && {
        net: row.netMinor,
        cancelled: row.cancelled,
        status: row.financialStatus,
        customer: row.customerExternalId,
      };
      if (
        !row ||
        row.deletedAt ||
        JSON.stringify(have, (_k, v) => (typeof v === "bigint" ? String(v) : v)) !==
          JSON.stringify(want, (_k, v) => (typeof v === "bigint" ? String(v) : v))
      )
        problems.push(`order ${o.id}`);
    }
    for (const id of deleted.deletedOrders) {
      const row = orders.get(String(id));
      if (row && !row.deletedAt) problems.push(`deleted order ${id} still live`);
    }
    const refunds = new Map((await h.db.refund.findMany({ where: { storeId } })).map((r) => [r.externalId, r]));
    for (const o of shop.orders.values())
      for (const r of o.refunds) {
        const amount = r.transactions.reduce((n, t) => n + t.amountCents, 0);
        if (refunds.get(String(r.id))?.amountMinor !== BigInt(amount)) problems.push(`refund ${r.id}`);
      }
    const customers = new Map((await h.db.customer.findMany({ where: { storeId } })).map((c) => [c.externalId, c]));
    for (const c of shop.customers.values()) {
      const row = customers.get(String(c.id));
      if (!row || row.deletedAt || row.email !== c.email || row.lastName !== c.lastName)
        problems.push(`customer ${c.id}`);
    }
    for (const id of deleted.deletedCustomers) {
      const row = customers.get(String(id));
      if (row && !row.deletedAt) problems.push(`deleted customer ${id} still live`);
    }
    const live = [...orders.values()].filter((o) => !o.deletedAt).length;
    if (live !== shop.orders.size) problems.push(`${live} live orders, the store has ${shop.orders.size}`);
    return problems;
  }

  it("one delivery in ten lost for good: after one reconciliation Ciclo matches the store exactly", async () => {
    const rng = new Random(`reconcile-${kind}`);
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const deleted = liveActivity(shop, rng);
    const lost = new Random(`lost-${kind}`);
    let dropped = 0;
    for (const e of events) {
      if (lost.next() < 0.1) {
        dropped++;
        continue;
      }
      expect(await h.deliver(e)).toBe(200);
    }
    await h.processor.drain();
    expect(dropped).toBeGreaterThan(events.length * 0.07);
    const before = await differences(deleted);
    expect(before.length).toBeGreaterThan(0);

    const report = await new ShopifyReconciler(h.db, { adminFor: admin.adminFor }).run(
      { id: storeId, domain: shop.domain },
      shop.clock.now(),
    );
    expect(await differences(deleted)).toEqual([]);
    expect(report.ordersDeleted + report.customersDeleted).toBeGreaterThan(0);
    const state = await h.db.storeSyncState.findUniqueOrThrow({ where: { storeId } });
    expect(state).toMatchObject({ lastReconcileError: null, lastReconcileCalls: report.calls });
  });

  it("reads consent and Shopify's own groups of changed customers, buyers or not", async () => {
    const lead = shop.createCustomer({ email: "lead@example.com", acceptsEmailMarketing: true });
    const quiet = shop.createCustomer({ email: "quiet@example.com" });
    const noEmail = shop.createCustomer({ phone: "+390612345678", acceptsEmailMarketing: false });
    const buyer = shop.createCustomer({ email: "buyer@example.com", acceptsEmailMarketing: true });
    shop.createOrder({ customerId: buyer.id, lineItems: [{ title: "Tent", price: "80.00" }] });
    shop.clock.advance(60_000);
    shop.computeStatistics();
    shop.setStatistics(quiet.id, { rfmGroup: null, predictedSpendTier: null }); // not scored by Shopify yet
    shop.clock.advance(10 * 60_000);
    const reconciler = new ShopifyReconciler(h.db, { adminFor: admin.adminFor });
    await reconciler.run({ id: storeId, domain: shop.domain }, shop.clock.now());
    const row = (id: number) =>
      h.db.customer.findUniqueOrThrow({
        where: { storeId_externalId: { storeId, externalId: String(id) } },
        select: { acceptsMarketing: true, shopifyRfmGroup: true, shopifyPredictedSpendTier: true },
      });
    expect(await row(lead.id)).toEqual({
      acceptsMarketing: true,
      shopifyRfmGroup: "PROSPECTS",
      shopifyPredictedSpendTier: "LOW",
    });
    expect(await row(quiet.id)).toEqual({
      acceptsMarketing: false,
      shopifyRfmGroup: null,
      shopifyPredictedSpendTier: null,
    });
    expect(await row(noEmail.id)).toMatchObject({ acceptsMarketing: false, shopifyRfmGroup: "PROSPECTS" });
    expect(await row(buyer.id)).toEqual({
      acceptsMarketing: true,
      shopifyRfmGroup: "NEW",
      shopifyPredictedSpendTier: "HIGH",
    });

    // The customer unsubscribes (their record changes, so the next run reads them again).
    shop.updateCustomer(lead.id, { acceptsEmailMarketing: false });
    shop.clock.advance(3600_000);
    await reconciler.run({ id: storeId, domain: shop.domain }, shop.clock.now());
    expect((await row(lead.id)).acceptsMarketing).toBe(false);
  });

  it("a quiet store costs one call and a few points; the watermark moves on", async () => {
    const reconciler = new ShopifyReconciler(h.db, { adminFor: admin.adminFor });
    const c = shop.createCustomer({ email: "q@example.com" });
    shop.createOrder({ customerId: c.id, lineItems: [{ title: "Tent", price: "50.00" }] });
    shop.clock.advance(10 * 60_000);
    const first = await reconciler.run({ id: storeId, domain: shop.domain }, shop.clock.now());
    expect(first.ordersChanged).toBe(1);
    shop.clock.advance(3600_000); // an hour later, nothing happened (the 5-minute overlap holds no change)
    sim.resetStats(shop.domain);
    const quiet = await reconciler.run({ id: storeId, domain: shop.domain }, shop.clock.now());
    expect(quiet).toMatchObject({ calls: 1, ordersChanged: 0, customersChanged: 0 });
    const stats = sim.stats(shop.domain);
    expect(stats.requests).toBe(1);
    expect(stats.pointsCharged).toBeLessThanOrEqual(10);
    console.log(`quiet-store reconciliation: ${stats.requests} call, ${stats.pointsCharged} points`);
  });
});
