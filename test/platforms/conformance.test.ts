/**
 * The contract every registered platform must pass (app/platforms/README.md). Two parts, both over every platform
 * in the registry:
 * - samples: the same paid order, sent as each platform's own order webhook, maps to the same neutral event;
 *   privacy topics are classified; the neutral labels are encoded. A new platform adds its sample below.
 * - simulators: each platform's conformance driver (test/support/conformance/) acts out the same store life on
 *   the platform's simulator; its real signed deliveries go through the platform's endpoint and the shared inbox,
 *   and every platform must end up with the same neutral orders, the same again after reading them back through
 *   its backfill/reconciliation, and its labels readable from the simulator's customer record as written.
 * The compiler asks for a sample and a driver per registered platform.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Platform, StoreEvent } from "../../app/domain/types";
import type { CustomerLabels } from "../../app/platforms/platform";
import { PLATFORMS, PLATFORM_NAMES, platformForStore } from "../../app/platforms/registry.server";
import { CONFORMANCE_DRIVERS, type ConformanceStore, type Delivery } from "../support/conformance";

interface Sample {
  /** An order webhook for: customer 42 (ada@example.com), 2024-03-01 10:00 UTC, EUR 49.90, paid, one line. */
  orderTopic: string;
  orderPayload: unknown;
  /** A privacy topic that must be processed after uninstall, and an ordinary one that need not. */
  complianceTopic: string;
  ordinaryTopic: string;
}

const AT = "2024-03-01T10:00:00";

