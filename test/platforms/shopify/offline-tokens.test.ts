/**
 * Expiring offline tokens against the stricter simulator (60-minute access tokens, rotating refresh tokens, all
 * revoked on uninstall):
 * - webhooks are verified by signature alone, so a shop whose token expired and can no longer be refreshed (it
 *   uninstalled) still gets app/uninstalled and the compliance topics recorded — shopify-app-remix's
 *   authenticate.webhook answers those with a bare 500;
 * - background Admin API work outlives a token: the client is looked up per call and refreshes on a 401, once
 *   per shop even when many calls fail at the same moment.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { Session } from "@shopify/shopify-api";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ShopifyTagWriter, type CustomerLabelChange } from "../../../app/platforms/shopify/tags";
import { SHOP_INFO } from "../../../app/platforms/shopify/graphql";
import { routeAdminApiToSimulator } from "../../../app/platforms/shopify/simulator-routing.server";
import { start, type ShopifySimulator } from "../../../simulators/shopify";
import { buildWebhookRequest, type WebhookEvent } from "../../../simulators/shopify/webhooks";
import { ShopifyHarness, WEBHOOK_SECRET } from "../../support/shopify-harness";
import { simulatorAdmin } from "../../support/simulator-admin";

const HOUR = 3600_000;
let sim: ShopifySimulator;
let counter = 0;

beforeAll(async () => {
  sim = await start();
  routeAdminApiToSimulator(sim.baseUrl);
});
afterAll(async () => {
  await sim.close();
});

describe("compliance webhooks after uninstall, token expired", () => {
  let h: ShopifyHarness;
  beforeEach(async () => {
    h = await ShopifyHarness.create("sqlite");
  });
  afterEach(async () => {
    await h.close();
  });

  /** A shop that installed (expiring token stored), then uninstalled after the token ran out. */
  async function uninstalledShop() {
    const shop = sim.createShop({ domain: `gone-${++counter}.myshopify.com`, seed: counter });
    const store = await h.db.store.create({ data: { platform: "shopify", domain: shop.domain } });
    const c = shop.createCustomer({ email: "private@example.com", firstName: "Priv" });
    shop.createOrder({ customerId: c.id, lineItems: [{ title: "Tent", price: "80.00" }] });
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const session = new Session({
      id: `offline_${shop.domain}`,
      shop: shop.domain,
      state: "",
      isOnline: false,
      accessToken: shop.info.accessToken,
      refreshToken: shop.info.refreshToken,
      expires: new Date(Date.now() - 60_000), // ran out a minute ago
    });
    shop.requestCustomerData(c.id);
    shop.uninstallApp();
    shop.redactCustomer(c.id);
    shop.redactShop();
    return { shop, store, events, session, customer: c };
  }

  it("app/uninstalled, customers/data_request, customers/redact and shop/redact are all answered 200 and applied", async () => {
    const { shop, store, events } = await uninstalledShop();
    expect(events.map((e) => e.topic)).toEqual([
      "customers/data_request",
      "app/uninstalled",
      "customers/redact",
      "shop/redact",
    ]);
    // Shopify refuses the refresh now, as it would for any caller that tried.
    expect(shop.auth.refreshGrant(shop.info.refreshToken)).toBeNull();
    const statuses: number[] = [];
    for (const e of events.slice(0, 3)) statuses.push(await h.deliver(e));
    expect(statuses).toEqual([200, 200, 200]);
    expect(await h.db.webhookReceipt.count({ where: { storeId: store.id } })).toBe(3);
    await h.processor.drain();
    expect((await h.db.store.findUniqueOrThrow({ where: { id: store.id } })).status).toBe("uninstalled");
    expect(await h.db.dataRequest.count({ where: { storeId: store.id } })).toBe(0); // redacted after the request
    expect(await h.deliver(events[3]!)).toBe(200);
    await h.processor.drain();
    expect(await h.db.store.findUnique({ where: { id: store.id } })).toBeNull();
  });

  it("shopify-app-remix's authenticate.webhook answers the same deliveries 500 (why Ciclo verifies on its own)", async () => {
    const { events, session } = await uninstalledShop();
    const config = testConfig({
      apiVersion: ApiVersion.July26,
      apiSecretKey: WEBHOOK_SECRET,
      distribution: AppDistribution.AppStore,
      logger: { level: LogSeverity.Error },
      future: { expiringOfflineAccessTokens: true },
    });
    delete (config as { adminApiAccessToken?: string }).adminApiAccessToken;
    const library = shopifyApp(config);
    await library.sessionStorage!.storeSession(session);
    for (const e of events) {
      const signed = buildWebhookRequest({ ...e, secret: WEBHOOK_SECRET });
      const request = new Request("https://ciclo.test/webhooks", { ...signed });
      const status = await library.authenticate.webhook(request).then(
        () => 200,
        (thrown: unknown) => (thrown instanceof Response ? thrown.status : -1),
      );
      expect({ topic: e.topic, status }).toEqual({ topic: e.topic, status: 500 });
    }
  });
});

