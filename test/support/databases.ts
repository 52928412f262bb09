/**
 * Fresh, migrated databases for tests — a real SQLite file or a real PostgreSQL database — built from the
 * same migration files production deploys. Use `forEachDatabase` to run a suite against both.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { inject } from "vitest";
import { createDb, tuneDb, type Db } from "../../app/db.server";
import { migrateSqliteFile, migrationSql } from "../../tools/migrations";
import { ROOT } from "../../tools/root";

export type DbKind = "sqlite" | "postgres";
export const DB_KINDS: DbKind[] = ["sqlite", "postgres"];

export interface TestDatabase {
  kind: DbKind;
  url: string;
  db: Db;
  drop: () => Promise<void>;
}

/**
 * `migrationsBefore`: only the migrations whose folder name sorts before it, to check a later migration on a
 * database holding rows (the Prisma client then knows columns the database does not have yet: write raw).
 * `icuLocale` (PostgreSQL): the database's collation is that ICU locale's (e.g. "en-US", which orders text
 * ignoring case and punctuation at first) instead of the cluster's default.
 */
export async function createTestDatabase(
  kind: DbKind,
  options: { migrationsBefore?: string; icuLocale?: string } = {},
): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ciclo-sqlite-"));
    const file = join(dir, "test.sqlite");
    migrateSqliteFile(file, options.migrationsBefore);
    const url = `file:${file}`;
    const db = createDb(url);
    await tuneDb(db, url);
    return {
      kind,
      url,
      db,
      drop: async () => {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = inject("pgAdminUrl");
  const name = `ciclo_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(
    options.icuLocale
      ? `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}'`
      : `CREATE DATABASE ${name}`,
  );
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(migrationSql("prisma/postgres/migrations", options.migrationsBefore));
  await client.end();
  const db = createDb(url);
  return {
    kind,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Runs one migration (its folder name) on a test database created with `migrationsBefore` it, as a deploy would run
 * it on a database the release before left: for tests of what a migration does to rows already stored.
 */
export async function applyMigration(database: TestDatabase, migration: string): Promise<void> {
  const folder = database.kind === "sqlite" ? "prisma/migrations" : "prisma/postgres/migrations";
  const sql = readFileSync(join(ROOT, folder, migration, "migration.sql"), "utf8");
  if (database.kind === "sqlite") {
    const db = new Database(database.url.replace(/^file:/, ""));
    db.exec(sql);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(sql);
  await client.end();
}
