/**
 * A fresh migrated database outside vitest (benchmarks, scripts, tests that run the built app): a SQLite file in
 * a temp folder, or a PostgreSQL server of its own. Tests inside vitest use test/support/databases.ts, which
 * shares the suite's one PostgreSQL server instead.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateSqliteFile, migrationSql } from "./migrations";
import { startPostgres } from "./postgres-server";

export function freshSqlite(): { file: string; url: string } {
  const dir = mkdtempSync(join(tmpdir(), "ciclo-bench-"));
  const file = join(dir, "bench.sqlite");
  migrateSqliteFile(file);
  return { file, url: `file:${file}` };
}

export interface FreshDatabase {
  kind: "sqlite" | "postgres";
  url: string;
  /** SQLite only: the file. */
  file: string | null;
  drop: () => Promise<void>;
}

/** A fresh migrated database: a SQLite file, or a PostgreSQL server of its own started for the run. */
export async function freshDatabase(kind: "sqlite" | "postgres"): Promise<FreshDatabase> {
  if (kind === "sqlite") {
    const { file, url } = freshSqlite();
    return { kind, url, file, drop: async () => {} };
  }
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE ciclo_bench");
  await admin.end();
  const url = server.url("ciclo_bench");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(migrationSql("prisma/postgres/migrations"));
  await client.end();
  return { kind, url, file: null, drop: async () => server.stop() };
}
