/**
 * The request thread's SQLite connections never checkpoint (a checkpoint after a nightly write copies hundreds of
 * megabytes synchronously); the checkpoint thread does it for them. Without it, written pages would stay in the WAL
 * and the database file would not grow; with it, they reach the database file within a few rounds.
 */
import { statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { startCheckpointer } from "../../app/db/sqlite-checkpointer.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SQLite checkpoints off the request thread", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({ data: { id: "s1", platform: "shopify", domain: "wal.myshopify.com" } });
  });
  afterEach(() => database.drop());

  const fileSize = () => statSync(database.url.replace(/^file:/, "")).size;
  const write = async (from: number) => {
    const bulk = createBulkWriter(database.db, database.url);
    await bulk.write(
      {
        table: "Customer",
        generateIds: true,
        columns: [
          { name: "storeId", type: "text" },
          { name: "externalId", type: "text" },
          { name: "updatedAt", type: "timestamp" },
        ],
      },
      Array.from({ length: 20_000 }, (_, i) => ["s1", String(from + i), new Date()]),
    );
    bulk.close();
  };

  it("leaves pages in the WAL when no checkpoint thread runs, and moves them into the database when one does", async () => {
    const before = fileSize();
    await write(0);
    await sleep(300);
    expect(fileSize()).toBe(before); // the request thread did not checkpoint

    const checkpointer = startCheckpointer(database.url, 50);
    try {
      await expect.poll(fileSize, { timeout: 10_000 }).toBeGreaterThan(before + 500_000);
    } finally {
      await checkpointer.stop();
    }
  });
});
