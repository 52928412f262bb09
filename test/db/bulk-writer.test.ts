/** BulkWriter.update on both databases: per-row values by key, fixed assignments, unknown keys ignored. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

describe.each(DB_KINDS)("bulk update on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "bulk-update.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
    await database.db.tagOutboxItem.createMany({
      data: ["a", "b", "c"].map((id) => ({
        id,
        storeId: "s1",
        customerId: `cust-${id}`,
        customerExternalId: id,
        add: "[]",
        remove: "[]",
      })),
    });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("sets each row's own values and the shared assignment, and ignores keys that match nothing", async () => {
    const when = new Date("2026-11-25T01:02:03.456Z");
    const changed = await bulk.update(
      {
        table: "TagOutboxItem",
        key: { name: "id", type: "text" },
        set: [
          { name: "state", type: "text" },
          { name: "error", type: "text" },
          { name: "appliedAt", type: "timestamp" },
        ],
        assign: { attempts: `"attempts" + 1` },
        chunkSize: 2,
      },
      [
        ["a", "applied", null, when],
        ["c", "user_error", "Tag is invalid", when],
        ["zz", "applied", null, when],
      ],
    );
    expect(changed).toBe(2);
    const rows = await database.db.tagOutboxItem.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.state, r.error, r.attempts, r.appliedAt?.toISOString() ?? null])).toEqual([
      ["a", "applied", null, 1, when.toISOString()],
      ["b", "pending", null, 0, null],
      ["c", "user_error", "Tag is invalid", 1, when.toISOString()],
    ]);
  });
});
