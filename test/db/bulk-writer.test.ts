/** BulkWriter.update on both databases: per-row values by key, fixed assignments, unknown keys ignored. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";

describe.each(DB_KINDS)("bulk update on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "bulk-update.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
    await database.db.tagOutboxPage.createMany({
      data: ["a", "b", "c"].map((id) => ({
        id,
        storeId: "s1",
        runId: `run-${id}`,
        size: 1,
        items: "[]",
        outcomes: ".",
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
        table: "TagOutboxPage",
        key: { name: "id", type: "text" },
        set: [
          { name: "state", type: "text" },
          { name: "problems", type: "text" },
          { name: "settledAt", type: "timestamp" },
        ],
        assign: { applied: `"applied" + 1` },
        chunkSize: 2,
      },
      [
        ["a", "settled", null, when],
        ["c", "refused", '[{"error":"Tag is invalid"}]', when],
        ["zz", "settled", null, when],
      ],
    );
    expect(changed).toBe(2);
    const rows = await database.db.tagOutboxPage.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.state, r.problems, r.applied, r.settledAt?.toISOString() ?? null])).toEqual([
      ["a", "settled", null, 1, when.toISOString()],
      ["b", "pending", null, 0, null],
      ["c", "refused", '[{"error":"Tag is invalid"}]', 1, when.toISOString()],
    ]);
  });
});

describe.each(DB_KINDS)("bulk write on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  const outbox = OUTBOX_WRITE;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "bulk-write.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("stores every value as given: text with tabs, newlines, backslashes and quotes, nulls, numbers, instants", async () => {
    const when = new Date("2026-11-25T01:02:03.456Z");
    const awkward = 'tab\there\nnew line\r\\back\\slash "quoted" \\N ünïcode 🎉';
    await bulk.write({ ...outbox, chunkSize: 2 }, [
      ["w1", "s1", "c1", "1", awkward, "[]", null, 7, when],
      ["w2", "s1", "c2", "2", "", "\\N", "{}", 0, null],
      ["w3", "s1", "c3", "3", "[]", "[]", null, 2_000_000_000, when],
    ]);
    const rows = await database.db.tagOutboxPage.findMany({
      where: { id: { in: ["w1", "w2", "w3"] } },
      orderBy: { id: "asc" },
    });
    expect(
      rows.map((r) => [r.id, r.items, r.outcomes, r.problems, r.size, r.settledAt?.toISOString() ?? null]),
    ).toEqual([
      ["w1", awkward, "[]", null, 7, when.toISOString()],
      ["w2", "", "\\N", "{}", 0, null],
      ["w3", "[]", "[]", null, 2_000_000_000, when.toISOString()],
    ]);
  });

  it("replaces colliding rows with `conflict`, and a failing chunk leaves the chunks before it written", async () => {
    await bulk.write(outbox, [["u1", "s1", "c1", "1", '["a"]', "[]", null, 0, null]]);
    await bulk.write({ ...outbox, conflict: ["id"] }, [["u1", "s1", "c1", "1", '["b"]', "[]", null, 1, null]]);
    expect((await database.db.tagOutboxPage.findUniqueOrThrow({ where: { id: "u1" } })).items).toBe('["b"]');
    // The second chunk's row has no state: its NOT NULL constraint fails, the first chunk stays.
    await expect(
      bulk.write({ ...outbox, chunkSize: 1 }, [
        ["f1", "s1", "c1", "1", "[]", "[]", null, 0, null],
        ["f2", "s1", null, "1", "[]", "[]", null, 0, null],
      ]),
    ).rejects.toThrow();
    expect(await database.db.tagOutboxPage.count({ where: { id: { in: ["f1", "f2"] } } })).toBe(1);
  });

  it("with `newRows`, a chunk whose rows turn out to exist is upserted after all, other chunks inserted", async () => {
    await bulk.write(outbox, [["n2", "s1", "c2", "2", '["old"]', "[]", null, 0, null]]);
    const written = await bulk.write(
      // Only rows whose items changed are replaced: the fallback keeps the write's own conflict rules.
      {
        ...outbox,
        conflict: ["id"],
        onConflictWhere: `"TagOutboxPage"."items" <> excluded."items"`,
        newRows: true,
        chunkSize: 2,
      },
      [
        ["n0", "s1", "c0", "0", '["a"]', "[]", null, 0, null],
        ["n1", "s1", "c1", "1", '["a"]', "[]", null, 0, null],
        ["n2", "s1", "c2", "2", '["new"]', "[]", null, 5, null],
        ["n3", "s1", "c3", "3", '["a"]', "[]", null, 0, null],
      ],
    );
    expect(written).toBe(4);
    const rows = await database.db.tagOutboxPage.findMany({
      where: { id: { startsWith: "n" } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => [r.id, r.items, r.size])).toEqual([
      ["n0", '["a"]', 0],
      ["n1", '["a"]', 0],
      ["n2", '["new"]', 5],
      ["n3", '["a"]', 0],
    ]);
    // A failure other than a collision is not retried as an upsert: it is the caller's.
    await expect(
      bulk.write({ ...outbox, conflict: ["id"], newRows: true }, [["n9", "s1", null, "x", "[]", "[]", null, 0, null]]),
    ).rejects.toThrow();
  });

  it("runs concurrent callers one after another: a statement never lands inside another caller's chunk", async () => {
    const rows = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "s1", `c${i}`, String(i), "[]", "[]", null, 0, null]);
    const results = await Promise.allSettled([
      bulk.write({ ...outbox, chunkSize: 50 }, rows("p", 500)),
      bulk.write({ ...outbox, chunkSize: 50 }, [
        ...rows("q", 100),
        ["bad", "s1", null, "x", "[]", "[]", null, 0, null],
      ]),
      bulk.execute(`UPDATE "TagOutboxPage" SET "size" = 9 WHERE "id" = ?`, "w1"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await database.db.tagOutboxPage.count({ where: { id: { startsWith: "p" } } })).toBe(500);
    // The rejected write's earlier chunks (100 rows in two chunks) stay; only its failing chunk is rolled back.
    expect(await database.db.tagOutboxPage.count({ where: { id: { startsWith: "q" } } })).toBe(100);
    expect((await database.db.tagOutboxPage.findUniqueOrThrow({ where: { id: "w1" } })).size).toBe(9);
  });
});

describe("commits that flush later on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // The tests' server runs with synchronous_commit off; new connections to this database get the usual default.
    const [current] = await database.db.$queryRawUnsafe<{ name: string }[]>(`SELECT current_database()::text AS name`);
    await database.db.$executeRawUnsafe(`ALTER DATABASE "${current!.name}" SET synchronous_commit = on`);
  });
  afterAll(async () => {
    await database.drop();
  });

  // Fails the statement unless the writer's own connection has the expected setting.
  const expectSetting = (value: string) =>
    `DO $$ BEGIN IF current_setting('synchronous_commit') <> '${value}' THEN
       RAISE EXCEPTION 'synchronous_commit is %', current_setting('synchronous_commit'); END IF; END $$`;

  it("turns synchronous_commit off on the asking writer's connection only", async () => {
    const nightly = createBulkWriter(database.db, database.url, { commitsFlushLater: true });
    const other = createBulkWriter(database.db, database.url);
    try {
      await expect(nightly.execute(expectSetting("off"))).resolves.toBeDefined();
      await expect(other.execute(expectSetting("off"))).rejects.toThrow(/synchronous_commit is on/);
      await expect(other.execute(expectSetting("on"))).resolves.toBeDefined();
    } finally {
      nightly.close();
      other.close();
    }
  });
});
