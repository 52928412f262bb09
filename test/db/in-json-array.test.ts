/**
 * `inJsonArray`: a column matched against a JSON array given as one parameter, on both databases — every listed
 * text found (thousands of them, odd characters included), nothing else, another store's rows never, an empty list
 * none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkReader } from "../../app/db/bulk-reader.server";
import { inJsonArray } from "../../app/db/sql.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const ODD = ['quo"te', "back\\slash", "ünïcødé", "comma,and]bracket", "tab\there"];

describe.each(DB_KINDS)("inJsonArray on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const id of ["s1", "s2"])
      await database.db.store.create({ data: { id, platform: "shopify", domain: `${id}-json.myshopify.com` } });
    const customers = [...Array.from({ length: 6_000 }, (_, i) => `c${i}`), ...ODD];
    await database.db.customerLabels.createMany({
      data: customers.flatMap((customerId) => [
        { storeId: "s1", customerId, tags: `["${customerId.length}"]` },
        { storeId: "s2", customerId, tags: "[]" },
      ]),
    });
  });
  afterAll(async () => {
    await database.drop();
  });

  async function found(ids: string[]): Promise<string[]> {
    const reader = createBulkReader(database.url);
    const sql = `SELECT "customerId" FROM "CustomerLabels" WHERE "storeId" = $store AND ${inJsonArray(kind, `"customerId"`, "ids")}`;
    const out: string[] = [];
    try {
      for await (const batch of reader.rows(sql, { store: "s1", ids: JSON.stringify(ids) }))
        out.push(...batch.map((r) => String(r[0])));
    } finally {
      await reader.close();
    }
    return out.sort();
  }

  it("finds exactly the listed customers of the store", async () => {
    const wanted = [...Array.from({ length: 5_000 }, (_, i) => `c${(i * 2) % 6_000}`), ...ODD, "not-there"];
    const expected = [...new Set(wanted.filter((id) => id !== "not-there"))].sort();
    expect(await found(wanted)).toEqual(expected);
  });

  it("finds nothing for an empty list", async () => {
    expect(await found([])).toEqual([]);
  });
});
