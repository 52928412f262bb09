/**
 * Lead on WooCommerce, through the simulator, on SQLite and PostgreSQL. WooCommerce records no marketing consent
 * itself; where Mailchimp for WooCommerce keeps it on the customer (`mailchimp_woocommerce_is_subscribed`), the sync
 * and the customer webhooks read it, and a customer with an account, no counted order and "1" there is a Lead. A
 * store without that meta has unknown consent: no Leads, and the Journey page says why.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { WOO_CONSENT_META_KEY } from "../../../app/platforms/woocommerce/map-customer";
import { loadJourneyPage } from "../../../app/read-models/intelligence/intelligence.server";
import { storeView } from "../../../app/read-models/store-view";
import { DB_KINDS } from "../../support/databases";
import { WooHarness } from "../../support/woo-harness";

describe.each(DB_KINDS)("WooCommerce marketing consent and Lead on %s", (kind) => {
  let h: WooHarness;
  beforeEach(async () => {
    h = await WooHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  const connectAndSync = async () => {
    const connected = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    if (!connected.ok) throw new Error(connected.reason);
    const storeId = connected.store.id;
    expect((await h.sync.run(storeId, "install")).run.state).toBe("completed");
    return connected.store;
  };
  const journey = async (store: Parameters<typeof storeView>[0]) => {
    expect((await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, store.id, "nightly")).state).toBe(
      "completed",
    );
    const page = await loadJourneyPage(h.db, storeView(store));
    const count = (stage: string) => page.insight!.counts.find((c) => c.stage === stage)?.count ?? 0;
    return { page, count };
  };

  it("reads Mailchimp for WooCommerce's consent: subscribed non-buyers are Leads, an unsubscribe is read from the webhook", async () => {
    const s = h.sim.store;
    const consent = (value: string) => [{ key: WOO_CONSENT_META_KEY, value }];
    // Three subscribed non-buyers (Leads), one who declined, one the plugin never saw, and a subscribed buyer.
    const leads = [1, 2, 3].map((i) => s.createCustomer({ email: `lead${i}@example.com`, meta_data: consent("1") }));
    const declined = s.createCustomer({ email: "no@example.com", meta_data: consent("0") });
    const unknown = s.createCustomer({ email: "unknown@example.com" });
    const buyer = s.createCustomer({ email: "buyer@example.com", meta_data: consent("1") });
    s.createOrder({ customer_id: buyer.id, status: "completed", line_items: [{ product_id: 12 }] });

    const store = await connectAndSync();
    const stored = async (externalId: number) =>
      (
        await h.db.customer.findFirstOrThrow({
          where: { storeId: store.id, externalId: String(externalId) },
        })
      ).acceptsMarketing;
    for (const lead of leads) expect(await stored(lead.id)).toBe(true);
    expect(await stored(declined.id)).toBe(false);
    expect(await stored(unknown.id)).toBeNull();
    expect(await stored(buyer.id)).toBe(true);

    const first = await journey(store);
    expect(first.page.insight!.consentKnown).toBe(true);
    expect(first.count("Lead")).toBe(3);
    expect(first.count("New")).toBe(1); // the buyer: a counted order makes a customer, never a Lead

    // The first Lead unsubscribes: the customer.updated webhook carries the meta, and the next night has two Leads.
    s.updateCustomer(leads[0]!.id, { meta_data: consent("0") });
    await h.sim.dispatcher.idle();
    const applied = await h.applyInbox();
    expect(applied.failed).toEqual([]);
    expect(await stored(leads[0]!.id)).toBe(false);
    expect((await journey(store)).count("Lead")).toBe(2);
  });

  it("a store that records no consent has no Leads, and the Journey is told the consent is unknown", async () => {
    const s = h.sim.store;
    for (let i = 0; i < 4; i++) s.createCustomer({ email: `quiet${i}@example.com` });
    const buyer = s.createCustomer({ email: "buyer@example.com" });
    s.createOrder({ customer_id: buyer.id, status: "completed", line_items: [{ product_id: 12 }] });
    const store = await connectAndSync();
    const { page, count } = await journey(store);
    expect(page.insight!.consentKnown).toBe(false);
    expect(count("Lead")).toBe(0);
  });
});
