/**
 * A (re)started process caches every store's id before it takes traffic (entry.server warmUp): the burst of
 * retried deliveries it meets after a crash does not wait for store lookups. Observed through the cache itself:
 * the store's domain is changed behind the inbox's back after the preload.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboxWriter, type InboxWriter } from "../../app/sync/inbox-writer.server";
import { WebhookInbox } from "../../app/sync/webhook-inbox.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const DOMAIN = "preload.myshopify.com";

describe("webhook inbox store preload", () => {
  let database: TestDatabase;
  let writer: InboxWriter;
  let inbox: WebhookInbox;

  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({ data: { id: "s1", platform: "shopify", domain: DOMAIN, currency: "EUR" } });
    writer = createInboxWriter(database.url);
    inbox = new WebhookInbox(database.db, writer);
  });
  afterEach(async () => {
    writer.close();
    await database.drop();
  });

  const delivery = (key: string) => ({
    platform: "shopify" as const,
    shopDomain: DOMAIN,
    dedupeKey: key,
    topic: "orders/create",
    rawBody: "{}",
    triggeredAt: null,
  });
  const renameStore = () => database.db.store.update({ where: { id: "s1" }, data: { domain: "moved.myshopify.com" } });

  it("answers a delivery from the preloaded ids without reading the store", async () => {
    await inbox.preloadStores();
    await renameStore();
    expect(await inbox.record(delivery("a"))).toBe("stored");
    expect(await database.db.webhookReceipt.count({ where: { storeId: "s1" } })).toBe(1);
  });

  it("reads the store when nothing was preloaded", async () => {
    await renameStore();
    expect(await inbox.record(delivery("a"))).toBe("unknown-store");
  });
});
