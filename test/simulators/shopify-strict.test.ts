/* eslint-disable @typescript-eslint/no-explicit-any -- these tests read loosely typed GraphQL JSON responses */
/**
 * The simulator behaves like Shopify where a forgiving stand-in would hide real breakages (each behaviour's
 * source is cited in simulators/shopify/README.md): expiring, rotating, revocable tokens; scopes and protected
 * customer data enforced from the schema's own notes; 60 days of orders without read_all_orders; presentment
 * currencies; one event id per merchant action; bulk LIMIT_REACHED, CANCELING and partial data; the 2026-07
 * customer payload.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as appDocuments from "../../app/platforms/shopify/graphql";
import { start, type ShopifySimulator } from "../../simulators/shopify/server";
import type { SimulatedShop } from "../../simulators/shopify/store";
import type { WebhookEvent } from "../../simulators/shopify/webhooks";

let sim: ShopifySimulator;
let n = 0;
beforeAll(async () => {
  sim = await start({ app: { clientId: "ciclo-key", clientSecret: "ciclo-secret" } });
});
afterAll(async () => {
  await sim.close();
});

async function gql(
  shop: SimulatedShop,
  query: string,
  variables?: Record<string, unknown>,
  token = shop.info.accessToken,
) {
  const res = await fetch(sim.graphqlUrl(shop.domain), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function refresh(shop: SimulatedShop, refreshToken: string, secret = "ciclo-secret") {
  const res = await fetch(`${sim.baseUrl}/shops/${shop.domain}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_id: "ciclo-key",
      client_secret: secret,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const newShop = (opts: Parameters<ShopifySimulator["createShop"]>[0] = {}) =>
  sim.createShop({ domain: `strict-${++n}.myshopify.com`, ...opts });

describe("expiring offline tokens", () => {
  it("an access token works for 60 minutes, then 401; its refresh token gives a new pair and stops working", async () => {
    const shop = newShop();
    const { accessToken, refreshToken } = shop.info;
    expect((await gql(shop, appDocuments.SHOP_INFO)).status).toBe(200);
    sim.tokenClock.advance(59 * 60_000);
    expect((await gql(shop, appDocuments.SHOP_INFO)).status).toBe(200);
    sim.tokenClock.advance(2 * 60_000);
    expect((await gql(shop, appDocuments.SHOP_INFO)).status).toBe(401);
    expect((await refresh(shop, refreshToken, "wrong")).status).toBe(401); // invalid_client
    const renewed = await refresh(shop, refreshToken);
    expect(renewed).toMatchObject({
      status: 200,
      body: { expires_in: 3600, refresh_token_expires_in: 7_776_000, scope: expect.stringContaining("read_orders") },
    });
    expect((await gql(shop, appDocuments.SHOP_INFO, undefined, renewed.body.access_token)).status).toBe(200);
    expect(await refresh(shop, refreshToken)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(accessToken).not.toBe(renewed.body.access_token);
  });

  it("uninstalling revokes the access and the refresh token", async () => {
    const shop = newShop();
    const { refreshToken } = shop.info;
    shop.uninstallApp();
    expect((await gql(shop, appDocuments.SHOP_INFO)).status).toBe(401);
    expect(await refresh(shop, refreshToken)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });
});

describe("access scopes and protected customer data", () => {
  it("a field outside the granted scopes is ACCESS_DENIED the way Shopify words it, the rest is answered", async () => {
    const shop = newShop({ grantedScopes: ["read_orders"] });
    shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    const r = await gql(shop, "{ orders(first: 1) { nodes { id customer { id } } } }");
    expect(r.status).toBe(200);
    expect(r.body.data.orders.nodes).toEqual([{ id: expect.any(String), customer: null }]);
    expect(r.body.errors[0]).toMatchObject({
      message: "Access denied for customer field. Required access: `read_customers` access scope.",
      path: ["orders", "nodes", 0, "customer"],
    });
    const top = await gql(shop, "{ customers(first: 1) { nodes { id } } }");
    expect(top.body.errors).toContainEqual(
      expect.objectContaining({
        message: "Access denied for customers field. Required access: `read_customers` access scope.",
        path: ["customers"],
        extensions: expect.objectContaining({ code: "ACCESS_DENIED" }),
      }),
    );
  });

  it("Customer.statistics: null fields until Shopify scores the customer, read_customers to read, level 1 enough", async () => {
    const shop = newShop({ protectedCustomerData: "level1" });
    const buyer = shop.createCustomer({ email: "s@example.com", acceptsEmailMarketing: true });
    const prospect = shop.createCustomer({ email: "p@example.com" });
    shop.createOrder({ customerId: buyer.id, lineItems: [{ title: "A", price: "10.00" }] });
    const query = `{ customers(first: 5, sortKey: ID) { nodes { id statistics { rfmGroup predictedSpendTier }
      defaultEmailAddress { marketingState } } } }`;
    const before = await gql(shop, query);
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.customers.nodes.map((n: any) => n.statistics)).toEqual([
      { rfmGroup: null, predictedSpendTier: null },
      { rfmGroup: null, predictedSpendTier: null },
    ]);
    shop.computeStatistics();
    const after = await gql(shop, query);
    expect(after.body.data.customers.nodes).toEqual([
      {
        id: `gid://shopify/Customer/${buyer.id}`,
        statistics: { rfmGroup: "NEW", predictedSpendTier: "HIGH" },
        defaultEmailAddress: { marketingState: "SUBSCRIBED" },
      },
      {
        id: `gid://shopify/Customer/${prospect.id}`,
        statistics: { rfmGroup: "PROSPECTS", predictedSpendTier: "LOW" },
        defaultEmailAddress: { marketingState: "NOT_SUBSCRIBED" },
      },
    ]);
    const denied = newShop({ grantedScopes: ["read_orders"] });
    const c = denied.createCustomer({ email: "d@example.com" });
    denied.createOrder({ customerId: c.id, lineItems: [{ title: "A", price: "10.00" }] });
    const r = await gql(denied, "{ orders(first: 1) { nodes { id customer { statistics { rfmGroup } } } } }");
    expect(r.body.data.orders.nodes[0].customer).toBeNull();
    expect(r.body.errors[0]).toMatchObject({
      message: "Access denied for customer field. Required access: `read_customers` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("tagsAdd on a customer needs write_customers", async () => {
    const shop = newShop({ grantedScopes: ["read_customers", "read_orders"] });
    const c = shop.createCustomer({ email: "x@example.com" });
    const r = await gql(shop, 'mutation($id: ID!) { tagsAdd(id: $id, tags: ["a"]) { userErrors { message } } }', {
      id: `gid://shopify/Customer/${c.id}`,
    });
    expect(r.body.errors[0].extensions.code).toBe("ACCESS_DENIED");
    expect(shop.customer(c.id).tags).toEqual([]);
  });

  it("without level 2 approval names and emails are denied (level 1: the customer object too)", async () => {
    for (const level of ["level1", "none"] as const) {
      const shop = newShop({ protectedCustomerData: level });
      const c = shop.createCustomer({ email: "pii@example.com", firstName: "Pia" });
      shop.createOrder({ customerId: c.id, lineItems: [{ title: "A", price: "10.00" }] });
      const r = await gql(shop, "{ orders(first: 1) { nodes { id email customer { id firstName } } } }");
      const node = r.body.data.orders.nodes[0];
      expect(node.email).toBeNull();
      if (level === "level1") expect(node.customer).toEqual({ id: `gid://shopify/Customer/${c.id}`, firstName: null });
      else expect(node.customer).toBeNull();
      expect(r.body.errors.every((e: any) => e.extensions.code === "ACCESS_DENIED")).toBe(true);
    }
  });

  it("webhooks: level 1 blanks names, emails and addresses; without approval customer-data topics are not sent", () => {
    for (const level of ["level1", "none"] as const) {
      const shop = newShop({ protectedCustomerData: level });
      const events: WebhookEvent[] = [];
      shop.onEvent((e) => events.push(e));
      const c = shop.createCustomer({ email: "pii@example.com", firstName: "Pia", countryCode: "DE" });
      shop.createOrder({ customerId: c.id, lineItems: [{ title: "A", price: "10.00" }] });
      shop.redactCustomer(c.id);
      if (level === "none") expect(events.map((e) => e.topic)).toEqual(["customers/redact"]);
      else {
        const order = events.find((e) => e.topic === "orders/create")!.payload as any;
        expect([order.email, order.customer.email, order.customer.first_name, order.customer.default_address]).toEqual([
          null,
          null,
          null,
          null,
        ]);
        expect(order.total_price).toBe("10.00");
      }
    }
  });

  it("without read_all_orders only orders of the last 60 days exist for the app", async () => {
    const shop = newShop({ now: new Date("2026-01-01T00:00:00Z"), grantedScopes: ["read_orders"] });
    const old = shop.createOrder({ lineItems: [{ title: "Old", price: "10.00" }] });
    shop.clock.advance(61 * 86_400_000);
    const recent = shop.createOrder({ lineItems: [{ title: "New", price: "10.00" }] });
    const r = await gql(shop, "{ orders(first: 10) { nodes { id } } }");
    expect(r.body.data.orders.nodes).toEqual([{ id: `gid://shopify/Order/${recent.id}` }]);
    const one = await gql(shop, `{ order(id: "gid://shopify/Order/${old.id}") { id } }`);
    expect(one.body.data.order).toBeNull();
  });
});

describe("money, events and payloads", () => {
  it("an order paid in another currency: shop money and presentment money differ, transactions are in presentment", async () => {
    const shop = newShop();
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const o = shop.createOrder({
      lineItems: [{ title: "A", price: "100.00" }],
      presentment: { currency: "GBP", rate: 0.86 },
    });
    const p = events[0]!.payload as any;
    expect(p).toMatchObject({ currency: "EUR", presentment_currency: "GBP", total_price: "100.00" });
    expect(p.total_price_set).toEqual({
      shop_money: { amount: "100.00", currency_code: "EUR" },
      presentment_money: { amount: "86.00", currency_code: "GBP" },
    });
    shop.refund(o.id, { amountCents: 1000 });
    const refund = events.find((e) => e.topic === "refunds/create")!.payload as any;
    expect(refund.transactions[0]).toMatchObject({ amount: "8.60", currency: "GBP" });
    const r = await gql(
      shop,
      `{ order(id: "gid://shopify/Order/${o.id}") { presentmentCurrencyCode totalRefundedSet { shopMoney { amount } presentmentMoney { amount currencyCode } } } }`,
    );
    expect(r.body.data.order).toEqual({
      presentmentCurrencyCode: "GBP",
      totalRefundedSet: { shopMoney: { amount: "10.0" }, presentmentMoney: { amount: "8.6", currencyCode: "GBP" } },
    });
  });

  it("the topics of one merchant action share one event id; separate actions do not", () => {
    const shop = newShop();
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const o = shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    shop.refund(o.id, { amountCents: 500 });
    const ids = (topics: string[]) => new Set(events.filter((e) => topics.includes(e.topic)).map((e) => e.eventId));
    expect(ids(["orders/create", "orders/paid"]).size).toBe(1);
    expect(ids(["refunds/create", "orders/updated"]).size).toBe(1);
    expect(ids(["orders/create", "refunds/create"]).size).toBe(2);
  });

  it("customer payloads are 2026-07's: no tags and no marketing consent (moved to their own topics in 2025-01)", () => {
    const shop = newShop();
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    shop.createCustomer({ email: "c@example.com", tags: ["VIP"], acceptsEmailMarketing: true });
    const p = events[0]!.payload;
    for (const gone of ["tags", "email_marketing_consent", "sms_marketing_consent"]) expect(p).not.toHaveProperty(gone);
    expect(p).toMatchObject({ email: "c@example.com", admin_graphql_api_id: expect.stringMatching(/^gid:/) });
  });

  it("an order edit sends orders/edited (the edit) and orders/updated (the order, current totals lower)", () => {
    const shop = newShop();
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const o = shop.createOrder({
      lineItems: [{ title: "A", price: "30.00", quantity: 2 }],
      financialStatus: "pending",
    });
    shop.editOrder(o.id, { remove: [{ lineItemId: o.lineItems[0]!.id, quantity: 1 }] });
    const [edited, updated] = events.slice(-2);
    expect(edited!.payload).toMatchObject({
      order_edit: { order_id: o.id, line_items: { removals: [{ id: o.lineItems[0]!.id, delta: 1 }], additions: [] } },
    });
    expect(updated!.payload).toMatchObject({ total_price: "60.00", current_total_price: "30.00" });
    expect((updated!.payload as any).line_items[0]).toMatchObject({ quantity: 2, current_quantity: 1 });
    expect(edited!.eventId).toBe(updated!.eventId);
  });
});

describe("bulk operation states", () => {
  async function runBulk(shop: SimulatedShop) {
    return gql(shop, appDocuments.RUN_BULK_QUERY, { query: appDocuments.backfillOrdersQuery(null) });
  }

  it("LIMIT_REACHED is a userError of bulkOperationRunQuery; the next call is taken", async () => {
    const shop = newShop();
    shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    sim.bulk.injectFault(shop.domain, { kind: "limit-reached" });
    const refused = await runBulk(shop);
    expect(refused.body.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [
        { field: null, message: "Bulk operations limit reached. Please try again later.", code: "LIMIT_REACHED" },
      ],
    });
    expect((await runBulk(shop)).body.data.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
  });

  it("a canceled operation is CANCELING for a while, then CANCELED without a file", async () => {
    const shop = newShop();
    for (let i = 0; i < 20; i++) shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    sim.bulk.injectFault(shop.domain, { kind: "canceled", afterRootObjects: 5, cancelingMs: 150 });
    const id = Number((await runBulk(shop)).body.data.bulkOperationRunQuery.bulkOperation.id.split("/").pop());
    const statuses = new Set<string>();
    const final = sim.bulk.waitFor(shop.domain, id);
    while (!["CANCELED"].includes(sim.bulk.get(shop.domain, id)!.status)) {
      statuses.add(sim.bulk.get(shop.domain, id)!.status);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(statuses).toContain("CANCELING");
    expect(await final).toMatchObject({ status: "CANCELED", url: null });
  });

  it("a query reading protected data the app is not approved for fails with ACCESS_DENIED", async () => {
    const shop = newShop({ protectedCustomerData: "level1" });
    shop.createOrder({ lineItems: [{ title: "A", price: "10.00" }] });
    const id = Number((await runBulk(shop)).body.data.bulkOperationRunQuery.bulkOperation.id.split("/").pop());
    expect(await sim.bulk.waitFor(shop.domain, id)).toMatchObject({ status: "FAILED", errorCode: "ACCESS_DENIED" });
    const reduced = await gql(shop, appDocuments.RUN_BULK_QUERY, {
      query: appDocuments.backfillOrdersQuery(null, "no-pii"),
    });
    const ok = Number(reduced.body.data.bulkOperationRunQuery.bulkOperation.id.split("/").pop());
    expect(await sim.bulk.waitFor(shop.domain, ok)).toMatchObject({ status: "COMPLETED" });
  });
});
