/**
 * Dedicated better-sqlite3 connections to the app's SQLite file, for the hot writers that bypass Prisma (webhook
 * inbox, survey answers, the nightly bulk writes). Same pragmas as Prisma's connection: WAL so readers never wait
 * for them, NORMAL sync (safe in WAL), and busy_timeout 0 — writers take turns through the file's write gate and
 * retry SQLITE_BUSY on a timer (sqlite-write-gate.server.ts), never by spinning in the event loop.
 */
import Database from "better-sqlite3";
import { SQLITE_CONNECTION_PRAGMAS } from "./sqlite-adapter.server";

export function openSqlite(databaseUrl: string): Database.Database {
  const conn = new Database(databaseUrl.replace(/^file:/, ""));
  for (const pragma of SQLITE_CONNECTION_PRAGMAS) conn.pragma(pragma);
  return conn;
}

/** A DateTime as Prisma's SQLite adapter writes it (ISO 8601 with "+00:00"), so Prisma reads it back. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
