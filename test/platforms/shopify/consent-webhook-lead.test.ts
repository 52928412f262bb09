/**
 * A Shopify sign-up after the install becomes a Lead at the next recompute, from webhooks alone (no reconciliation):
 * customers/create brings the account, and since API 2025-01 the consent comes in its own topic,
 * customers_email_marketing_consent/update. Signed deliveries through the inbox, on SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBulkWriter } from "../../../app/db/bulk-writer.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { loadJourneyPage } from "../../../app/read-models/intelligence/intelligence.server";
import { storeView } from "../../../app/read-models/store-view";
import { DB_KINDS } from "../../support/databases";
import { ShopifyHarness } from "../../support/shopify-harness";

const SHOP = "consent-lead.myshopify.com";

describe.each(DB_KINDS)("Shopify consent webhooks and Lead on %s", (kind) => {
  let h: ShopifyHarness;
  beforeEach(async () => {
    h = await ShopifyHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  const leadsAfterRecompute = async (storeId: string) => {
    const bulk = createBulkWriter(h.db, h.database.url);
    try {
      const run = await recomputeStore({ db: h.db, bulk, dialect: kind }, storeId, "nightly");
      expect(run.state).toBe("completed");
    } finally {
      bulk.close();
    }
    const page = await loadJourneyPage(h.db, storeView(await h.db.store.findUniqueOrThrow({ where: { id: storeId } })));
    return page.insight!.counts.find((c) => c.stage === "Lead")?.count ?? 0;
  };
  const consentOf = async (storeId: string, externalId: number) =>
    (
      await h.db.customer.findUniqueOrThrow({
        where: { storeId_externalId: { storeId, externalId: String(externalId) } },
      })
    ).acceptsMarketing;

  it("a subscribed sign-up is a Lead after the next recompute; an unsubscribe takes it away", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const lead = shop.createCustomer({ email: "lead@example.com", firstName: "Lea", acceptsEmailMarketing: true });
    shop.createCustomer({ email: "quiet@example.com", acceptsEmailMarketing: false });
    const topics = h.events.map((e) => e.topic);
    expect(topics.filter((t) => t === "customers_email_marketing_consent/update")).toHaveLength(1);
    expect((await h.deliverAll()).every((s) => s === 200)).toBe(true);

    const stored = await h.db.customer.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: store.id, externalId: String(lead.id) } },
    });
    expect(stored).toMatchObject({ email: "lead@example.com", firstName: "Lea", acceptsMarketing: true });
    expect(await leadsAfterRecompute(store.id)).toBe(1);

    shop.updateCustomer(lead.id, { acceptsEmailMarketing: false });
    expect((await h.deliverAll()).every((s) => s === 200)).toBe(true);
    expect(await consentOf(store.id, lead.id)).toBe(false);
    expect(await leadsAfterRecompute(store.id)).toBe(0);
  });

  it("consent delivered before the customer, and delivered twice, leaves one customer with details and consent", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const lead = shop.createCustomer({ email: "early@example.com", lastName: "Early", acceptsEmailMarketing: true });
    const [created, consent] = h.takeEvents();
    expect(consent!.topic).toBe("customers_email_marketing_consent/update");
    expect(await h.deliver(consent!)).toBe(200);
    expect(await h.deliver(consent!, { webhookId: "a-second-delivery" })).toBe(200);
    await h.processor.drain();
    expect(await consentOf(store.id, lead.id)).toBe(true);

    expect(await h.deliver(created!)).toBe(200);
    await h.processor.drain();
    const rows = await h.db.customer.findMany({ where: { storeId: store.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "early@example.com", lastName: "Early", acceptsMarketing: true });
    expect(await leadsAfterRecompute(store.id)).toBe(1);
  });

  it("a consent payload without a state is refused as invalid and stores nothing", async () => {
    const { shop, store } = await h.installShop(SHOP);
    const c = shop.createCustomer({ email: "x@example.com", acceptsEmailMarketing: true });
    const consent = h.takeEvents()[1]!;
    const broken = { ...consent, payload: { customer_id: c.id, email_address: "x@example.com" } };
    const status = await h.deliver(broken);
    await h.processor.drain();
    expect(status).toBeLessThan(500);
    expect(await h.db.customer.count({ where: { storeId: store.id } })).toBe(0);
  });
});
