/**
 * What the admin tells a merchant whose store lacks a prerequisite (README "Going live"), on real SQLite and
 * PostgreSQL: each missing scope, approval or deployment gives one clear note; a store with everything gives none.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shopifyReadiness, SURVEY_GRACE_MS } from "../../../app/platforms/shopify/readiness.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";

const ALL = "read_customers,write_customers,read_orders,read_all_orders,read_products,customer_read_orders";
const NOW = new Date("2026-12-04T12:00:00Z");

describe.each(DB_KINDS)("Shopify readiness notes on %s", (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await t.drop();
  });

  async function store(data: { scopes?: string | null; installedAt?: Date; platform?: string } = {}) {
    return t.db.store.create({
      data: {
        platform: data.platform ?? "shopify",
        domain: `r-${Math.random().toString(36).slice(2)}.myshopify.com`,
        scopes: data.scopes === undefined ? ALL : data.scopes,
        installedAt: data.installedAt ?? new Date(NOW.getTime() - 3600_000),
      },
    });
  }
  const keys = async (id: string) => (await shopifyReadiness(t.db, id, NOW)).map((n) => n.key);

  it("a store with every scope, approval and a seen survey gets no note", async () => {
    const s = await store({ installedAt: new Date(NOW.getTime() - 10 * 86_400_000) });
    await t.db.surveyImpression.create({ data: { storeId: s.id, orderExternalId: "1", target: "thank-you" } });
    expect(await keys(s.id)).toEqual([]);
    expect(await keys((await store({ platform: "woocommerce", scopes: null })).id)).toEqual([]);
  });

  it("missing read_all_orders and customer_read_orders each say what the merchant loses and how to fix it", async () => {
    const s = await store({ scopes: "read_customers,write_customers,read_orders,read_products" });
    const notes = await shopifyReadiness(t.db, s.id, NOW);
    expect(notes.map((n) => [n.key, n.tone])).toEqual([
      ["read-all-orders", "warning"],
      ["customer-read-orders", "info"],
    ]);
    expect(notes[0]!.body).toMatch(/60 days.*Partner Dashboard/);
  });

  it("protected customer data: names and emails missing (warning), customers missing (critical)", async () => {
    for (const [dataAccess, tone] of [
      ["no-pii", "warning"],
      ["no-customer", "critical"],
    ] as const) {
      const s = await store();
      await t.db.storeSyncState.create({ data: { storeId: s.id, dataAccess } });
      const [note] = await shopifyReadiness(t.db, s.id, NOW);
      expect(note).toMatchObject({ key: "protected-data", tone });
      expect(note!.body).toMatch(/protected customer data/i);
    }
  });

  it("a survey nobody has seen two days after install points at deploy, network access and the checkout editor", async () => {
    const s = await store({ installedAt: new Date(NOW.getTime() - SURVEY_GRACE_MS - 60_000) });
    const [note] = await shopifyReadiness(t.db, s.id, NOW);
    expect(note).toMatchObject({ key: "survey-unseen" });
    expect(note!.body).toMatch(/shopify app deploy.*CICLO_APP_URL.*network access.*checkout editor/);
  });

  it("a failed reconciliation is shown, with the re-authorisation hint when the token was refused", async () => {
    const s = await store();
    await t.db.storeSyncState.create({
      data: {
        storeId: s.id,
        lastReconcileError: "OfflineTokenRefused: Shopify refused to refresh the offline token for x (invalid_grant)",
      },
    });
    const [note] = await shopifyReadiness(t.db, s.id, NOW);
    expect(note).toMatchObject({ key: "sync-error", tone: "critical" });
    expect(note!.body).toMatch(/open Ciclo from your Shopify admin/);
  });
});
