/**
 * The migration that turns the tag outbox's rows into pages, run on a database holding items as the release before
 * it left them: every waiting item is still waiting (pages of at most 1,000, per store), each refusal keeps its
 * reason for the Sync page, applied items (history) are gone; then the push sends what waits, and only that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type Column } from "../../app/db/bulk-writer.server";
import { TagOutbox, type LabelWriterFactory } from "../../app/jobs/tags/tag-outbox.server";
import { tagOutboxItems, tagSyncStatus } from "../../app/read-models/tag-sync.server";
import { applyMigration, createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const MIGRATION = "20261205300000_tag_outbox_pages";
const AT = new Date("2026-11-20T03:00:00Z");
const WAITING_IN_S1 = 2_345;

const text = (name: string): Column => ({ name, type: "text" });
const ITEM_COLUMNS: Column[] = [
  text("id"),
  text("storeId"),
  text("runId"),
  text("customerId"),
  text("customerExternalId"),
  text("add"),
  text("remove"),
  text("metafields"),
  text("state"),
  text("error"),
  { name: "createdAt", type: "timestamp" },
  { name: "appliedAt", type: "timestamp" },
];

const pad = (n: number) => String(n).padStart(5, "0");
/** Item rows as the release before wrote them. */
function itemRows(): unknown[][] {
  const rows: unknown[][] = [];
  for (let n = 0; n < WAITING_IN_S1; n++)
    rows.push([
      `o${pad(n)}`,
      "s1",
      "r1",
      `c${pad(n)}`,
      String(1000 + n),
      `["ciclo:n${n % 7}"]`,
      "[]",
      null,
      "pending",
      null,
      AT,
      null,
    ]);
  rows.push([
    "p1",
    "s1",
    "r1",
    "c-gone",
    "9001",
    '["ciclo:new"]',
    '["ciclo:old"]',
    null,
    "not_found",
    "customer not found",
    AT,
    AT,
  ]);
  rows.push(["p2", "s1", "r1", "c-bad", "9002", '["ciclo:new"]', "[]", null, "user_error", "Tags is invalid", AT, AT]);
  for (let n = 0; n < 3; n++)
    rows.push([`q${n}`, "s1", "r1", `c-done${n}`, String(8000 + n), "[]", "[]", null, "applied", null, AT, AT]);
  rows.push([
    "s2-1",
    "s2",
    "r2",
    "c-s2",
    "77",
    '["ciclo:vip"]',
    '["ciclo:old"]',
    '{"segment":"champions"}',
    "pending",
    null,
    AT,
    null,
  ]);
  return rows;
}

describe.each(DB_KINDS)("tag outbox pages migration on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrationsBefore: MIGRATION });
    for (const id of ["s1", "s2"])
      await database.db.store.create({ data: { id, platform: "shopify", domain: `${id}-pages.myshopify.com` } });
    const bulk = createBulkWriter(database.db, database.url);
    await bulk.write({ table: "TagOutboxItem", columns: ITEM_COLUMNS }, itemRows());
    bulk.close();
    await applyMigration(database, MIGRATION);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("keeps every waiting item in pages of at most 1,000 per store, and every refusal with its reason", async () => {
    const pages = await database.db.tagOutboxPage.findMany({ orderBy: { id: "asc" } });
    expect(pages.map((p) => [p.storeId, p.state, p.size]).sort()).toEqual(
      [
        ["s1", "pending", 1000],
        ["s1", "pending", 1000],
        ["s1", "pending", WAITING_IN_S1 - 2000],
        ["s1", "settled", 2],
        ["s2", "pending", 1],
      ].sort(),
    );
    for (const p of pages) expect(p.outcomes).toHaveLength(p.size);

    const s1 = await tagOutboxItems(database.db, "s1");
    const waiting = s1.filter((i) => i.state === "pending").sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
    expect(waiting).toHaveLength(WAITING_IN_S1);
    expect(waiting[0]).toEqual({
      customerId: "c00000",
      customerExternalId: "1000",
      add: ["ciclo:n0"],
      remove: [],
      metafields: null,
      state: "pending",
      error: null,
    });
    expect(waiting[WAITING_IN_S1 - 1]!.add).toEqual([`ciclo:n${(WAITING_IN_S1 - 1) % 7}`]);
    expect(s1.filter((i) => i.state !== "pending").sort((a, b) => (a.customerId < b.customerId ? -1 : 1))).toEqual([
      expect.objectContaining({ customerId: "c-bad", state: "user_error", error: "Tags is invalid" }),
      expect.objectContaining({
        customerId: "c-gone",
        remove: ["ciclo:old"],
        state: "not_found",
        error: "customer not found",
      }),
    ]);
    expect(s1.some((i) => i.customerId.startsWith("c-done"))).toBe(false);
    // The metafields text as the plan wrote it: compared with the confirmed labels' text next night.
    expect(await tagOutboxItems(database.db, "s2")).toEqual([
      expect.objectContaining({ customerExternalId: "77", metafields: '{"segment":"champions"}', state: "pending" }),
    ]);
    expect(await tagSyncStatus(database.db, "s1")).toMatchObject({ pending: WAITING_IN_S1, failed: 1, notFound: 1 });
    expect((await tagSyncStatus(database.db, "s1")).recentProblems.map((p) => p.customerExternalId).sort()).toEqual([
      "9001",
      "9002",
    ]);
  });

  it("pushes exactly the waiting items afterwards", async () => {
    const sent: string[] = [];
    const writerFor: LabelWriterFactory = async () => ({
      async *apply(changes) {
        for (const c of changes) {
          sent.push(c.customerExternalId);
          yield { customerExternalId: c.customerExternalId, status: "applied" as const };
        }
      },
    });
    const bulk = createBulkWriter(database.db, database.url);
    try {
      await database.db.store.update({ where: { id: "s1" }, data: { status: "installed" } });
      const result = await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, pageSize: 700 }).push("s1");
      expect(result).toMatchObject({ applied: WAITING_IN_S1, notFound: 0, userErrors: 0 });
      expect(new Set(sent).size).toBe(WAITING_IN_S1);
      expect(sent).toHaveLength(WAITING_IN_S1);
      expect(await tagSyncStatus(database.db, "s1")).toMatchObject({ pending: 0, failed: 1, notFound: 1 });
      expect(await database.db.customerLabels.count({ where: { storeId: "s1" } })).toBe(WAITING_IN_S1);
      // s2's page is another store's: untouched.
      expect(await tagSyncStatus(database.db, "s2")).toMatchObject({ pending: 1 });
    } finally {
      bulk.close();
    }
  });
});
