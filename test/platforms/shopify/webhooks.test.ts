/**
 * Shopify webhooks end to end on real SQLite and PostgreSQL: real HMAC verification by shopify-app-remix,
 * the inbox, the processor and the order writer, fed by the simulated shop's own payloads.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncStatus } from "../../../app/sync/sync-status.server";
import { DB_KINDS } from "../../support/databases";
import { ShopifyHarness } from "../../support/shopify-harness";
import { orderTotals } from "../../../simulators/shopify/order-math";

const SHOP = "ciclo-test.myshopify.com";
const line = (title: string, price: string, quantity = 1) => ({
  title,
  price,
  quantity,
  productId: 111,
  variantId: 222,
  sku: "SKU-1",
});

describe.each(DB_KINDS)("Shopify webhooks on %s", (kind) => {
  let h: ShopifyHarness;
  beforeEach(async () => {
    h = await ShopifyHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  async function counts() {
    return {
      receipts: await h.db.webhookReceipt.count(),
      orders: await h.db.order.count(),
      customers: await h.db.customer.count(),
    };
  }

  it("stores a signed order with its customer, lines and exact money", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" });
    const o = shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "199.90"), line("Stove", "45.05", 2)] });
    const statuses = await h.deliverAll();
    expect(statuses.every((s) => s === 200)).toBe(true);

    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
      include: { lines: true, customer: true },
    });
    expect(order.customer?.email).toBe("ada@example.com");
    expect(order.lines).toHaveLength(2);
    expect(order.lines.map((l) => [l.quantity, l.priceMinor]).sort()).toEqual(
      [
        [1, 19990n],
        [2, 4505n],
      ].sort(),
    );
    // Shopify's total (incl. shipping and tax as the shop is set up) in cents, exactly.
    expect(order.grossMinor).toBe(BigInt(orderTotals(shop.order(o.id)).totalCents));
    expect(order.grossMinor).toBeGreaterThanOrEqual(19990n + 2n * 4505n);
    expect(order.netMinor).toBe(order.grossMinor);
    expect(order.countsForValue).toBe(true);
    expect(order.financialStatus).toBe("paid");
  });

  it("stores a signed payload whose strings carry U+0000 (PostgreSQL text cannot), without the character", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "nul@example.com", firstName: "Ada\u0000", lastName: "Love\u0000lace" });
    const o = shop.createOrder({ customerId: c.id, lineItems: [line("Te\u0000nt", "10.00")] });
    expect((await h.deliverAll()).every((s) => s === 200)).toBe(true);
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
      include: { customer: true },
    });
    expect([order.customer?.firstName, order.customer?.lastName]).toEqual(["Ada", "Lovelace"]);
    expect(await h.db.webhookReceipt.count({ where: { NOT: { status: "processed" } } })).toBe(0);
  });

  it("rejects a tampered body with 401 and writes nothing", async () => {
    const { shop } = await h.installShop(SHOP);
    shop.createOrder({ lineItems: [line("Tent", "10.00")] });
    const [event] = h.takeEvents();
    const original = JSON.stringify(event!.payload);
    const tampered = original.replace(/"total_price":"[^"]+"/, '"total_price":"0.01"');
    expect(tampered).not.toBe(original);
    expect(await h.deliver(event!, { signedBody: original, body: tampered })).toBe(401);
    expect(await h.deliver(event!, { signature: "bad-secret" })).toBe(401);
    expect(await h.deliver(event!, { signature: "missing" })).toBe(401);
    await h.processor.drain();
    expect(await counts()).toEqual({ receipts: 0, orders: 0, customers: 0 });
  });

  it("answers 400 to a signed body that is not JSON, and keeps what was stored", async () => {
    const { shop } = await h.installShop(SHOP);
    shop.createOrder({ lineItems: [line("Tent", "10.00")] });
    await h.deliverAll();
    const before = await counts();
    const [event] = (shop.createOrder({ lineItems: [line("Mug", "5.00")] }), h.takeEvents());
    expect(await h.deliver(event!, { body: "{not json" })).toBe(400);
    await h.processor.drain();
    expect(await counts()).toEqual(before);
  });

  it("dedupes redelivered events on the event id", async () => {
    const { shop } = await h.installShop(SHOP);
    shop.createOrder({ lineItems: [line("Tent", "10.00")], financialStatus: "pending" });
    const [event] = h.takeEvents();
    for (let i = 0; i < 3; i++) expect(await h.deliver(event!)).toBe(200);
    // Shopify's retry of the same delivery carries the same ids; a different webhook id with the same event id too.
    expect(await h.deliver(event!, { webhookId: "another-subscription" })).toBe(200);
    await h.processor.drain();
    expect(await counts()).toMatchObject({ receipts: 1, orders: 1 });
  });

  it("applies every topic of one merchant action, though they share one event id", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({ lineItems: [line("Tent", "80.00")] });
    await h.deliverAll();
    shop.clock.advance(60_000);
    shop.cancel(o.id, { reason: "customer" });
    const events = h.takeEvents();
    expect(events.map((e) => e.topic)).toEqual(["refunds/create", "orders/cancelled", "orders/updated"]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
    for (const e of events) expect(await h.deliver(e)).toBe(200);
    // A second subscription to one of the topics delivers the same event again: still one receipt.
    expect(await h.deliver(events[1]!, { webhookId: "second-subscription" })).toBe(200);
    await h.processor.drain();
    expect(await h.db.webhookReceipt.count({ where: { storeId: store.id } })).toBe(5); // orders/create + orders/paid, then the three
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order).toMatchObject({ cancelled: true, countsForValue: false, netMinor: 0n });
  });

  it("never lets an older payload overwrite a newer one", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({ lineItems: [line("Tent", "50.00")] });
    shop.clock.advance(60_000);
    shop.refund(o.id, { amountCents: 2000 });
    const events = h.takeEvents();
    const latestUpdate = events.filter((e) => e.topic === "orders/updated").at(-1)!;
    const create = events.find((e) => e.topic === "orders/create")!;
    expect(await h.deliver(latestUpdate)).toBe(200);
    await h.processor.drain();
    expect(await h.deliver(create)).toBe(200); // arrives late
    await h.processor.drain();
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order.refundedMinor).toBe(2000n);
    expect(order.netMinor).toBe(order.grossMinor - 2000n);
    expect(order.platformUpdatedAt.getTime()).toBe(new Date(String(latestUpdate.payload.updated_at)).getTime());
  });

  it("nets refunds once whether they arrive alone, inside the order, or both", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({ lineItems: [line("Tent", "100.00")] });
    await h.deliverAll();
    shop.clock.advance(1000);
    shop.refund(o.id, { amountCents: 3000 });
    shop.clock.advance(1000);
    shop.refund(o.id, { amountCents: 1500 });
    const events = h.takeEvents();
    // refunds/create after orders/updated, and duplicated
    for (const e of [...events].reverse()) await h.deliver(e);
    for (const e of events.filter((x) => x.topic === "refunds/create"))
      await h.deliver(e, { eventId: `${e.eventId}-again` });
    await h.processor.drain();
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order.refundedMinor).toBe(4500n);
    expect(order.netMinor).toBe(order.grossMinor - 4500n);
    expect(await h.db.refund.count({ where: { storeId: store.id } })).toBe(2);
  });

  it("converts presentment-currency refunds to the shop currency, and an order delivered first keeps its amounts", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({
      lineItems: [line("Tent", "100.00"), line("Stove", "40.00")],
      presentment: { currency: "GBP", rate: 0.8613 },
    });
    await h.deliverAll();
    shop.clock.advance(60_000);
    const lineRefund = shop.refund(o.id, { lines: [{ lineItemId: o.lineItems[1]!.id, quantity: 1 }] });
    shop.clock.advance(60_000);
    const amountOnly = shop.refund(o.id, { amountCents: 2500 });
    const events = h.takeEvents();
    const refundEvent = events.find((e) => e.topic === "refunds/create")!;
    const transaction = (refundEvent.payload.transactions as Record<string, unknown>[])[0]!;
    expect(transaction).toMatchObject({ currency: "GBP", amount: "34.45" }); // 40.00 EUR in GBP
    // Order payloads first (they carry the refunds too), then the refunds/create deliveries.
    for (const e of events.filter((x) => x.topic === "orders/updated")) expect(await h.deliver(e)).toBe(200);
    await h.processor.drain();
    for (const e of events.filter((x) => x.topic === "refunds/create")) expect(await h.deliver(e)).toBe(200);
    await h.processor.drain();
    const rows = await h.db.refund.findMany({ where: { storeId: store.id }, orderBy: { refundedAt: "asc" } });
    const exact = [lineRefund, amountOnly].map((r) => r.transactions[0]!.amountCents);
    expect(rows.map((r) => r.amountRank)).toEqual([1, 1]);
    rows.forEach((r, i) => expect(Math.abs(Number(r.amountMinor) - exact[i]!)).toBeLessThanOrEqual(1));
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order.currency).toBe("EUR");
    expect(order.grossMinor).toBe(14000n);
    expect(Math.abs(Number(order.netMinor) - (14000 - exact[0]! - exact[1]!))).toBeLessThanOrEqual(2);
  });

  it("a presentment-currency refund that arrives alone and can't be converted counts 0 until its order comes", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({ lineItems: [line("Tent", "100.00")], presentment: { currency: "USD", rate: 1.0842 } });
    await h.deliverAll();
    shop.clock.advance(60_000);
    shop.refund(o.id, { amountCents: 3000 }); // no lines: nothing in the refund to take a rate from
    const [refundCreate, orderUpdated] = h.takeEvents();
    await h.deliver(refundCreate!);
    await h.processor.drain();
    const key = { storeId_externalId: { storeId: store.id, externalId: String(o.id) } };
    expect((await h.db.refund.findFirstOrThrow({ where: { storeId: store.id } })).amountRank).toBe(0);
    expect((await h.db.order.findUniqueOrThrow({ where: key })).netMinor).toBe(10000n);
    await h.deliver(orderUpdated!);
    await h.processor.drain();
    expect((await h.db.refund.findFirstOrThrow({ where: { storeId: store.id } })).amountRank).toBe(1);
    expect(Math.abs(Number((await h.db.order.findUniqueOrThrow({ where: key })).netMinor) - 7000)).toBeLessThanOrEqual(
      1,
    );
  });

  it("an order edited before payment is worth its current total", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({
      lineItems: [line("Tent", "100.00"), line("Stove", "40.00", 2)],
      financialStatus: "pending",
    });
    shop.clock.advance(60_000);
    shop.editOrder(o.id, { remove: [{ lineItemId: o.lineItems[1]!.id, quantity: 1 }] });
    shop.clock.advance(60_000);
    shop.markPaid(o.id);
    expect(h.events.map((e) => e.topic)).toContain("orders/edited");
    expect((await h.deliverAll()).every((s) => s === 200)).toBe(true);
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(orderTotals(shop.order(o.id)).currentTotalCents).toBe(14000);
    expect(order).toMatchObject({ grossMinor: 18000n, netMinor: 14000n, countsForValue: true });
    expect(
      await h.db.webhookReceipt.count({ where: { storeId: store.id, topic: "orders/edited", status: "ignored" } }),
    ).toBe(1);
  });

  it("flags cancelled and test orders and keeps them out of customer value; counts guests separately", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "bo@example.com" });
    const kept = shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "80.00")] });
    const cancelled = shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "80.00")] });
    shop.clock.advance(5000);
    shop.cancel(cancelled.id, { reason: "customer" });
    const test = shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "80.00")], test: true });
    const guest = shop.createOrder({ email: "guest@example.com", lineItems: [line("Mug", "12.00")] });
    await h.deliverAll();
    const rows = await h.db.order.findMany({ where: { storeId: store.id } });
    const byId = new Map(rows.map((r) => [r.externalId, r]));
    expect(byId.get(String(kept.id))!.countsForValue).toBe(true);
    expect(byId.get(String(cancelled.id))).toMatchObject({ cancelled: true, countsForValue: false });
    expect(byId.get(String(test.id))).toMatchObject({ test: true, countsForValue: false });
    expect(byId.get(String(guest.id))).toMatchObject({
      customerExternalId: null,
      customerId: null,
      countsForValue: true,
    });
    const status = await syncStatus(h.db, store.id);
    expect(status).toMatchObject({
      orders: 4,
      ordersCounted: 2,
      guestOrders: 1,
      testOrders: 1,
      cancelledOrders: 1,
      customers: 1,
    });
  });

  it("keeps a deleted order deleted when an older update arrives late", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const o = shop.createOrder({ lineItems: [line("Tent", "80.00")] });
    const [create] = h.takeEvents();
    shop.clock.advance(1000);
    shop.deleteOrder(o.id);
    await h.deliverAll(); // the delete
    await h.deliver(create!);
    await h.processor.drain();
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order.deletedAt).not.toBeNull();
    expect(order.countsForValue).toBe(false);
    expect(await h.db.orderLine.count({ where: { orderId: order.id } })).toBe(0);
    expect((await syncStatus(h.db, store.id)).orders).toBe(0);
  });

  it("customers/redact leaves no personal data behind, even when late webhooks arrive", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "eve.secret@example.com", firstName: "Evelyn", lastName: "Zzyzx" });
    const o = shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "80.00")] });
    shop.requestCustomerData(c.id);
    await h.deliverAll();
    expect(await h.db.dataRequest.count()).toBe(1);
    const lateUpdate = (shop.updateOrder(o.id, { note: "late" }), h.takeEvents());
    shop.redactCustomer(c.id);
    await h.deliverAll();
    for (const e of lateUpdate) await h.deliver(e);
    await h.processor.drain();

    const dump = JSON.stringify(
      await Promise.all([
        h.db.customer.findMany(),
        h.db.order.findMany(),
        h.db.dataRequest.findMany(),
        h.db.webhookReceipt.findMany(),
        h.db.redactedCustomer.findMany(),
      ]),
      (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    );
    for (const secret of ["eve.secret@example.com", "Evelyn", "Zzyzx", `"${c.id}"`]) expect(dump).not.toContain(secret);
    // The sale itself still counts for the store, anonymously.
    const order = await h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(o.id) } },
    });
    expect(order).toMatchObject({ customerId: null, customerExternalId: null, email: null, countsForValue: true });
  });

  it("customers/data_request assembles what we hold for the merchant", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "dan@example.com", firstName: "Dan" });
    shop.createOrder({ customerId: c.id, lineItems: [line("Tent", "80.00")] });
    shop.requestCustomerData(c.id);
    await h.deliverAll();
    const request = await h.db.dataRequest.findFirstOrThrow({ where: { storeId: store.id } });
    const report = JSON.parse(request.report) as { customer: { email: string }; orders: unknown[] };
    expect(report.customer.email).toBe("dan@example.com");
    expect(report.orders).toHaveLength(1);
  });

  it("app/uninstalled stops work for the shop and shop/redact removes all of it", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const other = await h.installShop("other-shop.myshopify.com");
    shop.createOrder({ lineItems: [line("Tent", "80.00")] });
    other.shop.createOrder({ lineItems: [line("Tent", "80.00")] });
    await h.db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "enc:v1:x" } });
    await h.deliverAll();
    shop.uninstallApp();
    await h.deliverAll();
    expect((await h.db.store.findUniqueOrThrow({ where: { id: store.id } })).status).toBe("uninstalled");
    expect(await h.db.session.count({ where: { shop: SHOP } })).toBe(0);
    // An order webhook after uninstall is acknowledged but not applied.
    shop.createOrder({ lineItems: [line("Mug", "9.00")] });
    await h.deliverAll();
    expect(await h.db.order.count({ where: { storeId: store.id } })).toBe(1);

    shop.redactShop();
    await h.deliverAll();
    expect(await h.db.store.findUnique({ where: { id: store.id } })).toBeNull();
    for (const table of [
      "customer",
      "order",
      "orderLine",
      "refund",
      "webhookReceipt",
      "backfillRun",
      "dataRequest",
    ] as const) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      expect(await (h.db[table] as any).count({ where: { storeId: store.id } })).toBe(0);
    }
    // The other shop is untouched.
    expect(await h.db.order.count({ where: { storeId: other.store.id } })).toBe(1);
  });

  it("rejects a payload it cannot read without touching stored data", async () => {
    const { shop, store } = await h.installShop(SHOP);
    shop.createOrder({ lineItems: [line("Tent", "80.00")] });
    await h.deliverAll();
    const before = await h.db.order.findMany({ where: { storeId: store.id } });
    const [event] = (shop.createOrder({ lineItems: [line("Mug", "9.00")] }), h.takeEvents());
    const broken = { ...event!, payload: { ...event!.payload, id: "not-an-id", created_at: "yesterday" } };
    expect(await h.deliver(broken)).toBe(200); // verified, so acknowledged; rejected while applying
    await h.processor.drain();
    expect(await h.db.order.findMany({ where: { storeId: store.id } })).toEqual(before);
    // Parked with its reason and its payload: nothing is dropped, and the merchant can retry it.
    const parked = await h.db.webhookReceipt.findFirstOrThrow({ where: { status: "parked" } });
    expect(parked.error).toMatch(/order without id/);
    expect(JSON.parse(parked.payload!)).toMatchObject({ id: "not-an-id" });
    expect(await h.processor.retryParked(store.id)).toBe(1);
    await h.processor.drain();
    // Still unreadable: parked again, still kept.
    expect((await h.db.webhookReceipt.findUniqueOrThrow({ where: { id: parked.id } })).status).toBe("parked");
    expect(await h.db.order.findMany({ where: { storeId: store.id } })).toEqual(before);
  });

  it("a signed bulk_operations/finish wakes whoever waits on that operation at once, before the inbox gets to it", async () => {
    const { shop } = await h.installShop(SHOP);
    const gid = "gid://shopify/BulkOperation/4410000077";
    let woken = false;
    let otherWoken = false;
    void h.bulkFinished.wait(gid).then(() => (woken = true));
    void h.bulkFinished.wait("gid://shopify/BulkOperation/1").then(() => (otherWoken = true));
    const now = new Date("2026-03-01T10:05:00Z");
    const event = shop.emitBulkFinish({
      id: 4410000077,
      status: "COMPLETED",
      errorCode: null,
      createdAt: now,
      completedAt: now,
      type: "MUTATION",
    });
    // A forged one wakes nobody.
    expect(await h.deliver(event, { signature: "bad-secret" })).toBe(401);
    await new Promise((r) => setImmediate(r));
    expect(woken).toBe(false);
    expect(await h.deliver(event)).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(woken).toBe(true);
    expect(otherWoken).toBe(false);
    expect(await h.db.webhookReceipt.count({ where: { topic: "bulk_operations/finish" } })).toBe(1);
  });

  it("keeps two shops apart even with the same order ids", async () => {
    const a = await h.installShop("shop-a.myshopify.com");
    const b = await h.installShop("shop-b.myshopify.com");
    const oa = a.shop.createOrder({ lineItems: [line("Tent", "10.00")] });
    const ob = b.shop.createOrder({ lineItems: [line("Tent", "99.00")] });
    expect(oa.id).toBe(ob.id); // both simulators allocate the same first id
    await h.deliverAll();
    const sa = await syncStatus(h.db, a.store.id);
    const sb = await syncStatus(h.db, b.store.id);
    expect(sa.orders).toBe(1);
    expect(sb.orders).toBe(1);
    expect(sa.netRevenueMinor).not.toBe(sb.netRevenueMinor);
  });
});
