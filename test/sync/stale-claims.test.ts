/**
 * Claims left by a process that died (kill -9 mid-batch) are given back — on a timer, not before every batch. The
 * check is a scan of every receipt kept (a prefix match on the status), synchronous on SQLite's request thread, so
 * it runs at most every 10 s; a claim is stale only after 30 s anyway.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InboxProcessor } from "../../app/sync/inbox-processor.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const STORE = "s1";

describe("stale inbox claims", () => {
  let database: TestDatabase;
  let clock: Date;
  let processor: InboxProcessor;

  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: STORE, platform: "shopify", domain: "claims.myshopify.com", currency: "EUR" },
    });
    clock = new Date("2026-03-01T12:00:00Z");
    processor = new InboxProcessor(database.db, { now: () => clock });
  });
  afterEach(() => database.drop());

  /** A receipt claimed `agoMs` before the clock by a process that is gone. */
  const abandonedClaim = (key: string, agoMs: number) =>
    database.db.webhookReceipt.create({
      data: {
        storeId: STORE,
        dedupeKey: key,
        topic: "app/scopes_update",
        payload: "{}",
        status: "processing:dead-process",
        processedAt: new Date(clock.getTime() - agoMs),
      },
    });
  const status = async (id: string) => (await database.db.webhookReceipt.findUniqueOrThrow({ where: { id } })).status;
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  it("gives back a claim older than 30 s, checking at most every 10 s", async () => {
    const first = await abandonedClaim("first", 60_000);
    await processor.processBatch();
    expect(await status(first.id)).not.toMatch(/^processing:/);

    // Stale 1 s after the last check: left until the next check is due.
    const second = await abandonedClaim("second", 29_000);
    advance(2_000);
    await processor.processBatch();
    expect(await status(second.id)).toBe("processing:dead-process");

    advance(8_000);
    await processor.processBatch();
    expect(await status(second.id)).not.toMatch(/^processing:/);
  });

  it("leaves a claim younger than 30 s with its process", async () => {
    const live = await abandonedClaim("live", 20_000);
    await processor.processBatch();
    expect(await status(live.id)).toBe("processing:dead-process");
  });
});
