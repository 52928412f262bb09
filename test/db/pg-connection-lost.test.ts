/**
 * PostgreSQL may end a connection the bulk reader or writer holds while it is idle (a restart, a failover, an
 * administrator): the process must not die of it (pg reports it as an 'error' event, uncaught without a listener),
 * and the next read or write opens a connection of its own (the writer's COPY thread too).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkReader } from "../../app/db/bulk-reader.server";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";

const rows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "s1", `c${i}`, String(i), "[]", "[]", null, 0, null]);

describe("a bulk connection the server ends", () => {
  let database: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "lost.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  /** Ends every other connection to the test database, as a server restart would; how many it ended. */
  const endOthers = async () =>
    (
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND application_name <> 'prisma'`,
      )
    ).rowCount ?? 0;

  it("is logged, and the next read and write reconnect", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    const bulk = createBulkWriter(database.db, database.url);
    const reader = createBulkReader(database.url);
    try {
      await bulk.execute(`SELECT 1`);
      await bulk.write(OUTBOX_WRITE, rows("before-", 3)); // the writer's COPY thread has its connection too
      for await (const _batch of reader.rows(`SELECT 1`, {}));
      expect(await endOthers()).toBeGreaterThanOrEqual(3);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the 'error' events arrive
      expect(uncaught).toEqual([]);
      expect(await bulk.execute(`UPDATE "Store" SET "currency" = 'EUR' WHERE "id" = 's1'`)).toBe(1);
      await bulk.write(OUTBOX_WRITE, rows("after-", 3));
      let read = 0;
      for await (const batch of reader.rows(`SELECT count(*) FROM "TagOutboxPage" WHERE "id" LIKE 'after-%'`, {}))
        read = Number(batch[0]![0]);
      expect(read).toBe(3);
    } finally {
      process.off("uncaughtException", record);
      bulk.close();
      await reader.close();
    }
  });
});
