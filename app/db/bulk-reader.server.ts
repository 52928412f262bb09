/**
 * Streams the rows of one large query (every order of a store) as plain arrays, a batch at a time, on a
 * connection of its own — never through Prisma, whose per-row result mapping cost more than the query itself
 * for millions of rows. SQLite: a better-sqlite3 iterator (one read snapshot, which in WAL mode never blocks a
 * writer). PostgreSQL: a server-side cursor in a read-only transaction.
 */
import pg from "pg";
import { isPostgresUrl } from "../db.server";
import { openSqlite } from "./sqlite-connection.server";
import { bindNamed, type Dialect } from "./sql.server";

export interface BulkReader {
  readonly dialect: Dialect;
  /** The query's rows, `batchSize` at a time; named `$params` as in sql.server's bindNamed. */
  rows(sql: string, params: Record<string, unknown>, batchSize?: number): AsyncGenerator<unknown[][]>;
  close(): Promise<void>;
}

/**
 * Whether the store has any row in `table` (trusted name, not input): a nightly write into a table where it has
 * none is a first write, whose rows cannot collide (BulkWriteOptions.newRows).
 */
export async function storeHasRows(reader: BulkReader, table: string, storeId: string): Promise<boolean> {
  for await (const batch of reader.rows(`SELECT 1 FROM "${table}" WHERE "storeId" = $store LIMIT 1`, {
    store: storeId,
  }))
    if (batch.length) return true;
  return false;
}

export function createBulkReader(databaseUrl: string): BulkReader {
  return isPostgresUrl(databaseUrl) ? new PostgresBulkReader(databaseUrl) : new SqliteBulkReader(databaseUrl);
}

class SqliteBulkReader implements BulkReader {
  readonly dialect = "sqlite" as const;
  private readonly conn;

  constructor(databaseUrl: string) {
    this.conn = openSqlite(databaseUrl);
    // Large reads are scans, each page read once: the operating system's file cache serves a second pass, and a
    // big page cache of this connection's own only holds memory (a 128 MB cache: 160 MB more peak memory for the
    // same run time at 200,000 customers, measured A/B).
    this.conn.pragma("cache_size = -16384");
  }

  async *rows(sql: string, params: Record<string, unknown>, batchSize = 20_000): AsyncGenerator<unknown[][]> {
    const [text, values] = bindNamed(sql, "sqlite", params);
    const iterator = this.conn
      .prepare(text)
      .raw(true)
      .iterate(...values.map((v) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : v)));
    let batch: unknown[][] = [];
    for (const row of iterator as Iterable<unknown[]>) {
      batch.push(row);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async close() {
    this.conn.close();
  }
}

class PostgresBulkReader implements BulkReader {
  readonly dialect = "postgres" as const;
  private client: pg.Client | null = null;
  private cursors = 0;

  constructor(private readonly url: string) {}

  private async connection(): Promise<pg.Client> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.url });
      await this.client.connect();
    }
    return this.client;
  }

  async *rows(sql: string, params: Record<string, unknown>, batchSize = 20_000): AsyncGenerator<unknown[][]> {
    const [text, bound] = bindNamed(sql, "postgres", params);
    // ISO text: a timestamp column keeps UTC wall times (the pg driver would send Dates in local time).
    const values = bound.map((v) => (v instanceof Date ? v.toISOString() : v));
    const client = await this.connection();
    const cursor = `ciclo_rows_${++this.cursors}`;
    await client.query("BEGIN READ ONLY");
    let finished = false;
    try {
      await client.query({ text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${text}`, values });
      for (;;) {
        const page = await client.query({ text: `FETCH ${batchSize} FROM ${cursor}`, rowMode: "array" });
        if (page.rows.length) yield page.rows as unknown[][];
        if (page.rows.length < batchSize) break;
      }
      finished = true;
    } finally {
      // Also when the caller stops reading early: the cursor's transaction must not stay open.
      await client.query(finished ? "COMMIT" : "ROLLBACK").catch(() => undefined);
    }
  }

  async close() {
    await this.client?.end();
    this.client = null;
  }
}
