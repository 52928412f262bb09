/**
 * Attack: a client sends an endless body (or one declaring gigabytes, or chunked with no length at all) to make
 * the server buffer it. Every body-reading endpoint — Shopify and WooCommerce webhooks, the key-exchange callback,
 * the form actions — must answer 413 at its limit without reading the rest, and store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveSurveySecret, signSurveyToken } from "../../app/surveys/survey-token.server";
import { DB_KINDS } from "../support/databases";
import { createWooStore, startSecureApp, streamBody, wooSession, type SecureApp } from "../support/secure-app";

const MiB = 1024 * 1024;
/**
 * What each client offers. Far more than the kernel buffers between client and server on one machine (the
 * receiving socket's buffer grows to 32 MiB here: tcp_rmem), so having sent less than half of it means the server
 * answered without reading on; with 16 MiB a busy machine's late answer found 13 MiB already buffered.
 */
const OFFERED = 256 * MiB;

describe.each(DB_KINDS)("oversize bodies on %s", (kind) => {
  let app: SecureApp;
  let cookie: string;
  let storeId: string;
  let surveyToken: string;
  beforeAll(async () => {
    app = await startSecureApp(kind);
    const woo = await createWooStore(app);
    storeId = woo.store.id;
    cookie = await wooSession(app, storeId, woo.embedSecret);
    // A valid hosted-survey link for an order that is asked, so the survey form's body is really read.
    const shop = await app.database.db.store.create({ data: { platform: "shopify", domain: "limits.myshopify.com" } });
    const at = new Date();
    await app.database.db.order.create({
      data: {
        storeId: shop.id,
        externalId: "4401",
        currency: "EUR",
        grossMinor: 100n,
        netMinor: 100n,
        processedAt: at,
        platformCreatedAt: at,
        platformUpdatedAt: at,
      },
    });
    surveyToken = signSurveyToken(
      { storeId: shop.id, orderId: "4401", target: "thank-you", expiresAt: new Date(Date.now() + 86_400_000) },
      deriveSurveySecret(app.encryptionKey, shop.id),
    );
  });
  afterAll(async () => {
    await app?.stop();
  });

  const endpoints = (): { path: string; total: number; headers: Record<string, string> }[] => [
    {
      path: "/webhooks",
      total: OFFERED,
      headers: {
        "content-type": "application/json",
        "x-shopify-hmac-sha256": "AAAA",
        "x-shopify-topic": "orders/create",
      },
    },
    {
      path: `/webhooks/woo/${storeId}`,
      total: OFFERED,
      headers: {
        "content-type": "application/json",
        "x-wc-webhook-signature": "AAAA",
        "x-wc-webhook-topic": "order.updated",
      },
    },
    { path: "/woo/callback", total: OFFERED, headers: { "content-type": "application/json" } },
    {
      path: "/app/settings",
      total: OFFERED,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: app.url },
    },
    {
      path: "/app/sync",
      total: OFFERED,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: app.url },
    },
    { path: "/woo/connect", total: OFFERED, headers: { "content-type": "application/x-www-form-urlencoded" } },
    {
      path: `/survey/${surveyToken}`,
      total: OFFERED,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    },
  ];

  it("refuses a declared oversize body with 413 before reading it", async () => {
    for (const endpoint of endpoints()) {
      const result = await streamBody(`${app.url}${endpoint.path}`, {
        headers: endpoint.headers,
        totalBytes: endpoint.total,
        contentLength: endpoint.total,
      });
      expect(result.status, endpoint.path).toBe(413);
      expect(result.sent, endpoint.path).toBeLessThan(endpoint.total / 2);
    }
  });

  it("refuses a chunked body (no length) with 413 at the limit, without reading the rest", async () => {
    for (const endpoint of endpoints()) {
      const result = await streamBody(`${app.url}${endpoint.path}`, {
        headers: endpoint.headers,
        totalBytes: endpoint.total,
      });
      expect(result.status, `${endpoint.path} ${result.error ?? ""}`).toBe(413);
      expect(result.sent, endpoint.path).toBeLessThan(endpoint.total / 2);
    }
    const db = app.database.db;
    expect(await db.webhookReceipt.count()).toBe(0);
    expect(await db.storeSettings.count()).toBe(0);
    expect(await db.backfillRun.count({ where: { storeId } })).toBe(0);
    expect(await db.store.count()).toBe(2);
    expect(await db.surveyResponse.count()).toBe(0);
    // The server is still serving.
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});
