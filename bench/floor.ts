/**
 * The floor a nightly recompute is measured against, on the same database in the same run: one raw pass that
 * groups the store's orders per customer, plus one raw prepared insert of one row per customer (as wide as a
 * CustomerScore row) in one transaction into a scratch table — an ordinary table, written durably like the
 * app's own (a TEMP table skips the WAL on both databases and would not be the same write). Nothing can score a
 * store with less database work; `recompute_s / floor_s` is then the pipeline's own overhead, whatever the
 * machine's speed that hour.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "../app/db.server";

const GROUP = `SELECT "customerId" AS c, COUNT(*) AS n, SUM("netMinor") AS spend, MIN("processedAt") AS first, MAX("processedAt") AS last
  FROM "Order" WHERE "storeId" = $1 AND "deletedAt" IS NULL GROUP BY "customerId"`;
/** 23 values per row, like CustomerScore. */
const SCRATCH_COLUMNS = Array.from({ length: 23 }, (_, i) => `v${i}`);

export interface Floor {
  group_s: number;
  insert_s: number;
  floor_s: number;
}

export async function measureFloor(url: string, storeId: string): Promise<Floor> {
  return isPostgresUrl(url) ? floorPostgres(url, storeId) : floorSqlite(url, storeId);
}

function floorSqlite(url: string, storeId: string): Floor {
  const conn = new Database(url.replace(/^file:/, ""));
  try {
    const t0 = performance.now();
    const groups = conn.prepare(GROUP.replace("$1", "?")).raw().all(storeId) as unknown[][];
    const t1 = performance.now();
    conn.exec(`CREATE TABLE floor_scratch (id TEXT PRIMARY KEY, ${SCRATCH_COLUMNS.map((c) => `${c}`).join(", ")})`);
    const insert = conn.prepare(`INSERT INTO floor_scratch VALUES (?, ${SCRATCH_COLUMNS.map(() => "?").join(", ")})`);
    conn.transaction(() => {
      for (const [c, n, spend, first, last] of groups)
        insert.run(
          c,
          storeId,
          c,
          first,
          n,
          n,
          first,
          last,
          1,
          spend,
          3,
          3,
          3,
          "loyal",
          "active",
          spend,
          spend,
          0.5,
          0.1,
          0.3,
          1.2,
          spend,
          last,
          0.5,
        );
    })();
    const t2 = performance.now();
    conn.exec(`DROP TABLE floor_scratch`);
    return { group_s: (t1 - t0) / 1000, insert_s: (t2 - t1) / 1000, floor_s: (t2 - t0) / 1000 };
  } finally {
    conn.close();
  }
}

async function floorPostgres(url: string, storeId: string): Promise<Floor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    const { rows } = await client.query({ text: GROUP, values: [storeId], rowMode: "array" });
    const t1 = performance.now();
    await client.query(
      `CREATE TABLE floor_scratch (id text PRIMARY KEY, v0 text, v1 text, v2 timestamp(3), v3 int, v4 int, v5 timestamp(3),
        v6 timestamp(3), v7 int, v8 bigint, v9 int, v10 int, v11 int, v12 text, v13 text, v14 bigint, v15 bigint, v16 float8,
        v17 float8, v18 float8, v19 float8, v20 bigint, v21 timestamp(3), v22 float8)`,
    );
    await client.query("BEGIN");
    // One prepared statement, a chunk of rows per execution (PostgreSQL's fastest plain insert from a client).
    const CHUNK = 20_000;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK) as unknown[][];
      const col = (k: number) => chunk.map((r) => r[k]);
      await client.query({
        name: "floor-insert",
        text: `INSERT INTO floor_scratch SELECT c, $2, c, f, n, n, f, l, 1, s, 3, 3, 3, 'loyal', 'active', s, s, 0.5, 0.1, 0.3, 1.2, s, l, 0.5
          FROM unnest($1::text[], $3::int[], $4::bigint[], $5::timestamp(3)[], $6::timestamp(3)[]) AS t(c, n, s, f, l)`,
        values: [col(0), storeId, col(1), col(2), col(3), col(4)],
      });
    }
    await client.query("COMMIT");
    const t2 = performance.now();
    await client.query(`DROP TABLE floor_scratch`);
    return { group_s: (t1 - t0) / 1000, insert_s: (t2 - t1) / 1000, floor_s: (t2 - t0) / 1000 };
  } finally {
    await client.end();
  }
}
