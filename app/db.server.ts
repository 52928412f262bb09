/**
 * Prisma clients for both databases. SQLite (a file URL) is the embedded default; a postgres:// URL uses
 * PostgreSQL through the second generated client (prisma/postgres/schema.prisma, same models).
 */
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { GatedSqliteAdapterFactory } from "./db/sqlite-adapter.server";
import type { Dialect } from "./db/sql.server";

export type Db = PrismaClient;

/** The dialect of each client createDb made: code handed a client can tell which SQL it speaks. */
const dialects = new WeakMap<Db, Dialect>();

export function dialectOf(db: Db): Dialect {
  const known = dialects.get(db);
  if (!known) throw new Error("a database client not made by createDb has no known dialect");
  return known;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    const require = createRequire(import.meta.url);
    // Same models, other provider: typed as the SQLite client, which has the identical API.
    const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
    const client = new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
    dialects.set(client, "postgres");
    return client;
  }
  // The adapter keeps the one-writer discipline (docs/decisions/090-sqlite-writer-discipline.md).
  const client = new PrismaClient({ adapter: new GatedSqliteAdapterFactory(url) });
  dialects.set(client, "sqlite");
  return client;
}

/** SQLite settings for a busy single-file database (the connection pragmas are set by the adapter). */
export async function tuneDb(db: Db, url: string): Promise<void> {
  if (isPostgresUrl(url)) return;
  // The nightly job groups millions of order rows: a bigger page cache and in-memory sorting keep it off the disk.
  await db.$queryRawUnsafe("PRAGMA cache_size = -131072");
  await db.$queryRawUnsafe("PRAGMA temp_store = MEMORY");
}
