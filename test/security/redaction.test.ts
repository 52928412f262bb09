/**
 * Attack (privacy): a customer asks the shop to erase them (customers/redact) and the data lingers. After the
 * redaction, a scan of every table of the schema (read from prisma/schema.prisma, so a new table is covered the
 * day it is added) must find nothing of the person: not their e-mail (also URL-encoded in a landing page), names,
 * ids, survey free text, scores, labels, transitions, queued tag changes, data-request reports, webhook payloads
 * still waiting in the inbox; the admin's in-memory member page must not show them; and a late update of a guest
 * order named in orders_to_redact must not bring the e-mail back.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signCheckoutSessionToken } from "../../scripts/demo-surveys";
import { SimulatedShop, type WebhookEvent } from "../../simulators/shopify";
import { queueTagChanges } from "../../app/jobs/tags/tag-outbox.server";
import { encodeItems } from "../../app/jobs/tags/outbox-page";
import { tagOutboxItems, tagSyncStatus } from "../../app/read-models/tag-sync.server";
import { DB_KINDS } from "../support/databases";
import {
  API_KEY,
  API_SECRET,
  inboxDrained,
  sendShopifyWebhook,
  startSecureApp,
  type SecureApp,
} from "../support/secure-app";

const SHOP = "redact-shop.myshopify.com";
const EMAIL = "Eve.Secret@Example.com";
const FREE_TEXT = "my-private-complaint-text";
const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

/** Every model of the schema, as the Prisma client names its delegates. */
function schemaModels(): string[] {
  const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
  return [...schema.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!.charAt(0).toLowerCase() + m[1]!.slice(1));
}

