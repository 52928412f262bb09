/** Pure mapping of WooCommerce documents: statuses, guests, refunds, dates, malformed input. */
import { describe, expect, it } from "vitest";
import { aggregateCustomerOrders } from "../../../app/domain/orders";
import {
  guestCustomerId,
  mapWooCustomer,
  mapWooOrder,
  mapWooWebhook,
  normalizeGuestEmail,
  type WooStoreOrder,
} from "../../../app/platforms/woocommerce";
import { WOO_CONSENT_META_KEY } from "../../../app/platforms/woocommerce/map-customer";
import { SimStore } from "../../../simulators/woocommerce";

const KEY = "store-7-guest-key";

function mapped(doc: unknown, refundDetails?: unknown[]): WooStoreOrder {
  const order = mapWooOrder(doc, { guestKey: KEY, ...(refundDetails ? { refundDetails } : {}) });
  if ("reason" in order) throw new Error(order.reason);
  return order;
}

describe("guests", () => {
  it("groups by a keyed hash of the normalized e-mail that does not reveal it", () => {
    const id = guestCustomerId("  Guest.One@Example.COM ", KEY)!;
    expect(id).toMatch(/^guest:[0-9a-f]{32}$/);
    expect(guestCustomerId("guest.one@example.com", KEY)).toBe(id);
    expect(guestCustomerId("guest.one+x@example.com", KEY)).not.toBe(id); // no provider-specific folding
    expect(guestCustomerId("guest.one@example.com", "another-store")).not.toBe(id);
    expect(id).not.toContain("guest.one");
    expect(normalizeGuestEmail("not-an-email")).toBeNull();
    expect(guestCustomerId("", KEY)).toBeNull();
  });

  it("maps guest orders to a flagged guest customer, and groups them in the aggregation", () => {
    const store = new SimStore();
    const a = store.createOrder({
      status: "completed",
      billing: { email: "Guest.One@Example.COM", first_name: "G" },
      line_items: [{ product_id: 12, quantity: 2 }],
    });
    const b = store.createOrder({
      status: "processing",
      billing: { email: "guest.one@example.com" },
      line_items: [{ product_id: 13 }],
    });
    const anon = store.createOrder({ status: "completed", line_items: [{ product_id: 12 }] });
    const orders = [a, b, anon].map((o) => mapped(store.orderDocument(o)));
    expect(orders[0]!.customer).toMatchObject({ guest: true, firstName: "G", email: "Guest.One@Example.COM" });
    expect(orders[0]!.customer!.externalId).toBe(orders[1]!.customer!.externalId);
    expect(orders[2]!.customer).toBeNull();
    const agg = aggregateCustomerOrders(orders, { referenceDay: 10 ** 6 });
    expect(agg.customerIds).toEqual([orders[0]!.customer!.externalId]);
    expect(agg.orders).toEqual([2]);
    expect(agg.totalSpend).toEqual([2000 + 2450]);
    expect(agg.excluded["guest-without-email"]).toBe(1);
  });
});

