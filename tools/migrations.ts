/**
 * The migration files production deploys, read in order — one place for every test, benchmark and script that
 * builds a fresh database from them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ROOT } from "./root";

/**
 * All migrations of a folder ("prisma/migrations" or "prisma/postgres/migrations"), oldest first, as one script;
 * with `before`, only those whose folder name sorts before it (a database as an older release left it).
 */
export function migrationSql(folder: string, before?: string): string {
  const dir = join(ROOT, folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && (before === undefined || e.name < before))
    .map((e) => e.name)
    .sort()
    .map((name) => readFileSync(join(dir, name, "migration.sql"), "utf8"))
    .join("\n");
}

/** Creates (or completes) a SQLite file with every migration applied (with `before`, those before it). */
export function migrateSqliteFile(file: string, before?: string): void {
  const db = new Database(file);
  db.exec(migrationSql("prisma/migrations", before));
  db.close();
}
