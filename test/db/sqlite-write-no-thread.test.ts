/**
 * A build without the SQLite write thread's bundle (or a thread that cannot start) must not fail the nightly's
 * writes: the writer writes on the calling thread, as without `writeThread`, and says why in the log.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";

vi.mock("../../app/worker-entry.server", () => ({
  workerEntry: (name: string) => {
    throw new Error(`worker bundle missing: ${name}.js (run npm run build)`);
  },
}));

const { createBulkWriter } = await import("../../app/db/bulk-writer.server");
const { logger } = await import("../../app/logger.server");

describe("SQLite writes without their thread", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "no-thread.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("writes on the calling thread when the thread cannot start, and logs why", async () => {
    const warn = vi.spyOn(logger, "warn");
    const bulk = createBulkWriter(database.db, database.url, { writeThread: true });
    try {
      const rows = Array.from({ length: 300 }, (_, i) => [
        `o${i}`,
        "s1",
        `c${i}`,
        String(i),
        "[]",
        "[]",
        null,
        0,
        null,
      ]);
      expect(await bulk.write(OUTBOX_WRITE, rows)).toBe(300);
      // Two chunks ahead only with a thread; written here, one at a time.
      expect(bulk.chunksAhead).toBe(1);
    } finally {
      bulk.close();
    }
    const file = new Database(database.url.replace(/^file:/, ""), { readonly: true });
    expect((file.prepare(`SELECT count(*) AS n FROM "TagOutboxPage"`).get() as { n: number }).n).toBe(300);
    file.close();
    expect(warn).toHaveBeenCalledWith(
      "SQLite write thread did not start; writing on this thread",
      expect.objectContaining({ error: expect.stringContaining("worker bundle missing") }),
    );
  });
});