describe("orders", () => {
  it("reads UTC from the _gmt dates, money exactly, lines and refunds", () => {
    const store = new SimStore();
    const o = store.createOrder({ status: "completed", customer_id: 5, line_items: [{ product_id: 13, quantity: 2 }] });
    store.createRefund(o.id, "5.25", "dent");
    const doc = {
      ...store.orderDocument(o),
      date_created: "2026-01-01T01:00:00",
      date_created_gmt: "2025-12-31T23:00:00",
    };
    const order = mapped(doc);
    expect(order.createdAt.toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(order).toMatchObject({
      externalId: String(o.id),
      name: `#${o.id}`,
      grossMinor: 4900,
      currency: "USD",
      financialStatus: "completed",
      fulfillmentStatus: "fulfilled",
    });
    expect(order.lines).toEqual([
      {
        externalId: expect.any(String),
        productId: "13",
        variantId: null,
        sku: "PEER-GADGET",
        title: "Peer Gadget",
        quantity: 2,
        unitPriceMinor: 2450,
      },
    ]);
    expect(order.refunds).toEqual([
      {
        externalId: String(o.refunds[0]!.id),
        orderExternalId: String(o.id),
        amountMinor: 525,
        refundedAt: order.updatedAt,
      },
    ]);
    const exact = mapped(store.orderDocument(o), [
      { id: o.refunds[0]!.id, amount: "5.25", date_created_gmt: "2026-02-03T04:05:06" },
    ]);
    expect(exact.refunds[0]!.refundedAt.toISOString()).toBe("2026-02-03T04:05:06.000Z");
    expect(order.customer).toMatchObject({ externalId: "5", guest: false, createdAt: null });
  });

  it("rejects malformed documents with a reason instead of throwing", () => {
    expect(mapWooOrder(null, { guestKey: KEY })).toEqual({ reason: "order payload is not a JSON object" });
    expect(mapWooOrder({ id: 3, status: "completed", total: "1.00" }, { guestKey: KEY })).toEqual({
      reason: "order 3 without date_created_gmt",
    });
    expect(
      mapWooOrder(
        { id: 3, status: "completed", date_created_gmt: "2026-01-01T00:00:00", total: "abc" },
        { guestKey: KEY },
      ),
    ).toEqual({ reason: "order 3 without a parseable total" });
    // A delivery for an order deleted before the action ran carries WooCommerce's error document.
    expect(
      mapWooWebhook(
        "order.updated",
        { code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID.", data: { status: 404 } },
        { guestKey: KEY },
      ),
    ).toEqual({ kind: "invalid", reason: "order without id" });
    expect(mapWooWebhook("product.updated", { id: 1 }, { guestKey: KEY })).toMatchObject({ kind: "ignored" });
  });

  it("maps customers", () => {
    const store = new SimStore();
    const u = store.createCustomer({ email: "Ann@example.com", first_name: "Ann", last_name: "" });
    expect(mapWooCustomer(store.customerDocument(u, true))).toMatchObject({
      externalId: String(u.id),
      email: "Ann@example.com",
      firstName: "Ann",
      lastName: null,
      createdAt: expect.any(Date),
    });
    expect(mapWooCustomer({ id: 0 })).toBeNull();
  });

  it("reads marketing consent only where Mailchimp for WooCommerce records it, and leaves it absent otherwise", () => {
    const consent = (value: unknown) => ({ id: 7, meta_data: [{ id: 1, key: WOO_CONSENT_META_KEY, value }] });
    expect(mapWooCustomer(consent("1"))?.acceptsMarketing).toBe(true);
    expect(mapWooCustomer(consent("yes"))?.acceptsMarketing).toBe(true);
    expect(mapWooCustomer(consent("0"))?.acceptsMarketing).toBe(false);
    // Absent, not false: the writer then keeps what an earlier read stored, and the journey treats it as unknown.
    for (const payload of [consent(""), consent(null), { id: 7, meta_data: [] }, { id: 7 }, { id: 7, meta_data: 3 }])
      expect(mapWooCustomer(payload)).not.toHaveProperty("acceptsMarketing");
  });
});

describe("order attribution", () => {
  it("keeps WooCommerce's attribution meta: landing page, referrer, and source_type/utm_* as JSON", () => {
    const store = new SimStore();
    const order = store.createOrder({ status: "completed", line_items: [{ product_id: 12 }] });
    const doc = store.orderDocument(order) as Record<string, unknown>;
    doc.meta_data = [
      { id: 1, key: "_wc_order_attribution_source_type", value: "utm" },
      { id: 2, key: "_wc_order_attribution_utm_source", value: "newsletter" },
      { id: 3, key: "_wc_order_attribution_utm_medium", value: "email" },
      { id: 4, key: "_wc_order_attribution_session_entry", value: "https://shop.example/?utm_campaign=spring" },
      { id: 5, key: "_wc_order_attribution_referrer", value: "https://mail.google.com/" },
      { id: 6, key: "_wc_order_attribution_user_agent", value: "Mozilla/5.0" },
      { id: 7, key: "_other", value: "x" },
    ];
    const mappedOrder = mapped(doc);
    expect(mappedOrder.landingSite).toBe("https://shop.example/?utm_campaign=spring");
    expect(mappedOrder.referringSite).toBe("https://mail.google.com/");
    expect(JSON.parse(mappedOrder.attribution!)).toEqual({
      source_type: "utm",
      utm_source: "newsletter",
      utm_medium: "email",
    });
    expect(mapped(store.orderDocument(order)).attribution).toBeNull();
  });
});
