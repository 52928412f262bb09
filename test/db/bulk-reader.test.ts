/**
 * BulkReader.scan on both databases: the same rows as `rows` (on PostgreSQL as text, through COPY's text format),
 * whatever characters the values hold, with parameters that are values and never SQL, a reader that still
 * works after a caller stopped reading early, and reads started at once taking turns.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTextFields, createBulkReader, type BulkReader } from "../../app/db/bulk-reader.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const AWKWARD = [
  "plain",
  "tab\there",
  "new\nline and \r return",
  "back\\slash \\N \\t",
  "\\N",
  'it\'s "quoted"',
  "accents é ü, CJK 漢字, emoji 🛒",
  "",
];

async function all(batches: AsyncGenerator<unknown[][]>): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

describe.each(DB_KINDS)("bulk reader scan on %s", (kind) => {
  let database: TestDatabase;
  let reader: BulkReader;
  const created = new Date("2026-11-25T01:02:03.456Z");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    reader = createBulkReader(database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "bulk-read.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
    await database.db.customer.createMany({
      data: [
        ...AWKWARD.map((email, k) => ({
          id: `c${k}`,
          storeId: "s1",
          externalId: String(k),
          email,
          platformCreatedAt: created,
        })),
        { id: "cnull", storeId: "s1", externalId: "99", email: null, platformCreatedAt: new Date("2027-01-01") },
        // More rows than one batch, for reading only part of them.
        ...Array.from({ length: 3000 }, (_, k) => ({ id: `m${k}`, storeId: "s1", externalId: `m${k}` })),
      ],
    });
  });
  afterAll(async () => {
    await reader.close();
    await database.drop();
  });

  const sql = `SELECT c."id", c."email", c."externalId" FROM "Customer" c
    WHERE c."storeId" = $store AND c."platformCreatedAt" <= $before AND c."email" IS DISTINCT FROM $not ORDER BY c."id"`;

  it("gives every value as stored, nulls as null, the same rows as rows()", async () => {
    const params = { store: "s1", before: created, not: "nobody" };
    const scanned = await all(reader.scan(sql, params));
    expect(scanned).toEqual(AWKWARD.map((email, k) => [`c${k}`, email, String(k)]));
    expect(scanned).toEqual(await all(reader.rows(sql, params)));

    const withNull = await all(reader.scan(sql, { ...params, before: new Date("2027-06-01") }));
    expect(withNull.at(-1)).toEqual(["cnull", null, "99"]);
  });

  it("treats a parameter as a value, never as SQL", async () => {
    const injected = await all(reader.scan(sql, { store: "s1' OR '1'='1", before: created, not: "x" }));
    expect(injected).toEqual([]);
    const quoted = await all(reader.scan(sql, { store: "s1", before: created, not: 'it\'s "quoted"' }));
    expect(quoted.map((r) => r[1])).not.toContain('it\'s "quoted"');
    expect(quoted).toHaveLength(AWKWARD.length - 1);
  });

  it("reads again after a caller stopped in the middle of a scan", async () => {
    const many = `SELECT c."id" FROM "Customer" c WHERE c."storeId" = $store ORDER BY c."id"`;
    for await (const batch of reader.scan(many, { store: "s1" })) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(await all(reader.scan(many, { store: "s1" }))).toHaveLength(AWKWARD.length + 1 + 3000);
    expect(await all(reader.rows(many, { store: "s1" }))).toHaveLength(AWKWARD.length + 1 + 3000);
  });

  it("reads started at the same time take turns on the connection, each whole and in order", async () => {
    // Two phases of the nightly may read through one reader at once: on PostgreSQL a second cursor's transaction
    // ended the first's ("cursor does not exist"), on SQLite a second statement met the open iterator.
    const many = `SELECT c."id" FROM "Customer" c WHERE c."storeId" = $store ORDER BY c."id"`;
    const expected = await all(reader.rows(many, { store: "s1" }, 500));
    const [a, b, c, d] = await Promise.all([
      all(reader.rows(many, { store: "s1" }, 500)),
      all(reader.scan(many, { store: "s1" })),
      all(reader.rows(many, { store: "s1" }, 700)),
      all(reader.scan(many, { store: "s1" })),
    ]);
    expect(expected).toHaveLength(AWKWARD.length + 1 + 3000);
    for (const read of [a, b, c, d]) expect(read).toEqual(expected);
  });
});

describe("COPY text fields", () => {
  it("splits on tabs, reads \\N as null and undoes backslash escapes", () => {
    expect(copyTextFields("a\t\\N\tb\\\\c\\td\\ne\t\\\\N\t")).toEqual(["a", null, "b\\c\td\ne", "\\N", ""]);
  });
});