describe("background Admin API work across token expiry", () => {
  it("a token that runs out between calls is refreshed on the 401, once, however many calls fail together", async () => {
    const shop = sim.createShop({ domain: `long-${++counter}.myshopify.com` });
    const admin = simulatorAdmin(sim);
    await admin.install(shop);
    const graphql = await admin.adminFor(shop.domain);
    expect((await graphql(SHOP_INFO)).data).toMatchObject({ shop: { myshopifyDomain: shop.domain } });
    const firstToken = shop.info.accessToken;

    sim.tokenClock.advance(HOUR + 60_000); // 61 minutes later, in the middle of a long push
    const results = await Promise.all(Array.from({ length: 8 }, () => graphql(SHOP_INFO)));
    for (const r of results) expect(r.data).toMatchObject({ shop: { myshopifyDomain: shop.domain } });
    expect(shop.auth.refreshes).toBe(1);
    expect(shop.info.accessToken).not.toBe(firstToken);
    expect(shop.auth.check(firstToken)).toBe("unknown"); // rotated away
    const stored = await admin.sessionStorage.loadSession(`offline_${shop.domain}`);
    expect(stored?.accessToken).toBe(shop.info.accessToken);
  });

  it("a tag push that outlives its token finishes: every change applied, no 401 surfaces", async () => {
    const shop = sim.createShop({ domain: `push-${++counter}.myshopify.com` });
    const admin = simulatorAdmin(sim);
    await admin.install(shop);
    const changes: CustomerLabelChange[] = [];
    for (let i = 0; i < 12; i++) {
      const c = shop.createCustomer({ email: `p${i}@example.com`, tags: ["vip"] });
      changes.push({ customerExternalId: String(c.id), add: ["ciclo:rfm-champions"], remove: [] });
    }
    const inner = await admin.adminFor(shop.domain);
    let calls = 0;
    // The 60 minutes run out after the fourth call of the push.
    const graphql: typeof inner = (query, variables) => {
      if (++calls === 5) sim.tokenClock.advance(HOUR + 60_000);
      return inner(query, variables);
    };
    const results = [];
    for await (const r of new ShopifyTagWriter({ bulkThreshold: 1000 }).apply(changes, graphql, { path: "direct" }))
      results.push(r);
    expect(results.filter((r) => r.status !== "applied")).toEqual([]);
    expect(results).toHaveLength(12);
    for (const c of shop.customers.values()) expect(c.tags).toEqual(["vip", "ciclo:rfm-champions"]);
    expect(shop.auth.refreshes).toBe(1);
  });

  it("after uninstall the refresh is refused and the call fails with a clear error instead of retrying forever", async () => {
    const shop = sim.createShop({ domain: `revoked-${++counter}.myshopify.com` });
    const admin = simulatorAdmin(sim);
    await admin.install(shop);
    const graphql = await admin.adminFor(shop.domain);
    shop.uninstallApp();
    await expect(graphql(SHOP_INFO)).rejects.toThrow(/refused to refresh the offline token/);
  });
});
