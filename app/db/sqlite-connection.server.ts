/**
 * Dedicated better-sqlite3 connections to the app's SQLite file, for the hot writers that bypass Prisma (webhook
 * inbox, survey answers, the nightly bulk writes): WAL so readers never wait for them, NORMAL sync (safe in WAL),
 * and a busy timeout so two writers queue instead of failing.
 */
import Database from "better-sqlite3";

export function openSqlite(databaseUrl: string, options: { busyTimeoutMs?: number } = {}): Database.Database {
  const conn = new Database(databaseUrl.replace(/^file:/, ""));
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = NORMAL");
  conn.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  return conn;
}

/** A DateTime as Prisma's SQLite adapter writes it (ISO 8601 with "+00:00"), so Prisma reads it back. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
