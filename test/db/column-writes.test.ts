/**
 * BulkWriter.writeColumns: rows given as columns are stored exactly as the same rows given to `write`, on both
 * databases; chunks are written in the order given, and a failing chunk is reported with the database's error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import type { ColumnChunk } from "../../app/db/column-chunk";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { OUTBOX_WRITE } from "../support/outbox-write";

const AWKWARD = 'tab\there\nnew line\r\\back\\slash "quoted" \\N ünïcode 🎉';
const WHEN = new Date("2026-11-25T01:02:03.456Z");

/** Rows `prefix`0… as columns: ids and texts vary, store and `outcomes` are constants; NaN and ±Infinity are null. */
function outboxChunk(prefix: string, states: (string | null)[], sizes: number[], settled: number[]): ColumnChunk {
  const n = states.length;
  return {
    length: n,
    columns: [
      states.map((_, i) => `${prefix}${i}`),
      { constant: "s1" },
      states,
      states.map((_, i) => String(i)),
      states.map((_, i) => (i % 2 ? AWKWARD : `["tag-${i}"]`)),
      { constant: "[]" },
      states.map((_, i) => (i % 3 ? null : `{"k":${i}}`)),
      Float64Array.from(sizes),
      Float64Array.from(settled),
    ],
  };
}

describe.each(DB_KINDS)("column writes on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "column-writes.myshopify.com", currency: "EUR", timezone: "UTC" },
    });
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  const stored = async (prefix: string) =>
    (await database.db.tagOutboxPage.findMany({ where: { id: { startsWith: prefix } }, orderBy: { id: "asc" } })).map(
      (r) => [
        r.id.slice(prefix.length),
        r.storeId,
        r.state,
        r.runId,
        r.items,
        r.outcomes,
        r.problems,
        r.size,
        r.settledAt?.toISOString() ?? null,
      ],
    );

  it("stores the values a row write of the same rows stores: texts, nulls, integers, instants", async () => {
    const states = ["c0", "c1", "c2", "c3", "c4"];
    const sizes = [0, 7, 2_000_000_000, 3, 1];
    const settled = [WHEN.getTime(), NaN, 0, WHEN.getTime(), Infinity];
    const chunk = outboxChunk("col-", states, sizes, settled);
    expect(await bulk.writeColumns({ ...OUTBOX_WRITE, chunkSize: 2 }, chunk)).toBe(5);
    await bulk.write(
      OUTBOX_WRITE,
      states.map((c, i) => [
        `row-${i}`,
        "s1",
        c,
        String(i),
        i % 2 ? AWKWARD : `["tag-${i}"]`,
        "[]",
        i % 3 ? null : `{"k":${i}}`,
        sizes[i],
        Number.isFinite(settled[i]) ? new Date(settled[i]!) : null,
      ]),
    );
    const columns = await stored("col-");
    expect(columns).toHaveLength(5);
    expect(columns).toEqual(await stored("row-"));
    expect(columns[1]).toEqual(["1", "s1", "c1", "1", AWKWARD, "[]", null, 7, null]);
    expect(columns[3]![8]).toBe(WHEN.toISOString());
  });

  it("writes chunks in the order given (a later chunk's row replaces an earlier one's) and reports a failing chunk", async () => {
    const upsert = { ...OUTBOX_WRITE, conflict: ["id"] };
    const writes = [
      bulk.writeColumns(upsert, outboxChunk("ord-", ["first", "first"], [1, 1], [NaN, NaN])),
      bulk.writeColumns(upsert, outboxChunk("ord-", ["second"], [2], [NaN])),
      // No state: the NOT NULL constraint refuses the chunk.
      bulk.writeColumns(OUTBOX_WRITE, outboxChunk("bad-", [null], [0], [NaN])),
      bulk.writeColumns(OUTBOX_WRITE, outboxChunk("after-", ["c9"], [0], [NaN])),
    ];
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const refused = (results[2] as PromiseRejectedResult).reason as Error & { code?: string };
    expect(refused.message).toMatch(/null/i);
    if (kind === "sqlite") expect(refused.code).toBe("SQLITE_CONSTRAINT_NOTNULL");
    expect((await stored("ord-")).map((r) => [r[0], r[2], r[7]])).toEqual([
      ["0", "second", 2],
      ["1", "first", 1],
    ]);
    expect(await stored("bad-")).toEqual([]);
    expect(await stored("after-")).toHaveLength(1);
  });
});
