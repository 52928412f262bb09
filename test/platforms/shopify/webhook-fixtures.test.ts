/**
 * Webhook bodies shaped as Shopify documents them for API 2026-07 (test/fixtures/shopify-webhooks, see its
 * README), signed with the app secret and POSTed to the real /webhooks route of the built app over HTTP; then read
 * back from the app's SQLite database once its processor has applied them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteTimestamp } from "../../../app/db/sqlite-connection.server";
import { ensureBuilt } from "../../../tools/app-build";
import { startApp, type RunningApp } from "../../../tools/app-process";
import { freshSqlite } from "../../../tools/fresh-database";
import type { JsonObject } from "../../../simulators/shopify/payloads";
import { buildWebhookRequest } from "../../../simulators/shopify/webhooks";

const SECRET = "fixture-webhook-secret";
const SHOP = "ciclo-fixture.myshopify.com";
const DIR = new URL("../../fixtures/shopify-webhooks/", import.meta.url).pathname;
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as { topic: string; payload: JsonObject };

let app: RunningApp;
let db: Database.Database;

async function post(name: string, signature: "valid" | "bad-secret" = "valid", eventId = `evt-${name}`) {
  const { topic, payload } = fixture(name);
  const signed = buildWebhookRequest({ topic, shopDomain: SHOP, payload, secret: SECRET, eventId, signature });
  const res = await fetch(`${app.url}/webhooks`, { method: "POST", headers: signed.headers, body: signed.body });
  return res.status;
}

async function applied(): Promise<void> {
  const pending = () =>
    (
      db
        .prepare(`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE status = 'pending' OR status LIKE 'processing:%'`)
        .get() as { n: number }
    ).n;
  for (let i = 0; i < 200 && pending() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(pending()).toBe(0);
}

const order = (id: number) =>
  db.prepare(`SELECT * FROM "Order" WHERE "externalId" = ?`).get(String(id)) as Record<string, unknown> | undefined;

beforeAll(async () => {
  await ensureBuilt();
  const { file, url } = freshSqlite();
  const seed = new Database(file);
  const now = sqliteTimestamp(new Date());
  seed
    .prepare(
      `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","scopes","installedAt","createdAt","updatedAt") VALUES ('fixture-store','shopify',?,'EUR','Europe/Berlin','installed','read_orders,read_all_orders,read_customers',?,?,?)`,
    )
    .run(SHOP, now, now, now);
  seed.close();
  app = await startApp({ DATABASE_URL: url, SHOPIFY_API_SECRET: SECRET });
  db = new Database(file, { readonly: true });
}, 300_000);

afterAll(async () => {
  db?.close();
  await app?.stop();
});

describe("2026-07 webhook fixtures through the real /webhooks route", () => {
  it("every fixture is Shopify's shape: customer payloads without tags or marketing consent", () => {
    const names = readdirSync(DIR).filter((f) => f.endsWith(".json"));
    expect(names.length).toBeGreaterThanOrEqual(6);
    const customer = fixture("customers-create").payload;
    for (const gone of ["tags", "email_marketing_consent", "sms_marketing_consent"])
      expect(customer).not.toHaveProperty(gone);
    expect(fixture("orders-create-guest").payload).not.toHaveProperty("customer");
  });

  it("refuses a fixture signed with another secret (401) and records nothing", async () => {
    expect(await post("orders-create-multi-currency", "bad-secret")).toBe(401);
    expect((db.prepare(`SELECT COUNT(*) AS n FROM "WebhookReceipt"`).get() as { n: number }).n).toBe(0);
  });

  it("a multi-currency order is stored in the shop currency; its later refund (in GBP) is converted", async () => {
    expect(await post("orders-create-multi-currency")).toBe(200);
    await applied();
    expect(order(6420117000101)).toMatchObject({
      currency: "EUR",
      grossMinor: 18470,
      netMinor: 18470,
      countsForValue: 1,
    });
    expect(await post("refunds-create-multi-currency")).toBe(200);
    await applied();
    const refund = db.prepare(`SELECT * FROM "Refund" WHERE "externalId" = '9931000000101'`).get() as Record<
      string,
      number
    >;
    expect(refund).toMatchObject({ amountMinor: 13990, amountRank: 1 }); // 120.49 GBP at the refund's own rate
    expect(order(6420117000101)).toMatchObject({ refundedMinor: 13990, netMinor: 4480 });
    const customer = db.prepare(`SELECT * FROM "Customer" WHERE "externalId" = '7350284001281'`).get();
    expect(customer).toMatchObject({ email: "aoife.byrne@example.com", firstName: "Aoife", lastName: "Byrne" });
  });

  it("a guest order has no customer and keeps its email", async () => {
    expect(await post("orders-create-guest")).toBe(200);
    await applied();
    expect(order(6420117000202)).toMatchObject({
      customerId: null,
      customerExternalId: null,
      email: "walk.in@example.com",
      grossMinor: 4500,
      countsForValue: 1,
    });
  });

  it("an edited order is worth its current total", async () => {
    expect(await post("orders-updated-edited")).toBe(200);
    await applied();
    expect(order(6420117000303)).toMatchObject({ grossMinor: 18470, netMinor: 16475 });
  });

  it("a cancelled order is flagged, its GBP refund converted, and it no longer counts", async () => {
    expect(await post("orders-cancelled")).toBe(200);
    await applied();
    expect(order(6420117000404)).toMatchObject({ cancelled: 1, countsForValue: 0, netMinor: 0 });
    const refund = db.prepare(`SELECT * FROM "Refund" WHERE "externalId" = '9931000000404'`).get();
    expect(refund).toMatchObject({ amountMinor: 18470, amountRank: 1 });
  });

  it("a 2026-07 customers/create is stored", async () => {
    expect(await post("customers-create")).toBe(200);
    await applied();
    const customer = db.prepare(`SELECT * FROM "Customer" WHERE "externalId" = '7350284009999'`).get();
    expect(customer).toMatchObject({ email: "bruno.keller@example.com", firstName: "Bruno", lastName: "Keller" });
  });
});
