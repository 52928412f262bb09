/**
 * The migration files production deploys, read in order — one place for every test, benchmark and script that
 * builds a fresh database from them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ROOT } from "./root";

/** All migrations of a folder ("prisma/migrations" or "prisma/postgres/migrations"), oldest first, as one script. */
export function migrationSql(folder: string): string {
  const dir = join(ROOT, folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => readFileSync(join(dir, name, "migration.sql"), "utf8"))
    .join("\n");
}

/** Creates (or completes) a SQLite file with every migration applied. */
export function migrateSqliteFile(file: string): void {
  const db = new Database(file);
  db.exec(migrationSql("prisma/migrations"));
  db.close();
}