describe.each(DB_KINDS)("customers/redact on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    // Demo login on, so the admin's member page (held in memory) can be looked at without a Shopify session.
    app = await startSecureApp(kind, { NODE_ENV: "development", CICLO_DEMO: "1" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function dumpEverything(): Promise<string> {
    const db = app.database.db as unknown as Record<string, { findMany(): Promise<unknown[]> }>;
    const tables: Record<string, unknown[]> = {};
    for (const model of schemaModels()) tables[model] = await db[model]!.findMany();
    return JSON.stringify(tables, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }

  it("leaves nothing of the customer in any table, in memory, or after a late update", async () => {
    const db = app.database.db;
    const store = await db.store.create({ data: { platform: "shopify", domain: SHOP, name: "Redact shop" } });
    const shop = new SimulatedShop({ domain: SHOP, now: new Date(), seed: kind });
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const send = async (except: string[] = []) => {
      for (const e of events.splice(0))
        expect(await sendShopifyWebhook(app, e.topic, e.shopDomain, e.payload, e.eventId)).toBe(200);
      await inboxDrained(app, 20_000, except);
    };

    const eve = shop.createCustomer({ email: EMAIL, firstName: "Evelyn", lastName: "Zzyzx" });
    const bystander = shop.createCustomer({ email: "other@example.com", firstName: "Otto", lastName: "Normal" });
    const line = [{ title: "Tent", price: "80.00", quantity: 1, productId: 111, variantId: 222, sku: "T" }];
    const own = shop.createOrder({
      customerId: eve.id,
      lineItems: line,
      landingSite: `/products/tent?email=${encodeURIComponent(EMAIL)}&utm_source=mail`,
    });
    const guest = shop.createOrder({ customerId: null, email: EMAIL, lineItems: line });
    shop.createOrder({ customerId: bystander.id, lineItems: line });
    shop.requestCustomerData(eve.id);
    await send();
    const eveRow = await db.customer.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(eve.id) } },
    });

    // What the nightly recompute, the tag push and the survey leave for a customer.
    await db.customerScore.create({
      data: {
        storeId: store.id,
        customerId: eveRow.id,
        computedAt: new Date(),
        orders: 1,
        purchaseDays: 1,
        monetaryMinor: 8000n,
        rScore: 5,
        fScore: 1,
        mScore: 4,
        segment: "champions",
        stage: "active",
        historicClvMinor: 8000n,
      },
    });
    await db.segmentTransition.create({
      data: { storeId: store.id, customerId: eveRow.id, day: "2026-12-01", toSegment: "champions", toStage: "active" },
    });
    await db.customerSegment.createMany({
      data: ["rfm", "lifecycle"].map((segmentationId) => ({
        storeId: store.id,
        segmentationId,
        customerId: eveRow.id,
        segmentKey: segmentationId === "rfm" ? "champions" : "active",
        since: new Date(),
        computedAt: new Date(),
      })),
    });
    await db.customerLabels.create({
      data: { storeId: store.id, customerId: eveRow.id, tags: JSON.stringify(["ciclo:rfm-champions"]) },
    });
    await db.customerInsight.create({
      data: { storeId: store.id, customerId: eveRow.id, computedAt: new Date(), channel: "Email", nextProduct: "Tent" },
    });
    // Her change shares an outbox page with the bystander's; a refusal of hers sits in a settled page.
    const ottoRow = await db.customer.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(bystander.id) } },
    });
    const change = (customerId: string, externalId: number) => ({
      customerId,
      customerExternalId: String(externalId),
      add: ["ciclo:rfm-champions"],
      remove: [],
      metafields: null,
    });
    await queueTagChanges(db, store.id, [change(eveRow.id, eve.id), change(ottoRow.id, bystander.id)]);
    await db.tagOutboxPage.create({
      data: {
        storeId: store.id,
        state: "settled",
        size: 1,
        items: encodeItems([change(eveRow.id, eve.id)]),
        outcomes: "u",
        userErrors: 1,
        problems: JSON.stringify([{ customerExternalId: String(eve.id), state: "user_error", error: "refused" }]),
      },
    });
    await db.recomputeRun.create({
      data: { storeId: store.id, trigger: "manual", state: "completed", finishedAt: new Date() },
    });
    await db.segmentSnapshot.create({
      data: {
        storeId: store.id,
        day: "2026-12-01",
        segment: "champions",
        customers: 1,
        revenueMinor: 1n,
        avgClvMinor: 1n,
      },
    });
    const token = signCheckoutSessionToken(SHOP, API_SECRET, { apiKey: API_KEY, customerId: String(eve.id) });
    const answer = await fetch(`${app.url}/api/survey/answers`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        Origin: "https://extensions.shopifycdn.com",
        "User-Agent": PHONE,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        target: "thank-you",
        orderId: `gid://shopify/Order/${own.id}`,
        questionId: "jtbd-comment",
        text: FREE_TEXT,
      }),
    });
    expect(answer.status).toBe(200);
    await db.surveyImpression.create({
      data: { storeId: store.id, orderExternalId: String(own.id), customerId: eveRow.id, target: "thank-you" },
    });

    // The admin's member page, computed once and kept in memory, shows her.
    const login = await fetch(`${app.url}/demo?shop=${SHOP}`, { redirect: "manual" });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const before = await (await fetch(`${app.url}/app/segments/champions`, { headers: { cookie } })).text();
    expect(before).toContain("Evelyn");

    // An order update for her, held by another process when the redaction arrives (claimed, not applied yet).
    shop.updateOrder(own.id, { note: "gift wrap please" });
    const held = events.splice(0)[0]!;
    const heldReceipt = await db.webhookReceipt.create({
      data: {
        storeId: store.id,
        dedupeKey: "held-by-another-process",
        topic: held.topic,
        payload: JSON.stringify(held.payload),
        status: "processing:another-process",
        processedAt: new Date(),
      },
    });
    expect(heldReceipt.payload).toContain(EMAIL);

    // The redaction, naming her order and the guest order under her e-mail.
    shop.redactCustomer(eve.id);
    const redact = events.splice(0)[0]!;
    redact.payload.orders_to_redact = [own.id, guest.id];
    expect(await sendShopifyWebhook(app, redact.topic, SHOP, redact.payload, redact.eventId)).toBe(200);
    await inboxDrained(app, 20_000, [heldReceipt.id]);

    // Late: a retried update of the guest order carrying her e-mail again.
    shop.updateOrder(guest.id, { note: "late retry" });
    await send([heldReceipt.id]);

    const needles = [
      EMAIL,
      EMAIL.toLowerCase(),
      encodeURIComponent(EMAIL),
      encodeURIComponent(EMAIL.toLowerCase()),
      "Evelyn",
      "Zzyzx",
      FREE_TEXT,
      eveRow.id,
      `gid://shopify/Customer/${eve.id}`,
    ];
    const dump = await dumpEverything();
    expect(dump.length).toBeGreaterThan(1000);
    for (const needle of needles) expect(dump, needle).not.toContain(needle);
    expect(dump).not.toMatch(new RegExp(`(?<![0-9])${eve.id}(?![0-9])`));
    // The bystander is untouched, and every model really was scanned.
    expect(dump).toContain("other@example.com");
    // Her outbox changes are gone, the bystander's waits in its page as before.
    expect(await tagOutboxItems(db, store.id)).toEqual([
      expect.objectContaining({ customerId: ottoRow.id, customerExternalId: String(bystander.id), state: "pending" }),
    ]);
    expect(await tagSyncStatus(db, store.id)).toMatchObject({ pending: 1, failed: 0, recentProblems: [] });
    expect(schemaModels()).toEqual(expect.arrayContaining(["webhookReceipt", "surveyResponse", "redactedOrder"]));

    // The sales still count, anonymously; the answer's score-free choice stays without its text.
    const orders = await db.order.findMany({ where: { storeId: store.id }, orderBy: { externalId: "asc" } });
    expect(orders).toHaveLength(3);
    for (const o of orders.filter((o) => [String(own.id), String(guest.id)].includes(o.externalId)))
      expect(o).toMatchObject({ customerId: null, email: null, landingSite: null, countsForValue: true });
    expect(await db.surveyResponse.count({ where: { storeId: store.id } })).toBe(1);

    const after = await (await fetch(`${app.url}/app/segments/champions`, { headers: { cookie } })).text();
    expect(after).not.toContain("Evelyn");
    expect(after).not.toContain(EMAIL.toLowerCase());
  });
});
