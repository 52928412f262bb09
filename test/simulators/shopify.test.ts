/* eslint-disable @typescript-eslint/no-explicit-any -- these tests read loosely typed GraphQL JSON responses */
/**
 * Tests of the local Shopify simulator itself: signatures Shopify's own library accepts, payload shapes,
 * GraphQL documents of the app against the real 2026-07 schema, bulk JSONL structure, cost throttling, and the
 * demo history generator's determinism and shape.
 */
import "@shopify/shopify-api/adapters/node";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { Kind, parse, validate, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import * as appDocuments from "../../app/platforms/shopify/graphql";
import { generateDemoHistory } from "../../simulators/shopify/history";
import { LiveEventStream } from "../../simulators/shopify/live";
import { graphqlDecimal, parseMoney, restMoney } from "../../simulators/shopify/money";
import { adminSchema } from "../../simulators/shopify/graphql/schema";
import { start, type ShopifySimulator } from "../../simulators/shopify/server";
import { SimulatedShop } from "../../simulators/shopify/store";
import { restTimestamp } from "../../simulators/shopify/time";
import { buildWebhookRequest, signWebhook, WebhookSender, type WebhookEvent } from "../../simulators/shopify/webhooks";

const SECRET = "test-app-secret";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  req: IncomingMessage;
}

/** A tiny receiver that records requests and answers with a status chosen per request. */
async function startReceiver(
  status: (n: number) => number = () => 200,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        req,
      });
      res.statusCode = status(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    received,
    server,
  };
}

const shopify = shopifyApi({
  apiKey: "test-key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.July26,
  hostName: "localhost",
  isEmbeddedApp: true,
  logger: { level: 0 },
});

describe("webhook signing and delivery", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.server.close());

  it("signs like Shopify: shopify-api's webhooks.validate accepts it, a tampered body fails", async () => {
    const shop = new SimulatedShop({
      now: new Date("2026-03-01T10:00:00Z"),
      seed: 1,
    });
    const sender = new WebhookSender({
      url: receiver.url,
      secret: SECRET,
      seed: 1,
    });
    sender.attach(shop);
    const customer = shop.createCustomer({
      email: "anna@mail.example",
      firstName: "Anna",
      lastName: "Muster",
    });
    shop.createOrder({
      customerId: customer.id,
      lineItems: [{ title: "Wool Beanie", price: "29.00", quantity: 2 }],
    });
    await sender.idle();
    expect(receiver.received.map((r) => r.headers["x-shopify-topic"])).toEqual([
      "customers/create",
      "orders/create",
      "orders/paid",
      "customers/update",
    ]);
    for (const r of receiver.received) {
      const result = await shopify.webhooks.validate({
        rawBody: r.body,
        rawRequest: r.req,
        rawResponse: {} as never,
      });
      expect(result.valid).toBe(true);
      expect(r.headers["x-shopify-api-version"]).toBe("2026-07");
      expect(r.headers["x-shopify-shop-domain"]).toBe(shop.domain);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(String(r.headers["x-shopify-triggered-at"]))).not.toBeNaN();
      const tampered = r.body.replace(/"id":(\d)/, '"id":9');
      expect(tampered).not.toBe(r.body);
      const bad = await shopify.webhooks.validate({
        rawBody: tampered,
        rawRequest: r.req,
        rawResponse: {} as never,
      });
      expect(bad.valid).toBe(false);
    }
  });

  it("bad-secret and missing signatures are rejected by the library", async () => {
    for (const signature of ["bad-secret", "missing"] as const) {
      const req = buildWebhookRequest({
        topic: "orders/delete",
        shopDomain: "a.myshopify.com",
        payload: { id: 1 },
        secret: SECRET,
        signature,
      });
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const result = await shopify.webhooks.validate({
        rawBody: req.body,
        rawRequest: { headers, method: "POST", url: "/webhooks" } as never,
        rawResponse: {} as never,
      });
      expect(result.valid).toBe(false);
    }
  });

  it("signWebhook is base64 HMAC-SHA256 of the raw body", () => {
    // Known-answer value computed independently (openssl dgst -sha256 -hmac key -binary | base64).
    expect(signWebhook('{"id":1}', "key")).toBe("yVxqfCx8dh6YTGjPZLS8qT8HJCkAqv27Mo07t1qw3LA=");
  });
});

