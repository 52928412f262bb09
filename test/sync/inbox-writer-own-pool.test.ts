/**
 * The receive path's writer: a receipt is stored while the app's own database client is busy (on PostgreSQL the
 * writer has a pool of its own, so queries holding every shared connection cannot delay an acknowledgement), and
 * one call stores any number of receipts with their times and which of them were new, as before.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboxWriter, type InboxWriter, type ReceiptRow } from "../../app/sync/inbox-writer.server";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases";

const receipt = (key: string, triggeredAt: Date | null = null): ReceiptRow => ({
  storeId: "s1",
  dedupeKey: key,
  topic: "orders/create",
  payload: JSON.stringify({ key }),
  triggeredAt,
});

describe.each(DB_KINDS)("inbox writer on %s", (kind) => {
  let database: TestDatabase;
  let writer: InboxWriter;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "pool.myshopify.com", currency: "EUR" },
    });
    writer = createInboxWriter(database.url);
  });
  afterEach(async () => {
    writer.close();
    await database.drop();
  });

  it("stores the receive and trigger times as given (UTC) and the payload as sent", async () => {
    const now = new Date("2026-03-01T23:30:00.123Z");
    const triggeredAt = new Date("2026-03-01T23:29:58.456Z");
    expect(await writer.insert([receipt("k1", triggeredAt)], now)).toEqual([true]);

    const stored = await database.db.webhookReceipt.findFirstOrThrow({ where: { storeId: "s1", dedupeKey: "k1" } });
    expect(stored.receivedAt.toISOString()).toBe(now.toISOString());
    expect(stored.triggeredAt?.toISOString()).toBe(triggeredAt.toISOString());
    expect(stored).toMatchObject({ status: "pending", attempts: 0, topic: "orders/create", payload: '{"key":"k1"}' });
  });

  it("stores a batch larger than one statement, each key once, and says which rows were new", async () => {
    await writer.insert([receipt("key-0008"), receipt("key-2400")], new Date());
    // 2,500 rows with every key twice, shuffled: more rows than one statement takes.
    const keys = Array.from({ length: 1250 }, (_, i) => `key-${String(i * 2).padStart(4, "0")}`);
    const rows = [...keys, ...keys].map((key) => receipt(key));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }

    const fresh = await writer.insert(rows, new Date());

    const firstPosition = new Map<string, number>();
    rows.forEach((r, i) => firstPosition.has(r.dedupeKey) || firstPosition.set(r.dedupeKey, i));
    const expected = rows.map(
      (r, i) => firstPosition.get(r.dedupeKey) === i && r.dedupeKey !== "key-0008" && r.dedupeKey !== "key-2400",
    );
    expect(fresh).toEqual(expected);
    expect(fresh.filter(Boolean)).toHaveLength(1248);
    expect(await database.db.webhookReceipt.count({ where: { storeId: "s1" } })).toBe(1250);
  });
});

describe("inbox writer on postgres, the app's connections all busy", () => {
  let database: TestDatabase;
  let writer: InboxWriter;

  beforeEach(async () => {
    database = await createTestDatabase("postgres");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "pool.myshopify.com", currency: "EUR" },
    });
    writer = createInboxWriter(database.url);
    await writer.insert([receipt("warm-up")], new Date()); // its connection is open, as in a running app
  });
  afterEach(async () => {
    writer.close();
    await database.drop();
  });

  it("stores a receipt without waiting for a connection of the shared pool", async () => {
    // More slow queries than the shared pool has connections (10): every one of them is taken for 3 s.
    // (Prisma's queries are lazy: `then` sends them.)
    const busy = Array.from({ length: 12 }, () =>
      database.db.$queryRaw`SELECT 1 AS done FROM pg_sleep(3)`.then((rows) => rows),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = performance.now();
    expect(await writer.insert([receipt("during-busy")], new Date())).toEqual([true]);
    const took = performance.now() - started;
    await Promise.all(busy);

    // Through the shared pool it would have waited until the first slow query ended (about 2.7 s).
    expect(took).toBeLessThan(1500);
  });
});
