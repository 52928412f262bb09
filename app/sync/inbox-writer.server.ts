/**
 * Writes batches of webhook receipts. The receive path's only database work, so it gets a fast path:
 * on SQLite a dedicated better-sqlite3 connection with one prepared statement (Prisma's per-query overhead was
 * most of a webhook's database cost); on PostgreSQL a small connection pool of its own and one statement per batch.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import pg from "pg";
import { logger } from "../logger.server";
import { openSqlite, sqliteTimestamp } from "../db/sqlite-connection.server";
import { retryBusy, writeGateFor, type WriteGate } from "../db/sqlite-write-gate.server";
import { isPostgresUrl } from "../db.server";

export interface ReceiptRow {
  storeId: string;
  dedupeKey: string;
  topic: string;
  payload: string;
  triggeredAt: Date | null;
}

export interface InboxWriter {
  /** Inserts the rows in one transaction; returns for each whether it was new (false = duplicate). */
  insert(rows: ReceiptRow[], now: Date): Promise<boolean[]>;
  close(): void;
}

export function createInboxWriter(databaseUrl: string): InboxWriter {
  return isPostgresUrl(databaseUrl) ? new PostgresInboxWriter(databaseUrl) : new SqliteInboxWriter(databaseUrl);
}

/** One order for every batch of every process (any order would do, as long as it is the same). */
function compareKeys(a: ReceiptRow, b: ReceiptRow): number {
  if (a.storeId !== b.storeId) return a.storeId < b.storeId ? -1 : 1;
  if (a.dedupeKey !== b.dedupeKey) return a.dedupeKey < b.dedupeKey ? -1 : 1;
  return 0; // the same delivery twice in one batch: the sort is stable, the first one stays first
}

/**
 * Connections of the receive path's own pool. The shared Prisma pool (10) is also used by the inbox processor, the
 * tag push, imports and every page; a receipt queued behind them waited seconds, Shopify timed out and resent, and
 * the resends queued behind the backlog they caused. A few connections suffice: a batch is one statement.
 */
export const INBOX_POOL_SIZE = 3;
/** Rows per statement: 7 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 1000;

class PostgresInboxWriter implements InboxWriter {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: INBOX_POOL_SIZE, idleTimeoutMillis: 60_000 });
    // An idle connection the server drops must not crash the process; the pool opens a new one when needed.
    this.pool.on("error", (error) => logger.warn("inbox connection lost", { error: String(error) }));
  }

  async insert(rows: ReceiptRow[], now: Date): Promise<boolean[]> {
    // In key order: batches overlap (each is a round trip away), and a delivery sent twice can be in two of them.
    // An insert that meets another transaction's uncommitted row of the same key waits for it; two batches taking
    // the same keys in opposite orders waited for each other (PostgreSQL: "deadlock detected", the webhook a 500).
    // A multi-row INSERT takes its rows in the order listed.
    const order = rows.map((_, i) => i).sort((a, b) => compareKeys(rows[a]!, rows[b]!));
    const ids = rows.map(() => randomUUID());
    const inserted = new Set<string>();
    // A timestamp column ignores the zone of an ISO string: the UTC wall-clock time is stored, as Prisma does.
    const at = now.toISOString();
    for (let start = 0; start < order.length; start += ROWS_PER_STATEMENT) {
      const slice = order.slice(start, start + ROWS_PER_STATEMENT);
      const values: unknown[] = [];
      // $1 is the receive time; each row's six parameters follow it.
      const tuples = slice.map((i) => {
        const r = rows[i]!;
        const n = values.push(ids[i], r.storeId, r.dedupeKey, r.topic, r.payload, r.triggeredAt?.toISOString() ?? null);
        return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}, 'pending', 0, $${n + 1}, $1)`;
      });
      const sql = `
        INSERT INTO "WebhookReceipt" ("id", "storeId", "dedupeKey", "topic", "payload", "status", "attempts", "triggeredAt", "receivedAt")
        VALUES ${tuples.join(", ")}
        ON CONFLICT ("storeId", "dedupeKey") DO NOTHING
        RETURNING "id"`;
      const result = await this.pool.query<{ id: string }>(sql, [at, ...values]);
      for (const row of result.rows) inserted.add(row.id);
    }
    // A key repeated within a batch is inserted at its first position only (the later ones conflict with it).
    return ids.map((id) => inserted.has(id));
  }

  close() {
    void this.pool.end();
  }
}

class SqliteInboxWriter implements InboxWriter {
  private readonly conn: Database.Database;
  private readonly insertMany: Database.Transaction<(rows: ReceiptRow[], now: string) => boolean[]>;
  private readonly gate: WriteGate;

  constructor(databaseUrl: string) {
    this.conn = openSqlite(databaseUrl);
    this.gate = writeGateFor(databaseUrl);
    const statement = this.conn.prepare(`
      INSERT INTO "WebhookReceipt" ("id", "storeId", "dedupeKey", "topic", "payload", "status", "attempts", "triggeredAt", "receivedAt")
      VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
      ON CONFLICT ("storeId", "dedupeKey") DO NOTHING`);
    this.insertMany = this.conn.transaction((rows: ReceiptRow[], now: string) =>
      rows.map(
        (r) =>
          statement.run(
            randomUUID(),
            r.storeId,
            r.dedupeKey,
            r.topic,
            r.payload,
            r.triggeredAt && sqliteTimestamp(r.triggeredAt),
            now,
          ).changes === 1,
      ),
    );
  }

  async insert(rows: ReceiptRow[], now: Date): Promise<boolean[]> {
    // Through the write gate and with BUSY retried on a timer: a receipt waits for at most one short chunk of
    // someone else's writing, and never freezes the event loop while it waits.
    const at = sqliteTimestamp(now);
    return this.gate.run("inbox insert", () => retryBusy(() => this.insertMany.immediate(rows, at)));
  }

  close() {
    this.conn.close();
  }
}
