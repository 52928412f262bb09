/**
 * Receipt batches overlap on PostgreSQL (each is a round trip away), and a delivery sent twice can be in two of
 * them. Batches that take the same keys in opposite orders must not wait for each other: the writer inserts in key
 * order, so both commit, each key is stored once, and each batch learns which of its rows were new.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboxWriter, type InboxWriter, type ReceiptRow } from "../../app/sync/inbox-writer.server";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases";

describe.each(DB_KINDS)("inbox writer, overlapping batches on %s", (kind) => {
  let database: TestDatabase;
  let writer: InboxWriter;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "order.myshopify.com", currency: "EUR" },
    });
    writer = createInboxWriter(database.url);
  });
  afterEach(async () => {
    writer.close();
    await database.drop();
  });

  const receipt = (key: string): ReceiptRow => ({
    storeId: "s1",
    dedupeKey: key,
    topic: "orders/create",
    payload: JSON.stringify({ key }),
    triggeredAt: null,
  });

  it("stores each key once when two batches insert the same keys in opposite orders", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `orders/create|event-${String(i).padStart(3, "0")}`);
    const forward = keys.map(receipt);
    const backward = [...keys].reverse().map(receipt);
    const now = new Date("2026-03-01T12:00:00Z");

    const [a, b] = await Promise.all([writer.insert(forward, now), writer.insert(backward, now)]);

    // Every key is new in exactly one of the two batches, reported at its own position.
    keys.forEach((_, i) => expect(Number(a[i]) + Number(b[keys.length - 1 - i])).toBe(1));
    expect(await database.db.webhookReceipt.count({ where: { storeId: "s1" } })).toBe(keys.length);
  });

  it("reports a key repeated within a batch as new once, at its first position", async () => {
    const rows = ["k2", "k1", "k2"].map(receipt);
    expect(await writer.insert(rows, new Date())).toEqual([true, true, false]);
  });
});
