/**
 * Attack: a buyer with a valid checkout session token of a shop answers the survey for someone else's order (the
 * order id is just a request field), or floods the endpoint to use up the shop's rate limit. Answers and questions
 * for an order that is not the token's must be refused (403) and leave nothing behind; one caller must not be
 * able to exhaust the shop's allowance.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signCheckoutSessionToken } from "../../scripts/demo-surveys";
import { DB_KINDS } from "../support/databases";
import { API_KEY, API_SECRET, startSecureApp, type SecureApp } from "../support/secure-app";

const SHOP = "binding-shop.myshopify.com";
const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const HOUR = 3600_000;

describe.each(DB_KINDS)("survey answers bound to the caller on %s", (kind) => {
  let app: SecureApp;
  let storeId: string;
  beforeAll(async () => {
    app = await startSecureApp(kind);
    const db = app.database.db;
    const store = await db.store.create({ data: { platform: "shopify", domain: SHOP } });
    storeId = store.id;
    const alice = await db.customer.create({ data: { storeId, externalId: "501", email: "alice@example.com" } });
    await db.customer.create({ data: { storeId, externalId: "502", email: "bob@example.com" } });
    const order = (externalId: string, customer: { id: string; externalId: string } | null, at: Date) =>
      db.order.create({
        data: {
          storeId,
          externalId,
          customerId: customer?.id ?? null,
          customerExternalId: customer?.externalId ?? null,
          currency: "EUR",
          grossMinor: 1000n,
          netMinor: 1000n,
          fulfillmentStatus: "FULFILLED",
          processedAt: at,
          platformCreatedAt: at,
          platformUpdatedAt: at,
        },
      });
    await order("9001", alice, new Date());
    await order("9002", null, new Date(Date.now() - 72 * HOUR)); // a guest order from three days ago
    await order("9003", null, new Date(Date.now() - HOUR)); // a guest checkout that just happened
  });
  afterAll(async () => {
    await app?.stop();
  });

  const token = (customerId: string | null) =>
    signCheckoutSessionToken(SHOP, API_SECRET, { apiKey: API_KEY, customerId });
  const headers = (bearer: string) => ({
    Authorization: `Bearer ${bearer}`,
    Origin: "https://extensions.shopifycdn.com",
    "User-Agent": PHONE,
    "Content-Type": "application/json",
  });
  const answer = (bearer: string, orderId: string, target = "thank-you") =>
    fetch(`${app.url}/api/survey/answers`, {
      method: "POST",
      headers: headers(bearer),
      body: JSON.stringify(
        target === "thank-you"
          ? { target, orderId: `gid://shopify/Order/${orderId}`, questionId: "jtbd-trigger", answerId: "gift" }
          : { target, orderId: `gid://shopify/Order/${orderId}`, questionId: "nps", score: 0 },
      ),
    });
  const questions = (bearer: string, orderId: string, target = "thank-you") =>
    fetch(`${app.url}/api/survey/questions?target=${target}&orderId=${orderId}&locale=en`, {
      headers: headers(bearer),
    });
  const rows = (orderExternalId: string) =>
    Promise.all([
      app.database.db.surveyResponse.count({ where: { storeId, orderExternalId } }),
      app.database.db.surveyImpression.count({ where: { storeId, orderExternalId } }),
    ]);

  it("refuses another customer's or a guest's answer for a customer's order; the owner's goes through", async () => {
    const bob = token("502");
    const guest = token(null);
    for (const bearer of [bob, guest]) {
      expect((await answer(bearer, "9001")).status).toBe(403);
      expect((await questions(bearer, "9001")).status).toBe(403);
      expect((await answer(bearer, "9001", "order-status")).status).toBe(403);
    }
    expect(await rows("9001")).toEqual([0, 0]);
    // Alice's own token: the refusals above were the binding, nothing else.
    expect((await questions(token("501"), "9001")).status).toBe(200);
    const own = await answer(token("501"), "9001");
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ ok: true, duplicate: false });
    expect(await rows("9001")).toEqual([1, 1]);
  });

  it("a guest may answer only for a guest order still on its thank-you page, and never as a signed-in customer", async () => {
    expect((await answer(token(null), "9002")).status).toBe(403);
    expect((await answer(token("502"), "9003")).status).toBe(403);
    expect((await answer(token(null), "9003", "order-status")).status).toBe(403);
    expect(await rows("9002")).toEqual([0, 0]);
    expect(await rows("9003")).toEqual([0, 0]);
    expect((await answer(token(null), "9003")).status).toBe(200);
  });

  it("one caller flooding the endpoint is limited on its own and cannot use up the shop's allowance", async () => {
    const bob = token("502");
    const statuses: number[] = [];
    for (let i = 0; i < 80; i++) {
      const res = await answer(bob, String(700_000 + i));
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    // Everyone else in the shop is still served.
    expect((await questions(token("501"), "9001")).status).toBe(200);
    expect((await answer(token(null), "777777")).status).toBe(200);
  });
});