const SAMPLES: Record<Platform, Sample> = {
  shopify: {
    orderTopic: "orders/create",
    orderPayload: {
      id: 1001,
      admin_graphql_api_id: "gid://shopify/Order/1001",
      name: "#1001",
      email: "ada@example.com",
      currency: "EUR",
      total_price: "49.90",
      financial_status: "paid",
      fulfillment_status: null,
      test: false,
      created_at: `${AT}Z`,
      updated_at: `${AT}Z`,
      processed_at: `${AT}Z`,
      customer: { id: 42, email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" },
      line_items: [{ id: 1, product_id: 7, variant_id: 8, sku: "TENT", title: "Tent", quantity: 1, price: "49.90" }],
      refunds: [],
    },
    complianceTopic: "customers/redact",
    ordinaryTopic: "orders/create",
  },
  woocommerce: {
    orderTopic: "order.created",
    orderPayload: {
      id: 1001,
      number: "1001",
      status: "processing",
      currency: "EUR",
      total: "49.90",
      customer_id: 42,
      date_created_gmt: AT,
      date_modified_gmt: AT,
      billing: { email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" },
      line_items: [
        {
          id: 1,
          product_id: 7,
          variation_id: 8,
          sku: "TENT",
          name: "Tent",
          quantity: 1,
          price: 49.9,
          subtotal: "49.90",
          total: "49.90",
        },
      ],
      refunds: [],
      meta_data: [],
    },
    complianceTopic: "customer.deleted",
    ordinaryTopic: "order.created",
  },
};

/** What every platform must agree on for the sample order. */
function neutral(event: StoreEvent | { kind: "invalid"; reason: string }) {
  if (event.kind !== "order.upsert") return event;
  const { order } = event;
  return {
    kind: event.kind,
    externalId: order.externalId,
    customer: order.customer && { externalId: order.customer.externalId, email: order.customer.email },
    email: order.email,
    currency: order.currency,
    grossMinor: order.grossMinor,
    paid: order.paid,
    counts: !order.test && order.cancelledAt === null && !order.voided,
    processedAt: order.processedAt.toISOString(),
    lines: order.lines.map((l) => ({ quantity: l.quantity, unitPriceMinor: l.unitPriceMinor })),
  };
}

const LABELS: CustomerLabels = {
  segment: "champions",
  stage: "active",
  clvMinor: 18240n,
  currency: "EUR",
  pAlive: 0.93,
  nextOrder: new Date("2024-04-01T00:00:00Z"),
  nextProduct: "Trail Mug",
};

const key = Buffer.alloc(32, 7);

describe("every registered platform implements the contract", () => {
  it("registers each platform under its own name", () => {
    for (const name of PLATFORM_NAMES) expect(PLATFORMS[name].name).toBe(name);
  });

  it.each(PLATFORM_NAMES)("%s maps the sample order webhook to the same neutral event", (name) => {
    const platform = platformForStore({ id: "store-1", platform: name }, key);
    expect(platform.name).toBe(name);
    const sample = SAMPLES[name];
    expect(neutral(platform.mapWebhook(sample.orderTopic, sample.orderPayload))).toEqual({
      kind: "order.upsert",
      externalId: "1001",
      customer: { externalId: "42", email: "ada@example.com" },
      email: "ada@example.com",
      currency: "EUR",
      grossMinor: 4990,
      paid: true,
      counts: true,
      processedAt: `${AT}.000Z`,
      lines: [{ quantity: 1, unitPriceMinor: 4990 }],
    });
  });

  it.each(PLATFORM_NAMES)("%s never throws on a malformed webhook", (name) => {
    const platform = platformForStore({ id: "store-1", platform: name }, key);
    expect(platform.mapWebhook(SAMPLES[name].orderTopic, "not an object").kind).toBe("invalid");
    expect(["ignored", "invalid"]).toContain(platform.mapWebhook("no/such-topic", {}).kind);
  });

  it.each(PLATFORM_NAMES)("%s classifies privacy topics", (name) => {
    const platform = platformForStore({ id: "store-1", platform: name }, key);
    expect(platform.isComplianceTopic(SAMPLES[name].complianceTopic)).toBe(true);
    expect(platform.isComplianceTopic(SAMPLES[name].ordinaryTopic)).toBe(false);
  });

  it.each(PLATFORM_NAMES)("%s encodes the neutral labels and sees a change against what was confirmed", (name) => {
    const { encodeLabels } = PLATFORMS[name];
    const tags = ["ciclo:rfm-champions", "ciclo:stage-active"];
    const encoded = encodeLabels(LABELS, tags, { pushMetafields: true });
    if (encoded === null) return; // tags only: nothing beyond the tags to compare
    // Never written: a write is due. The same labels again, once confirmed as carried, are not a change.
    expect(encoded.changedFrom(null)).toBe(true);
    if (encoded.carried !== null) expect(encoded.changedFrom(encoded.carried)).toBe(false);
    // A different CLV is a change.
    const other = encodeLabels({ ...LABELS, clvMinor: 9900n }, tags, { pushMetafields: true })!;
    if (other.carried !== null) expect(encoded.changedFrom(other.carried)).toBe(true);
    // So is a new next-product suggestion, or none at all.
    for (const nextProduct of ["Camp Stove", null]) {
      const next = encodeLabels({ ...LABELS, nextProduct }, tags, { pushMetafields: true })!;
      if (next.carried !== null) expect(encoded.changedFrom(next.carried)).toBe(true);
      if (encoded.carried !== null) expect(next.changedFrom(encoded.carried)).toBe(true);
    }
  });

  it.each(PLATFORM_NAMES)("%s links into its own admin or says it cannot", (name) => {
    const definition = PLATFORMS[name];
    const store = { domain: "example.test" };
    for (const url of [
      definition.customerAdminUrl(store, "42", false),
      definition.customersWithTagUrl(store, "ciclo:rfm-champions", false),
    ])
      if (url !== null) expect(() => new URL(url)).not.toThrow();
  });
});

/** An order as stored, in neutral terms: what customer value, refunds and the admin read. */
async function storedOrders(store: ConformanceStore, ids: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const [role, externalId] of Object.entries(ids)) {
    const o = await store.db.order.findUnique({
      where: { storeId_externalId: { storeId: store.storeId, externalId } },
      include: { lines: true, customer: true },
    });
    // An order cancelled before any money was taken has no refunds to agree on: Shopify books the voided total as
    // refunded (its current total drops to 0), WooCommerce leaves the total; neither counts toward any value.
    const neverPaid = o !== null && o.cancelled && !o.countsForValue;
    out[role] = o && {
      email: o.customer?.email ?? null,
      currency: o.currency,
      grossMinor: Number(o.grossMinor),
      refundedMinor: neverPaid ? "n/a" : Number(o.refundedMinor),
      netMinor: neverPaid ? "n/a" : Number(o.netMinor),
      cancelled: o.cancelled,
      countsForValue: o.countsForValue,
      lines: o.lines.map((l) => [l.quantity, Number(l.priceMinor)]).sort((a, b) => a[1]! - b[1]!),
    };
  }
  return out;
}

const order = (
  grossMinor: number,
  lines: number[][],
  more: Partial<{ refundedMinor: number; cancelled: boolean; countsForValue: boolean }> = {},
) => {
  const neverPaid = more.cancelled === true && more.countsForValue === false;
  return {
    email: "ada@example.com",
    currency: "EUR",
    grossMinor,
    refundedMinor: neverPaid ? "n/a" : (more.refundedMinor ?? 0),
    netMinor: neverPaid ? "n/a" : grossMinor - (more.refundedMinor ?? 0),
    cancelled: more.cancelled ?? false,
    countsForValue: more.countsForValue ?? true,
    lines,
  };
};

/** Where every platform must end up after the same store life (EUR; widget 10.00, gadget 24.50). */
const EXPECTED = {
  refundedInPart: order(
    5900,
    [
      [1, 1000],
      [2, 2450],
    ],
    { refundedMinor: 500 },
  ),
  paidLater: order(2450, [[1, 2450]]),
  cancelledUnpaid: order(1000, [[1, 1000]], { cancelled: true, countsForValue: false }),
  refundedInFull: order(1000, [[1, 1000]], { refundedMinor: 1000 }),
};

describe.each(PLATFORM_NAMES)("%s, driven by its simulator", (name) => {
  let store: ConformanceStore;
  const delivered: Delivery[] = [];
  const ids: Record<keyof typeof EXPECTED, string> = {
    refundedInPart: "",
    paidLater: "",
    cancelledUnpaid: "",
    refundedInFull: "",
  };
  let ada = "";
  let bob = "";

  beforeAll(async () => {
    store = await CONFORMANCE_DRIVERS[name].open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("accepts the simulator's signed deliveries of a store's life: orders created, paid, updated, refunded, cancelled", async () => {
    ada = await store.createCustomer({ email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" });
    bob = await store.createCustomer({ email: "bob@example.com", firstName: "Bob", lastName: "Byron" });
    delivered.push(...(await store.deliver()));
    const widgetAndGadgets = [
      { product: "widget" as const, quantity: 1 },
      { product: "gadget" as const, quantity: 2 },
    ];
    ids.refundedInPart = await store.createOrder({ customer: ada, lines: widgetAndGadgets, paid: true });
    ids.paidLater = await store.createOrder({
      customer: ada,
      lines: [{ product: "gadget", quantity: 1 }],
      paid: false,
    });
    ids.cancelledUnpaid = await store.createOrder({
      customer: ada,
      lines: [{ product: "widget", quantity: 1 }],
      paid: false,
    });
    ids.refundedInFull = await store.createOrder({
      customer: ada,
      lines: [{ product: "widget", quantity: 1 }],
      paid: true,
    });
    delivered.push(...(await store.deliver()));
    // Not paid yet: stored, but it does not count toward the customer's value.
    expect(await storedOrders(store, { paidLater: ids.paidLater })).toEqual({
      paidLater: order(2450, [[1, 2450]], { countsForValue: false }),
    });

    await store.touchOrder(ids.refundedInPart);
    await store.markPaid(ids.paidLater);
    delivered.push(...(await store.deliver()));
    await store.refund(ids.refundedInPart, 500);
    await store.cancel(ids.cancelledUnpaid);
    await store.refund(ids.refundedInFull, 1000);
    delivered.push(...(await store.deliver()));

    expect(delivered.filter((d) => d.status < 200 || d.status > 299)).toEqual([]);
    const topics = new Set(delivered.map((d) => d.topic));
    for (const topic of store.orderTopics) expect(topics).toContain(topic);
    const failed = await store.db.webhookReceipt.count({ where: { storeId: store.storeId, status: "failed" } });
    expect(failed).toBe(0);
  });

  it("stores the orders the same neutral way: paid flag, totals, refunds, cancellation, lines", async () => {
    expect(await storedOrders(store, ids)).toEqual(EXPECTED);
  });

  it("refuses a delivery whose body changed after signing, and stores nothing of it", async () => {
    const before = await store.db.webhookReceipt.count({ where: { storeId: store.storeId } });
    expect(await store.deliverTampered()).toBe(401);
    expect(await store.db.webhookReceipt.count({ where: { storeId: store.storeId } })).toBe(before);
  });

  it("reads the same orders back through its backfill/reconciliation", async () => {
    await store.db.order.deleteMany({ where: { storeId: store.storeId } });
    expect(await storedOrders(store, ids)).toEqual(
      Object.fromEntries(Object.keys(EXPECTED).map((role) => [role, null])),
    );
    await store.readBack();
    expect(await storedOrders(store, ids)).toEqual(EXPECTED);
  });

  it("writes labels into the store's customer record and reads them back as written", async () => {
    const { encodeLabels, prefix } = { ...PLATFORMS[name], prefix: CONFORMANCE_DRIVERS[name].prefix };
    const tags = [`${prefix}rfm-champions`, `${prefix}stage-active`];
    const encoded = encodeLabels(LABELS, tags, { pushMetafields: true });
    expect(await store.writeLabels(ada, LABELS, tags, encoded)).toEqual(["applied"]);
    const stored = await store.readLabels(ada);
    expect(stored.tags).toEqual([...tags].sort());
    expect(stored.values).toEqual({ segment: "champions", stage: "active", clv: "182.40" });
    if (encoded !== null) {
      // What the store now holds is what was encoded; a new CLV is a change against it.
      expect(encoded.changedFrom(stored.confirmed)).toBe(false);
      expect(
        encodeLabels({ ...LABELS, clvMinor: 9900n }, tags, { pushMetafields: true })!.changedFrom(stored.confirmed),
      ).toBe(true);
    }
  });

  // Last: an uninstall revokes the store's credentials.
  it("processes privacy requests as compliance topics, also after an uninstall where the platform sends one", async () => {
    if (store.uninstall) {
      await store.uninstall();
      const signals = await store.deliver();
      // (The label write just before also sent the customer's update.)
      expect(signals.length).toBeGreaterThan(0);
      expect(signals.every((d) => d.status >= 200 && d.status < 300)).toBe(true);
      expect(await store.db.store.findUniqueOrThrow({ where: { id: store.storeId } })).toMatchObject({
        status: "uninstalled",
      });
    }
    await store.privacyRequest(bob);
    const deliveries = await store.deliver();
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status >= 200 && d.status < 300)).toBe(true);
    const platform = platformForStore({ id: store.storeId, platform: name }, key);
    expect(deliveries.some((d) => platform.isComplianceTopic(d.topic))).toBe(true);
    const row = await store.db.customer.findUnique({
      where: { storeId_externalId: { storeId: store.storeId, externalId: bob } },
    });
    expect(row === null || row.deletedAt !== null || row.email === null).toBe(true);
    // Ada's orders are untouched.
    expect(await storedOrders(store, ids)).toEqual(EXPECTED);
  });
});
