/**
 * Writes batches of webhook receipts. The receive path's only database work, so it gets a fast path:
 * on SQLite a dedicated better-sqlite3 connection with one prepared statement (Prisma's per-query overhead was
 * most of a webhook's database cost); on PostgreSQL the Prisma client.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { openSqlite, sqliteTimestamp } from "../db/sqlite-connection.server";
import { retryBusy, writeGateFor, type WriteGate } from "../db/sqlite-write-gate.server";
import { isPostgresUrl, type Db } from "../db.server";

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

export function createInboxWriter(db: Db, databaseUrl: string): InboxWriter {
  return isPostgresUrl(databaseUrl) ? new PrismaInboxWriter(db) : new SqliteInboxWriter(databaseUrl);
}

/** One order for every batch of every process (any order would do, as long as it is the same). */
function compareKeys(a: ReceiptRow, b: ReceiptRow): number {
  if (a.storeId !== b.storeId) return a.storeId < b.storeId ? -1 : 1;
  if (a.dedupeKey !== b.dedupeKey) return a.dedupeKey < b.dedupeKey ? -1 : 1;
  return 0; // the same delivery twice in one batch: the sort is stable, the first one stays first
}

class PrismaInboxWriter implements InboxWriter {
  constructor(private readonly db: Db) {}

  async insert(rows: ReceiptRow[], now: Date): Promise<boolean[]> {
    // In key order: batches overlap (each is a round trip away), and a delivery sent twice can be in two of them.
    // An insert that meets another transaction's uncommitted row of the same key waits for it; two batches taking
    // the same keys in opposite orders waited for each other (PostgreSQL: "deadlock detected", the webhook a 500).
    const order = rows.map((_, i) => i).sort((a, b) => compareKeys(rows[a]!, rows[b]!));
    const counts = await this.db.$transaction(
      order.map((i) => {
        const r = rows[i]!;
        return this.db.$executeRaw`
          INSERT INTO "WebhookReceipt" ("id", "storeId", "dedupeKey", "topic", "payload", "status", "attempts", "triggeredAt", "receivedAt")
          VALUES (${randomUUID()}, ${r.storeId}, ${r.dedupeKey}, ${r.topic}, ${r.payload}, 'pending', 0, ${r.triggeredAt}, ${now})
          ON CONFLICT ("storeId", "dedupeKey") DO NOTHING`;
      }),
    );
    const fresh = new Array<boolean>(rows.length);
    order.forEach((i, k) => (fresh[i] = counts[k] === 1));
    return fresh;
  }

  close() {}
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
