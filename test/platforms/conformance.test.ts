/**
 * The contract every registered platform must pass (app/platforms/README.md): the same paid order, sent as each
 * platform's own order webhook, maps to the same neutral event; privacy topics are classified; the neutral labels
 * are encoded. A new platform adds its sample below (the compiler asks for one per registered platform).
 */
import { describe, expect, it } from "vitest";
import type { Platform, StoreEvent } from "../../app/domain/types";
import type { CustomerLabels } from "../../app/platforms/platform";
import { PLATFORMS, PLATFORM_NAMES, platformForStore } from "../../app/platforms/registry.server";

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
