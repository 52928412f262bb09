/**
 * Prisma clients for both databases. SQLite (a file URL) is the embedded default; a postgres:// URL uses
 * PostgreSQL through the second generated client (prisma/postgres/schema.prisma, same models).
 */
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { GatedSqliteAdapterFactory } from "./db/sqlite-adapter.server";

export type Db = PrismaClient;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    const require = createRequire(import.meta.url);
    // Same models, other provider: typed as the SQLite client, which has the identical API.
    const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  // The adapter keeps the one-writer discipline (docs/decisions/090-sqlite-writer-discipline.md).
  return new PrismaClient({ adapter: new GatedSqliteAdapterFactory(url) });
}

/** SQLite settings for a busy single-file database (the connection pragmas are set by the adapter). */
export async function tuneDb(db: Db, url: string): Promise<void> {
  if (isPostgresUrl(url)) return;
  // The nightly job groups millions of order rows: a bigger page cache and in-memory sorting keep it off the disk.
  await db.$queryRawUnsafe("PRAGMA cache_size = -131072");
  await db.$queryRawUnsafe("PRAGMA temp_store = MEMORY");
}