describe("webhook delivery semantics", () => {
  it("duplicates keep the event id; same-ids duplicates also keep the webhook id", async () => {
    const receiver = await startReceiver();
    try {
      for (const mode of ["same-ids", "new-webhook-id"] as const) {
        receiver.received.length = 0;
        const shop = new SimulatedShop({ seed: 2 });
        const sender = new WebhookSender({
          url: receiver.url,
          secret: SECRET,
          seed: 3,
          duplicateRate: 1,
          duplicateMode: mode,
        });
        sender.attach(shop);
        shop.createCustomer({ email: "x@mail.example" });
        await sender.idle();
        expect(receiver.received).toHaveLength(2);
        const [a, b] = receiver.received as [Received, Received];
        expect(a.headers["x-shopify-event-id"]).toBe(b.headers["x-shopify-event-id"]);
        expect(a.body).toBe(b.body);
        if (mode === "same-ids") expect(a.headers["x-shopify-webhook-id"]).toBe(b.headers["x-shopify-webhook-id"]);
        else expect(a.headers["x-shopify-webhook-id"]).not.toBe(b.headers["x-shopify-webhook-id"]);
      }
    } finally {
      receiver.server.close();
    }
  });

  it("retries non-2xx with the same webhook id on a compressed schedule, and gives up after 8 retries", async () => {
    const flaky = await startReceiver((n) => (n <= 2 ? 500 : 200));
    const down = await startReceiver(() => 503);
    try {
      const shop = new SimulatedShop({ seed: 4 });
      const sender = new WebhookSender({ url: flaky.url, secret: SECRET, retryScale: 0.0001 });
      sender.attach(shop);
      shop.createCustomer({ email: "y@mail.example" });
      await sender.idle();
      expect(flaky.received).toHaveLength(3);
      expect(new Set(flaky.received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
      expect(sender.deliveries[0]?.outcome).toBe("delivered");
      expect(sender.deliveries[0]?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);

      const failing = new WebhookSender({ url: down.url, secret: SECRET, retrySchedule: [1, 1, 1, 1, 1, 1, 1, 1] });
      failing.send(shop.redactShop());
      await failing.idle();
      expect(down.received).toHaveLength(9); // first attempt + 8 retries
      expect(failing.deliveries[0]?.outcome).toBe("failed");
    } finally {
      flaky.server.close();
      down.server.close();
    }
  });

  it("times out slow receivers (Shopify waits 5 s; configurable here)", async () => {
    const slow = createServer((_req, res) => setTimeout(() => res.end(), 300));
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    try {
      const sender = new WebhookSender({
        url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`,
        secret: SECRET,
        timeoutMs: 50,
        retrySchedule: [],
      });
      sender.send(new SimulatedShop().redactShop());
      await sender.idle();
      expect(sender.deliveries[0]?.outcome).toBe("failed");
      expect(sender.deliveries[0]?.attempts[0]?.error).toMatch(/TimeoutError|abort/i);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it("hold/release delivers a batch out of order", async () => {
    const receiver = await startReceiver();
    try {
      const shop = new SimulatedShop({ seed: 5, now: new Date("2026-01-01T00:00:00Z") });
      const sender = new WebhookSender({ url: receiver.url, secret: SECRET, seed: 6, topics: ["orders/updated"] });
      sender.attach(shop);
      const order = shop.createOrder({ lineItems: [{ title: "Mug", price: "19.00" }] });
      sender.hold();
      for (let i = 0; i < 8; i++) shop.updateOrder(order.id, { note: `edit ${i}` });
      await sender.release({ shuffle: true, sequential: true });
      const stamps = receiver.received.map((r) => (JSON.parse(r.body) as { updated_at: string }).updated_at);
      expect(stamps).toHaveLength(8);
      expect(new Set(stamps).size).toBe(8); // every edit has its own, later updated_at
      expect(stamps).not.toEqual([...stamps].sort());
    } finally {
      receiver.server.close();
    }
  });
});

describe("money and time formats", () => {
  it("REST money has two decimals, GraphQL Decimal drops trailing zeros but keeps one", () => {
    expect(restMoney(1250)).toBe("12.50");
    expect(restMoney(5)).toBe("0.05");
    expect(restMoney(-1999)).toBe("-19.99");
    expect(graphqlDecimal(2500)).toBe("25.0");
    expect(graphqlDecimal(1250)).toBe("12.5");
    expect(graphqlDecimal(1234)).toBe("12.34");
    expect(parseMoney("12.5")).toBe(1250);
    expect(() => parseMoney("1.005")).toThrow();
  });

  it("REST timestamps carry the shop's DST-aware offset", () => {
    expect(restTimestamp(new Date("2026-01-15T12:00:00.700Z"), "Europe/Berlin")).toBe("2026-01-15T13:00:00+01:00");
    expect(restTimestamp(new Date("2026-07-15T12:00:00Z"), "Europe/Berlin")).toBe("2026-07-15T14:00:00+02:00");
    expect(restTimestamp(new Date("2026-07-15T12:00:00Z"), "America/New_York")).toBe("2026-07-15T08:00:00-04:00");
  });
});

describe("mutations emit Shopify-shaped webhook payloads", () => {
  function recordingShop() {
    const shop = new SimulatedShop({ now: new Date("2026-05-04T08:00:00Z"), seed: 9, timezone: "Europe/Berlin" });
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    return { shop, events };
  }

  it("orders/create has REST money strings, sets, line items and the nested customer", () => {
    const { shop, events } = recordingShop();
    const c = shop.createCustomer({ email: "lena@mail.example", firstName: "Lena", lastName: "Vogel", tags: ["VIP"] });
    const order = shop.createOrder({
      customerId: c.id,
      lineItems: [
        { title: "Trail Runner Shoe", price: "139.00", productId: 1, variantId: 2, sku: "TRS-42", variantTitle: "42" },
        { title: "Hiking Socks", price: "19.90", quantity: 2, productId: 3, variantId: 4 },
      ],
      shippingCents: 490,
      landingSite: "/products/x?utm_source=newsletter&utm_medium=email",
      referringSite: "https://www.google.com/",
    });
    const create = events.find((e) => e.topic === "orders/create")!;
    const p = create.payload as Record<string, any>;
    expect(p.id).toBe(order.id);
    expect(p.admin_graphql_api_id).toBe(`gid://shopify/Order/${order.id}`);
    expect(p.name).toBe("#1001");
    expect(p.total_price).toBe("183.70"); // 139.00 + 2 x 19.90 + 4.90
    expect(p.total_price_set).toEqual({
      shop_money: { amount: "183.70", currency_code: "EUR" },
      presentment_money: { amount: "183.70", currency_code: "EUR" },
    });
    expect(p.current_total_price).toBe("183.70");
    expect(p.subtotal_price).toBe("178.80");
    expect(p.total_tax).toBe("29.33"); // 19 % VAT contained in 183.70
    expect(p.financial_status).toBe("paid");
    expect(p.fulfillment_status).toBeNull();
    expect(p.cancelled_at).toBeNull();
    expect(p.test).toBe(false);
    expect(p.source_name).toBe("web");
    expect(p.landing_site).toBe("/products/x?utm_source=newsletter&utm_medium=email");
    expect(p.referring_site).toBe("https://www.google.com/");
    expect(p.created_at).toMatch(/^2026-05-04T10:00:0\d\+02:00$/);
    expect(p.line_items).toHaveLength(2);
    expect(p.line_items[1]).toMatchObject({
      title: "Hiking Socks",
      quantity: 2,
      price: "19.90",
      product_id: 3,
      variant_id: 4,
    });
    expect(p.customer).toMatchObject({
      id: c.id,
      email: "lena@mail.example",
      admin_graphql_api_id: `gid://shopify/Customer/${c.id}`,
    });
    // Removed from customer payloads in 2025-01 (tags and marketing consent have their own topics now).
    for (const gone of ["tags", "email_marketing_consent", "sms_marketing_consent"])
      expect(p.customer).not.toHaveProperty(gone);
    expect(events.map((e) => e.topic)).toEqual([
      "customers/create",
      "orders/create",
      "orders/paid",
      "customers/update",
    ]);
  });

  it("refund -> refunds/create + orders/updated; cancel -> refunds/create, orders/cancelled, orders/updated", () => {
    const { shop, events } = recordingShop();
    const o = shop.createOrder({
      lineItems: [
        { title: "A", price: "30.00" },
        { title: "B", price: "20.00" },
      ],
    });
    events.length = 0;
    shop.refund(o.id, { lines: [{ lineItemId: o.lineItems[1]!.id, quantity: 1, restockType: "return" }] });
    expect(events.map((e) => e.topic)).toEqual(["refunds/create", "orders/updated"]);
    const refund = events[0]!.payload as Record<string, any>;
    expect(refund.order_id).toBe(o.id);
    expect(refund.transactions).toEqual([
      expect.objectContaining({ kind: "refund", status: "success", amount: "20.00", currency: "EUR" }),
    ]);
    expect(refund.refund_line_items[0]).toMatchObject({
      quantity: 1,
      line_item_id: o.lineItems[1]!.id,
      restock_type: "return",
    });
    expect(refund.refund_line_items[0].subtotal_set.shop_money.amount).toBe("20.00");
    const updated = events[1]!.payload as Record<string, any>;
    expect(updated.financial_status).toBe("partially_refunded");
    expect(updated.current_total_price).toBe("30.00");
    expect(updated.refunds).toHaveLength(1);

    events.length = 0;
    shop.cancel(o.id, { reason: "customer" });
    expect(events.map((e) => e.topic)).toEqual(["refunds/create", "orders/cancelled", "orders/updated"]);
    const cancelled = events[1]!.payload as Record<string, any>;
    expect(cancelled.cancel_reason).toBe("customer");
    expect(cancelled.cancelled_at).not.toBeNull();
    expect(cancelled.financial_status).toBe("refunded");
    expect(cancelled.current_total_price).toBe("0.00");
  });

  it("an authorized order that is cancelled is voided; delete sends only the id", () => {
    const { shop, events } = recordingShop();
    const o = shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }], financialStatus: "authorized" });
    shop.cancel(o.id, { reason: "fraud" });
    const cancelled = events.find((e) => e.topic === "orders/cancelled")!.payload as Record<string, any>;
    expect(cancelled.financial_status).toBe("voided");
    expect(events.some((e) => e.topic === "refunds/create")).toBe(false);
    shop.deleteOrder(o.id);
    expect(events.at(-1)).toMatchObject({ topic: "orders/delete", payload: { id: o.id } });
  });

  it("updated_at is strictly increasing per shop even within one second", () => {
    const { shop, events } = recordingShop();
    const o = shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    for (let i = 0; i < 5; i++) shop.updateOrder(o.id, { note: String(i) });
    const stamps = events
      .filter((e) => e.topic === "orders/updated")
      .map((e) => Date.parse((e.payload as { updated_at: string }).updated_at));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
  });

  it("compliance and app topics have Shopify's payloads", () => {
    const { shop, events } = recordingShop();
    const c = shop.createCustomer({ email: "gdpr@mail.example", phone: "+49 151 0000000" });
    const o = shop.createOrder({ customerId: c.id, lineItems: [{ title: "A", price: "10.00" }] });
    shop.requestCustomerData(c.id);
    shop.redactCustomer(c.id);
    shop.uninstallApp();
    shop.redactShop();
    const by = (t: string) => events.find((e) => e.topic === t)!.payload as Record<string, any>;
    expect(by("customers/data_request")).toEqual({
      shop_id: shop.info.id,
      shop_domain: shop.domain,
      orders_requested: [o.id],
      customer: { id: c.id, email: "gdpr@mail.example", phone: "+49 151 0000000" },
      data_request: { id: expect.any(Number) },
    });
    expect(by("customers/redact")).toEqual({
      shop_id: shop.info.id,
      shop_domain: shop.domain,
      customer: { id: c.id, email: "gdpr@mail.example", phone: "+49 151 0000000" },
      orders_to_redact: [o.id],
    });
    expect(by("shop/redact")).toEqual({ shop_id: shop.info.id, shop_domain: shop.domain });
    expect(by("app/uninstalled")).toMatchObject({
      id: shop.info.id,
      myshopify_domain: shop.domain,
      iana_timezone: "Europe/Berlin",
      currency: "EUR",
    });
    expect(shop.installed).toBe(false);
  });

  it("customers with orders cannot be deleted; others send customers/delete with the id", () => {
    const { shop, events } = recordingShop();
    const a = shop.createCustomer({ email: "a@mail.example" });
    const b = shop.createCustomer({ email: "b@mail.example" });
    shop.createOrder({ customerId: a.id, lineItems: [{ title: "A", price: "1.00" }] });
    expect(() => shop.deleteCustomer(a.id)).toThrow(/has orders/);
    shop.deleteCustomer(b.id);
    expect(events.at(-1)).toMatchObject({
      topic: "customers/delete",
      payload: { id: b.id, admin_graphql_api_id: `gid://shopify/Customer/${b.id}` },
    });
  });
});

describe("Admin GraphQL server", () => {
  let sim: ShopifySimulator;
  let shop: SimulatedShop;
  const end = new Date("2026-11-20T12:00:00Z");
  const history = generateDemoHistory({ seed: 11, customers: 300, targetOrders: 900, end });
  const finished: WebhookEvent[] = [];

  async function gql(
    query: string,
    variables?: Record<string, unknown>,
    token = shop.info.accessToken,
    domain = shop.domain,
  ) {
    const res = await fetch(sim.graphqlUrl(domain), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  async function runBulk(query: string): Promise<{ id: string; lines: Record<string, any>[]; raw: string }> {
    const run = await gql(appDocuments.RUN_BULK_QUERY, { query });
    expect(run.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const id = run.body.data.bulkOperationRunQuery.bulkOperation.id as string;
    const op = await sim.bulk.waitFor(shop.domain, Number(id.split("/").pop()));
    expect(op.status).toBe("COMPLETED");
    const status = await gql(appDocuments.BULK_OPERATION_STATUS, { id });
    const raw = await (await fetch(status.body.data.bulkOperation.url)).text();
    return {
      id,
      raw,
      lines: raw
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, any>),
    };
  }

  beforeAll(async () => {
    sim = await start({ bulk: { startDelayMs: 5, rowsPerTick: 200 } });
    shop = sim.createShop({ domain: "sim-test.myshopify.com", now: end, seed: 12 });
    shop.load(history);
    shop.onEvent((e) => e.topic === "bulk_operations/finish" && finished.push(e));
  });
  afterAll(async () => sim.close());

  it("every GraphQL document of the app (and the bulk inner query) is valid against the real 2026-07 schema and executes", async () => {
    const schema = adminSchema();
    const documents: [string, string][] = [];
    for (const [name, value] of Object.entries(appDocuments as Record<string, unknown>))
      if (typeof value === "string" && value.includes("#graphql")) documents.push([name, value]);
    documents.push(["backfillOrdersQuery(null)", appDocuments.backfillOrdersQuery(null)]);
    documents.push(["backfillOrdersQuery(since)", appDocuments.backfillOrdersQuery(new Date("2026-01-01T00:00:00Z"))]);
    expect(documents.length).toBeGreaterThanOrEqual(5);
    const bulk = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
    const bulkId = bulk.body.data.bulkOperationRunQuery.bulkOperation.id as string;
    await sim.bulk.waitFor(shop.domain, Number(bulkId.split("/").pop()));
    for (const [name, text] of documents) {
      expect(validate(schema, parse(text)).map((e) => `${name}: ${e.message}`)).toEqual([]);
      if (name.startsWith("backfillOrdersQuery") || name === "BACKFILL_ORDERS_QUERY") continue; // bulk-only documents (no first/last)
      const op = parse(text).definitions[0] as { variableDefinitions?: { variable: { name: { value: string } } }[] };
      const variables: Record<string, unknown> = {};
      const reconcile = name.startsWith("RECONCILE_");
      const since = "updated_at:>='2024-01-01T00:00:00.000Z'";
      for (const v of op.variableDefinitions ?? []) {
        const n = v.variable.name.value;
        if (n === "query") variables.query = reconcile ? since : appDocuments.backfillOrdersQuery(null);
        else if (n === "id") variables.id = reconcile ? `gid://shopify/Order/${[...shop.orders.keys()][0]}` : bulkId;
        else if (n === "after") variables.after = null;
        else if (/^(orders|customers)(Changed|Window)$/.test(n)) variables[n] = since;
        else throw new Error(`test does not know how to fill $${n} of ${name}; extend it`);
      }
      const { status, body } = await gql(text, variables);
      expect(status).toBe(200);
      expect(body.errors, `${name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
      expect(body.extensions.cost.requestedQueryCost).toBeGreaterThan(0);
      expect(body.extensions.cost.requestedQueryCost, name).toBeLessThanOrEqual(1000); // the single-query limit
    }
  });

  it("rejects a wrong access token with Shopify's 401 body, and unknown shops with 404", async () => {
    const wrong = await gql(appDocuments.SHOP_INFO, undefined, "shpat_wrong");
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
    const unknown = await gql(appDocuments.SHOP_INFO, undefined, "x", "nope.myshopify.com");
    expect(unknown.status).toBe(404);
  });

  it("invalid documents get Shopify-style errors with locations and codes", async () => {
    const { status, body } = await gql("{ shop { nme } }");
    expect(status).toBe(200);
    expect(body.errors[0]).toMatchObject({
      message: "Field 'nme' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 10 }],
      extensions: { code: "undefinedField" },
    });
    const syntax = await gql("{ shop { ");
    expect(syntax.body.errors[0].message).toMatch(/Syntax Error/);
    // A field the simulator does not model (and that needs no scope Ciclo lacks) is said so, never a silent null.
    const unsupported = await gql("{ shop { primaryDomain { host } } }");
    expect(unsupported.body.errors[0].extensions.code).toBe("SIMULATOR_UNSUPPORTED_FIELD");
    // One outside the granted scopes is denied first, as Shopify does (accountOwner needs read_users).
    const denied = await gql("{ shop { accountOwner { name } } }");
    expect(denied.body.errors[0]).toMatchObject({
      message: "Access denied for accountOwner field. Required access: `read_users` access scope.",
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_users` access scope." },
      path: ["shop", "accountOwner"],
    });
  });

  it("the backfill's bulk JSONL: one line per order with exactly the selected keys, line items as __parentId children after their parent", async () => {
    const { lines } = await runBulk(appDocuments.backfillOrdersQuery(null));
    // Expected keys come from the app's own document: the node's fields minus the nested connection.
    const nodeFields = (set: SelectionSetNode | undefined, name: string): SelectionSetNode => {
      const field = set?.selections.find((x): x is FieldNode => x.kind === Kind.FIELD && x.name.value === name);
      if (!field?.selectionSet) throw new Error(`no ${name} in the backfill query`);
      return field.selectionSet;
    };
    const doc = parse(appDocuments.backfillOrdersQuery(null)).definitions[0] as OperationDefinitionNode;
    const orderNode = nodeFields(nodeFields(nodeFields(doc.selectionSet, "orders"), "edges"), "node");
    const lineNode = nodeFields(nodeFields(nodeFields(orderNode, "lineItems"), "edges"), "node");
    const keysOf = (set: SelectionSetNode) =>
      set.selections.map((x) => (x as FieldNode).alias?.value ?? (x as FieldNode).name.value);
    const orderKeys = keysOf(orderNode).filter((k) => k !== "lineItems");
    const lineItemSelection = keysOf(lineNode);
    expect(orderKeys).toContain("updatedAt");

    const seen = new Set<string>();
    let orders = 0;
    let children = 0;
    let lastUpdated = "";
    for (const line of lines) {
      if ("__parentId" in line) {
        children++;
        expect(Object.keys(line)).toEqual([...lineItemSelection, "__parentId"]);
        expect(seen.has(line.__parentId)).toBe(true); // parent came first
        expect(line.id).toMatch(/^gid:\/\/shopify\/LineItem\/\d+$/);
        expect(line.originalUnitPriceSet.shopMoney.amount).toMatch(/^\d+\.\d{1,2}$/);
      } else {
        orders++;
        expect(Object.keys(line)).toEqual(orderKeys);
        expect(line.updatedAt >= lastUpdated).toBe(true); // sortKey: UPDATED_AT
        lastUpdated = line.updatedAt;
        seen.add(line.id);
        expect(Array.isArray(line.refunds)).toBe(true);
      }
    }
    expect(orders).toBe(history.orders.length);
    expect(children).toBe(history.orders.reduce((s, o) => s + o.lineItems.length, 0));
    const refunded = lines.find((l) => !("__parentId" in l) && l.refunds.length > 0)!;
    expect(Object.keys(refunded.refunds[0])).toEqual(keysOf(nodeFields(orderNode, "refunds")));
    const guest = lines.find((l) => !("__parentId" in l) && l.customer === null);
    expect(guest).toBeDefined();
  });

  it("the updated_at filter returns only orders changed since the date, and the finish webhook is sent", async () => {
    const since = new Date("2026-10-01T00:00:00Z");
    const { id, lines } = await runBulk(appDocuments.backfillOrdersQuery(since));
    const roots = lines.filter((l) => !("__parentId" in l));
    const expected = history.orders.filter((o) => o.updatedAt >= since).length;
    expect(roots.length).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(history.orders.length);
    const finish = finished.find((e) => (e.payload as { admin_graphql_api_id: string }).admin_graphql_api_id === id)!;
    expect(finish.payload).toMatchObject({ status: "completed", type: "query", error_code: null });
  });

  it("ungrouped output (groupObjects: false) still puts children after their parent, but not necessarily right below it", async () => {
    const mutation = appDocuments.RUN_BULK_QUERY.replace("groupObjects: true", "groupObjects: false");
    const run = await gql(mutation, { query: appDocuments.backfillOrdersQuery(null) });
    const id = Number((run.body.data.bulkOperationRunQuery.bulkOperation.id as string).split("/").pop());
    const op = await sim.bulk.waitFor(shop.domain, id);
    const lines = (await (await fetch(op.url!)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, any>);
    const position = new Map<string, number>();
    let notAdjacent = 0;
    lines.forEach((l, i) => {
      if (!("__parentId" in l)) position.set(l.id, i);
      else {
        expect(position.get(l.__parentId)).toBeLessThan(i);
        if (!("__parentId" in (lines[i - 1] as object)) && lines[i - 1]!.id !== l.__parentId) notAdjacent++;
      }
    });
    expect(notAdjacent).toBeGreaterThan(0);
  });

  it("bulk rules: invalid inner query -> INVALID userError; a second run while one is running -> OPERATION_IN_PROGRESS; RUNNING is observable", async () => {
    const invalid = await gql(appDocuments.RUN_BULK_QUERY, { query: "{ orders { edges { node { nope } } } }" });
    expect(invalid.body.data.bulkOperationRunQuery).toMatchObject({
      bulkOperation: null,
      userErrors: [{ field: ["query"], code: "INVALID", message: expect.stringContaining("nope") }],
    });
    const noConnection = await gql(appDocuments.RUN_BULK_QUERY, { query: "{ shop { name } }" });
    expect(noConnection.body.data.bulkOperationRunQuery.userErrors[0].message).toMatch(/at least one connection/);
    const noParentId = await gql(appDocuments.RUN_BULK_QUERY, {
      query: "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }",
    });
    expect(noParentId.body.data.bulkOperationRunQuery.userErrors[0].message).toMatch(/must select the 'id' field/);

    sim.bulk.configure({ maxConcurrentQueries: 1, rowsPerTick: 10, tickMs: 5 });
    try {
      const first = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
      const firstId = first.body.data.bulkOperationRunQuery.bulkOperation.id as string;
      const second = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
      expect(second.body.data.bulkOperationRunQuery).toMatchObject({
        bulkOperation: null,
        userErrors: [{ code: "OPERATION_IN_PROGRESS" }],
      });
      await new Promise((r) => setTimeout(r, 40));
      const running = await gql(appDocuments.BULK_OPERATION_STATUS, { id: firstId });
      expect(running.body.data.bulkOperation.status).toBe("RUNNING");
      expect(Number(running.body.data.bulkOperation.rootObjectCount)).toBeGreaterThan(0);
      expect(running.body.data.bulkOperation.url).toBeNull();
      await sim.bulk.waitFor(shop.domain, Number(firstId.split("/").pop()));
      const done = await gql(appDocuments.BULK_OPERATION_STATUS, { id: firstId });
      expect(done.body.data.bulkOperation).toMatchObject({
        status: "COMPLETED",
        rootObjectCount: String(history.orders.length),
      });
      expect(Number(done.body.data.bulkOperation.fileSize)).toBeGreaterThan(0);
    } finally {
      sim.bulk.configure({ maxConcurrentQueries: 5, rowsPerTick: 200, tickMs: 0 });
    }
  });

  it("injected faults: malformed lines, a FAILED operation with partial data, an expired URL", async () => {
    sim.bulk.injectFault(shop.domain, { kind: "malformed-lines", every: 50 });
    const bad = await runBulkRaw();
    const invalidLines = bad
      .trim()
      .split("\n")
      .filter((l) => {
        try {
          JSON.parse(l);
          return false;
        } catch {
          return true;
        }
      });
    expect(invalidLines.length).toBe(Math.floor(bad.trim().split("\n").length / 50));

    sim.bulk.injectFault(shop.domain, {
      kind: "fail",
      errorCode: "INTERNAL_SERVER_ERROR",
      afterRootObjects: 30,
      partialData: true,
    });
    const run = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
    const id = run.body.data.bulkOperationRunQuery.bulkOperation.id as string;
    await sim.bulk.waitFor(shop.domain, Number(id.split("/").pop()));
    const failed = await gql(appDocuments.BULK_OPERATION_STATUS, { id });
    expect(failed.body.data.bulkOperation).toMatchObject({
      status: "FAILED",
      errorCode: "INTERNAL_SERVER_ERROR",
      url: null,
      completedAt: null,
    });
    const partial = await (await fetch(failed.body.data.bulkOperation.partialDataUrl)).text();
    expect(
      partial
        .trim()
        .split("\n")
        .filter((l) => !l.includes("__parentId")),
    ).toHaveLength(30);
    expect(finished.at(-1)!.payload).toMatchObject({ status: "failed", error_code: "internal_server_error" });

    sim.bulk.injectFault(shop.domain, { kind: "expired-url", status: 403 });
    const expired = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
    const expiredId = expired.body.data.bulkOperationRunQuery.bulkOperation.id as string;
    const op = await sim.bulk.waitFor(shop.domain, Number(expiredId.split("/").pop()));
    expect((await fetch(op.url!)).status).toBe(403);
  });

  async function runBulkRaw(): Promise<string> {
    const run = await gql(appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
    const op = await sim.bulk.waitFor(
      shop.domain,
      Number((run.body.data.bulkOperationRunQuery.bulkOperation.id as string).split("/").pop()),
    );
    return (await fetch(op.url!)).text();
  }

  it("uninstalling revokes the token", async () => {
    const other = sim.createShop({ domain: "uninstalled.myshopify.com" });
    expect((await gql(appDocuments.SHOP_INFO, undefined, other.info.accessToken, other.domain)).status).toBe(200);
    other.uninstallApp();
    expect((await gql(appDocuments.SHOP_INFO, undefined, other.info.accessToken, other.domain)).status).toBe(401);
  });
});

describe("cost-based throttling", () => {
  it("a burst beyond the bucket is THROTTLED (HTTP 200) and the bucket restores at the plan's rate", async () => {
    let now = 0;
    const sim = await start({ throttleNow: () => now });
    try {
      for (const [plan, max, rate] of [
        ["standard", 2000, 100],
        ["plus", 20000, 1000],
      ] as const) {
        const shop = sim.createShop({ domain: `throttle-${plan}.myshopify.com`, plan });
        for (let i = 0; i < 30; i++) shop.createOrder({ lineItems: [{ title: "A", price: "1.00" }] });
        const query = "{ orders(first: 100) { edges { node { id lineItems(first: 8) { edges { node { id } } } } } } }";
        const post = () =>
          fetch(sim.graphqlUrl(shop.domain), {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": shop.info.accessToken },
            body: JSON.stringify({ query }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
        // Requested: 2 + 100 x (1 + 2 + 8 x 1) = 1102 > 1000: over the single-query limit.
        const tooBig = await post();
        expect(tooBig.body.errors[0].extensions).toMatchObject({
          code: "MAX_COST_EXCEEDED",
          cost: 1102,
          maxCost: 1000,
        });

        const cheaper = query.replace("first: 100", "first: 50"); // 2 + 50 x 11 = 552 requested
        const send = () =>
          fetch(sim.graphqlUrl(shop.domain), {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": shop.info.accessToken },
            body: JSON.stringify({ query: cheaper }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
        const first = await send();
        expect(first.body.extensions.cost).toMatchObject({
          requestedQueryCost: 552,
          throttleStatus: { maximumAvailable: max, restoreRate: rate },
        });
        // Actual cost: 2 + 30 orders x (1 + 2 + 1 line) = 122; the rest is refunded.
        expect(first.body.extensions.cost.actualQueryCost).toBe(122);
        expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(max - 122);
        sim.bucket(shop.domain).setAvailable(500); // drain: less than 552 left
        const throttled = await send();
        expect(throttled.status).toBe(200);
        expect(throttled.body).toEqual({
          errors: [
            {
              message: "Throttled",
              extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: 552,
              actualQueryCost: null,
              throttleStatus: { maximumAvailable: max, currentlyAvailable: 500, restoreRate: rate },
            },
          },
        });
        now += 1000; // one second later the bucket gained exactly the restore rate
        expect(sim.bucket(shop.domain).status().currentlyAvailable).toBe(Math.min(max, 500 + rate));
        now += 60_000;
        expect(sim.bucket(shop.domain).status().currentlyAvailable).toBe(max);
        expect(sim.stats(shop.domain)).toMatchObject({ requests: 3, throttled: 1 });
      }
    } finally {
      await sim.close();
    }
  });
});

describe("demo history generator", () => {
  const end = new Date("2026-11-20T12:00:00Z");
  const hash = (h: ReturnType<typeof generateDemoHistory>) =>
    createHash("sha256")
      .update(JSON.stringify([h.customers, h.orders]))
      .digest("hex");

  it("is deterministic: same seed -> same hash, other seed -> different", () => {
    const a = generateDemoHistory({ seed: "det", customers: 1000, targetOrders: 3000, end });
    const b = generateDemoHistory({ seed: "det", customers: 1000, targetOrders: 3000, end });
    const c = generateDemoHistory({ seed: "other", customers: 1000, targetOrders: 3000, end });
    expect(hash(a)).toBe(hash(b));
    expect(hash(a)).not.toBe(hash(c));
  });

  it("has the default demo shape (20k customers, ~60k orders over 3 years) and is fast", () => {
    const t0 = performance.now();
    const h = generateDemoHistory({ seed: 42, end });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(10_000); // about 1 s on the 2-core dev machine
    const s = h.stats;
    expect(s.customers).toBe(20_000);
    expect(s.orders).toBeGreaterThan(57_000);
    expect(s.orders).toBeLessThan(63_000);
    expect(s.guestOrders / s.orders).toBeGreaterThan(0.08);
    expect(s.guestOrders / s.orders).toBeLessThan(0.12);
    expect(s.refundedOrders / s.orders).toBeGreaterThan(0.04);
    expect(s.refundedOrders / s.orders).toBeLessThan(0.06);
    expect(s.fullyRefundedOrders).toBeGreaterThan(0);
    expect(s.refundedOrders).toBeGreaterThan(s.fullyRefundedOrders); // partial refunds too
    expect(s.cancelledOrders / s.orders).toBeGreaterThan(0.015);
    expect(s.cancelledOrders / s.orders).toBeLessThan(0.025);
    expect(s.voidedOrders).toBeGreaterThan(0);
    expect(s.testOrders).toBeGreaterThan(0);
    const repeatShare = s.repeatCustomers / s.customersWithOrders;
    expect(repeatShare).toBeGreaterThan(0.3);
    expect(repeatShare).toBeLessThan(0.7);
    // Heterogeneity: the top 10 % of buyers place a large share of orders.
    const perCustomer = new Map<number, number>();
    for (const o of h.orders)
      if (o.customerId !== null) perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + 1);
    const counts = [...perCustomer.values()].sort((a, b) => b - a);
    const top = counts.slice(0, Math.ceil(counts.length / 10)).reduce((x, y) => x + y, 0);
    expect(top / counts.reduce((x, y) => x + y, 0)).toBeGreaterThan(0.3);
    // Seasonality: Black Friday week beats an ordinary week in late summer.
    const inRange = (from: string, to: string) =>
      h.orders.filter((o) => o.createdAt >= new Date(from) && o.createdAt < new Date(to)).length;
    expect(inRange("2025-11-28", "2025-12-02")).toBeGreaterThan(2 * inRange("2025-08-22", "2025-08-26"));
    // Consistency: ids unique and increasing with time, updated_at never before created_at nor after the end.
    expect(new Set(h.orders.map((o) => o.id)).size).toBe(h.orders.length);
    expect(h.orders.every((o) => o.updatedAt >= o.createdAt && o.updatedAt <= end)).toBe(true);
    expect(new Set(h.customers.map((c) => c.email)).size).toBe(h.customers.length);
    const sources = new Set(h.orders.map((o) => o.sourceName));
    for (const s of ["web", "pos", "shopify_draft_order", "iphone"]) expect(sources.has(s)).toBe(true);
    expect(h.orders.some((o) => o.landingSite?.includes("utm_source=instagram"))).toBe(true);
  });

  it("a live stream continues the history through the shop's mutations (webhooks, monotonic updated_at)", () => {
    const h = generateDemoHistory({ seed: 5, customers: 200, targetOrders: 600, end });
    const shop = new SimulatedShop({ now: end, seed: 5 });
    shop.load(h);
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const actions = new LiveEventStream(shop, { seed: 5 }).run(200);
    expect(new Set(actions.map((a) => a.kind)).size).toBeGreaterThanOrEqual(6);
    const topics = new Set(events.map((e) => e.topic));
    for (const t of ["orders/create", "orders/updated", "refunds/create", "customers/create", "customers/update"])
      expect(topics.has(t as never)).toBe(true);
    const newIds = events.filter((e) => e.topic === "orders/create").map((e) => (e.payload as { id: number }).id);
    expect(Math.min(...newIds)).toBeGreaterThan(Math.max(...h.orders.map((o) => o.id)));
    const stamps = events
      .filter((e) => e.topic === "orders/updated")
      .map((e) => Date.parse((e.payload as { updated_at: string }).updated_at));
    expect(stamps.every((t, i) => i === 0 || t > (stamps[i - 1] as number))).toBe(true);
  });
});
