/**
 * The REST client and sync against the WooCommerce simulator: both auth modes, bad credentials, retries,
 * anchored pagination, increments with modified_after (trash included) and refunds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkCredentials,
  createWooClient,
  syncWooCustomers,
  syncWooOrders,
  WooApiError,
  type WooClient,
  type WooStoreOrder,
} from "../../../app/platforms/woocommerce";
import { countsTowardCustomerValue, netOrderAmountMinor } from "../../../app/domain/orders";
import { startWooSimulator, type WooSimulator } from "../../../simulators/woocommerce";

const GUEST_KEY = "per-store-guest-key";
let sim: WooSimulator;

beforeAll(async () => {
  sim = await startWooSimulator();
});
afterAll(async () => {
  await sim.close();
});

function client(mode: "https" | "http" | "query", key = sim.adminKey, extra: { maxRetries?: number } = {}): WooClient {
  return createWooClient({
    allowPrivateAddresses: true,
    storeUrl: mode === "http" ? sim.httpUrl : sim.httpsUrl,
    consumerKey: key.consumerKey,
    consumerSecret: key.consumerSecret,
    ca: sim.ca,
    queryStringAuth: mode === "query",
    retryBaseMs: 1,
    ...extra,
  });
}

async function allOrders(c: WooClient, options: Partial<Parameters<typeof syncWooOrders>[1]> = {}) {
  const orders: WooStoreOrder[] = [];
  let pages = 0;
  let next: Date | null = null;
  for await (const page of syncWooOrders(c, { guestKey: GUEST_KEY, ...options })) {
    pages++;
    orders.push(...page.orders);
    next = page.nextModifiedAfter;
  }
  return { orders, pages, next };
}

describe("auth modes", () => {
  it("reads over https with Basic auth, https with query keys, and http with OAuth 1.0a", async () => {
    sim.store.createOrder({
      status: "completed",
      customer_id: 0,
      billing: { email: "a@example.com" },
      line_items: [{ product_id: 12 }],
    });
    for (const mode of ["https", "query", "http"] as const) {
      const c = client(mode);
      const res = await c.get<unknown[]>("orders", { per_page: 5, search: "with spaces & symbols/é" });
      expect(res.status).toBe(200);
      expect(c.transport).toBe({ https: "basic-auth", query: "query-string", http: "oauth1" }[mode]);
    }
  });

  it("OAuth also signs writes (PUT with a JSON body)", async () => {
    const order = sim.store.createOrder({ status: "pending", line_items: [{ product_id: 13 }] });
    const res = await client("http").put<{ status: string }>(`orders/${order.id}`, { status: "on-hold" });
    expect(res.data.status).toBe("on-hold");
  });

  it("refuses Basic auth over plain http like WooCommerce (401 woocommerce_rest_cannot_view)", async () => {
    const basic = Buffer.from(`${sim.adminKey.consumerKey}:${sim.adminKey.consumerSecret}`).toString("base64");
    const res = await fetch(`${sim.httpUrl}/wp-json/wc/v3/orders`, { headers: { Authorization: `Basic ${basic}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("woocommerce_rest_cannot_view");
    const forwarded = await fetch(`${sim.httpUrl}/wp-json/wc/v3/orders`, {
      headers: { Authorization: `Basic ${basic}`, "X-Forwarded-Proto": "https" },
    });
    expect(forwarded.status).toBe(200);
  });

  it("rejects a forged OAuth signature and a replayed nonce", async () => {
    const c = client("http");
    await c.get("orders", { per_page: 1 });
    const forged = createWooClient({
      allowPrivateAddresses: true,
      storeUrl: sim.httpUrl,
      consumerKey: sim.adminKey.consumerKey,
      consumerSecret: "cs_wrong",
    });
    await expect(forged.get("orders")).rejects.toMatchObject({
      status: 401,
      code: "woocommerce_rest_authentication_error",
    });
    // Replay: the very same signed URL twice.
    const url = new URL(`${sim.httpUrl}/wp-json/wc/v3/orders`);
    const { oauthBaseString } = await import("../../../simulators/woocommerce/auth");
    const { createHmac } = await import("node:crypto");
    const params = {
      oauth_consumer_key: sim.adminKey.consumerKey,
      oauth_nonce: "fixednonce123",
      oauth_signature_method: "HMAC-SHA256",
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const base = oauthBaseString("GET", url.toString(), params);
    const signature = createHmac("sha256", `${sim.adminKey.consumerSecret}&`).update(base).digest("base64");
    for (const [k, v] of Object.entries({ ...params, oauth_signature: signature })) url.searchParams.set(k, v);
    expect((await fetch(url)).status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { message: string }).message).toMatch(/nonce has already been used/);
  });
});

describe("bad credentials", () => {
  it("explains why keys cannot read orders", async () => {
    const wrongSecret = createWooClient({
      allowPrivateAddresses: true,
      storeUrl: sim.httpsUrl,
      consumerKey: sim.adminKey.consumerKey,
      consumerSecret: "cs_" + "0".repeat(40),
      ca: sim.ca,
    });
    const unknown = createWooClient({
      allowPrivateAddresses: true,
      storeUrl: sim.httpsUrl,
      consumerKey: "ck_" + "1".repeat(40),
      consumerSecret: "cs_" + "2".repeat(40),
      ca: sim.ca,
    });
    const writeOnly = client("https", sim.store.createApiKey(1, "write"));
    const customer = sim.store.createCustomer({ email: "keyowner@example.com" });
    const customerKey = client("https", sim.store.createApiKey(customer.id, "read_write"));
    expect(await checkCredentials(wrongSecret)).toEqual({
      ok: false,
      reason: "these keys can't read orders: Consumer secret is invalid.",
    });
    expect(await checkCredentials(unknown)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^these keys can't read orders: WooCommerce did not recognise them/),
    });
    expect(await checkCredentials(writeOnly)).toEqual({
      ok: false,
      reason: "these keys can't read orders: The API key provided does not have read permissions.",
    });
    expect(await checkCredentials(customerKey)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/may not view orders/),
    });
    expect(await checkCredentials(client("http"))).toMatchObject({ ok: true });
  });

  it("never puts keys or signatures into error messages", async () => {
    const c = createWooClient({
      allowPrivateAddresses: true,
      storeUrl: sim.httpUrl,
      consumerKey: sim.adminKey.consumerKey,
      consumerSecret: "cs_secret_never_shown",
    });
    const error = await c.get("orders").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WooApiError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(sim.adminKey.consumerKey);
    expect(text).not.toContain("cs_secret_never_shown");
    expect(text).not.toContain("oauth_signature");
  });
});

describe("retries", () => {
  it("retries GETs on 429 (honouring Retry-After) and 503, not a non-idempotent POST on 500", async () => {
    const c = client("https");
    sim.failNext(1, 429, 0);
    sim.failNext(1, 503);
    const before = c.requestCount;
    await expect(c.get("orders", { per_page: 1 })).resolves.toMatchObject({ status: 200 });
    expect(c.requestCount - before).toBe(3);
    sim.failNext(1, 500);
    await expect(c.post("orders", { line_items: [] })).rejects.toMatchObject({ status: 500 });
    sim.failNext(5, 503);
    await expect(client("https", sim.adminKey, { maxRetries: 2 }).get("orders")).rejects.toMatchObject({ status: 503 });
    sim.failNext(0, 200);
  });
});

describe("order sync", () => {
  it("backfills with per_page=100 in id order, and a collection shifting mid-pass loses nothing", async () => {
    const local = await startWooSimulator();
    try {
      const ids: number[] = [];
      for (let i = 0; i < 250; i++)
        ids.push(
          local.store.createOrder({
            status: "completed",
            customer_id: 0,
            billing: { email: `g${i}@example.com` },
            line_items: [{ product_id: 12 }],
          }).id,
        );
      const c = createWooClient({
        allowPrivateAddresses: true,
        storeUrl: local.httpsUrl,
        consumerKey: local.adminKey.consumerKey,
        consumerSecret: local.adminKey.consumerSecret,
        ca: local.ca,
      });
      const seen: string[] = [];
      let trashed = false;
      for await (const page of syncWooOrders(c, { guestKey: GUEST_KEY })) {
        seen.push(...page.orders.map((o) => o.externalId));
        if (!trashed) {
          // After the first page, trash 3 orders we already have: a page=N walk would now skip 3 orders.
          for (const id of ids.slice(10, 13)) local.store.trashOrder(id);
          trashed = true;
        }
      }
      const expected = ids.filter((id) => !ids.slice(10, 13).includes(id) || seen.includes(String(id))).map(String);
      expect(new Set(seen)).toEqual(new Set(expected));
      expect(seen.length).toBe(new Set(seen).size); // no duplicates
      const listCalls = local.requests.filter((r) => r.path.endsWith("/orders"));
      expect(listCalls.length).toBeLessThanOrEqual(5);
      expect(local.requests.every((r) => r.status === 200)).toBe(true);
    } finally {
      await local.close();
    }
  });

  it("maps statuses: completed/processing count, refunded nets, the rest do not", async () => {
    const local = await startWooSimulator();
    try {
      const cust = local.store.createCustomer({ email: "ann@example.com", first_name: "Ann" });
      const made: Record<string, number> = {};
      for (const status of ["completed", "processing", "on-hold", "pending", "failed", "cancelled", "checkout-draft"]) {
        made[status] = local.store.createOrder({
          status,
          customer_id: cust.id,
          line_items: [{ product_id: 13, quantity: 2 }],
        }).id;
      }
      const partly = local.store.createOrder({
        status: "completed",
        customer_id: cust.id,
        line_items: [{ product_id: 13, quantity: 2 }],
      });
      local.store.createRefund(partly.id, "5.25", "dent");
      const full = local.store.createOrder({
        status: "processing",
        customer_id: cust.id,
        line_items: [{ product_id: 12 }],
      });
      local.store.createRefund(full.id, "4.00", "a");
      local.store.createRefund(full.id, "6.00", "b");
      const trashed = local.store.createOrder({
        status: "completed",
        customer_id: cust.id,
        line_items: [{ product_id: 12 }],
      });
      local.store.trashOrder(trashed.id);
      const c = createWooClient({
        allowPrivateAddresses: true,
        storeUrl: local.httpUrl,
        consumerKey: local.adminKey.consumerKey,
        consumerSecret: local.adminKey.consumerSecret,
      });
      const { orders } = await allOrders(c, { refundDetails: true });
      const byId = new Map(orders.map((o) => [o.externalId, o]));
      const counts = (id: number) => countsTowardCustomerValue(byId.get(String(id))!);
      expect(counts(made["completed"]!)).toBe(true);
      expect(counts(made["processing"]!)).toBe(true);
      for (const s of ["on-hold", "pending", "failed", "cancelled", "checkout-draft"])
        expect(counts(made[s]!), s).toBe(false);
      expect(byId.get(String(made["cancelled"]!))!.cancelledAt).not.toBeNull();
      expect(byId.get(String(made["pending"]!))!.voided).toBe(true);
      const p = byId.get(String(partly.id))!;
      expect(netOrderAmountMinor(p)).toBe(4900 - 525);
      expect(p.refunds[0]).toMatchObject({ amountMinor: 525, orderExternalId: String(partly.id) });
      const f = byId.get(String(full.id))!;
      expect(f.wooStatus).toBe("refunded");
      expect(counts(full.id)).toBe(false); // fully refunded nets to 0
      expect(byId.has(String(trashed.id))).toBe(false); // a backfill never reads the trash
      expect(p.customer).toMatchObject({ externalId: String(cust.id), guest: false });
    } finally {
      await local.close();
    }
  });

  it("increments with modified_after from the store's clock, trash included", async () => {
    const local = await startWooSimulator();
    try {
      const c = createWooClient({
        allowPrivateAddresses: true,
        storeUrl: local.httpsUrl,
        consumerKey: local.adminKey.consumerKey,
        consumerSecret: local.adminKey.consumerSecret,
        ca: local.ca,
      });
      const a = local.store.createOrder({
        status: "processing",
        line_items: [{ product_id: 12 }],
        billing: { email: "x@example.com" },
      });
      const b = local.store.createOrder({
        status: "processing",
        line_items: [{ product_id: 12 }],
        billing: { email: "y@example.com" },
      });
      const first = await allOrders(c);
      expect(first.orders.map((o) => o.externalId)).toEqual([String(a.id), String(b.id)]);
      expect(first.next!.getTime()).toBeLessThanOrEqual(Date.now() - 59_000);
      local.store.clock.advance(120_000);
      local.store.updateOrder(a.id, { status: "completed" });
      local.store.trashOrder(b.id);
      const c2 = await allOrders(c, { modifiedAfter: new Date(local.store.clock.nowMs() - 61_000) });
      expect(c2.orders.map((o) => [o.externalId, o.wooStatus])).toEqual([
        [String(a.id), "completed"],
        [String(b.id), "trash"],
      ]);
      expect(countsTowardCustomerValue(c2.orders[1]!)).toBe(false);
      const none = await allOrders(c, { modifiedAfter: new Date(local.store.clock.nowMs() + 5_000) });
      expect(none.orders).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it("pages customers of every role in id order", async () => {
    const local = await startWooSimulator();
    try {
      for (let i = 0; i < 120; i++)
        local.store.createCustomer({
          email: `c${i}@example.com`,
          first_name: `Z${120 - i}`,
          role: i % 10 === 0 ? "subscriber" : "customer",
        });
      const c = createWooClient({
        allowPrivateAddresses: true,
        storeUrl: local.httpsUrl,
        consumerKey: local.adminKey.consumerKey,
        consumerSecret: local.adminKey.consumerSecret,
        ca: local.ca,
      });
      const ids: string[] = [];
      for await (const page of syncWooCustomers(c)) ids.push(...page.customers.map((x) => x.externalId));
      expect(ids.length).toBe(121); // 120 + the admin
      expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((x, y) => x - y));
    } finally {
      await local.close();
    }
  });
});
