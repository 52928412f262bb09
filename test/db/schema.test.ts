/** The PostgreSQL schema is derived from the SQLite one; a stale copy would let the two databases drift apart. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../scripts/derive-postgres-schema";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("Prisma schemas", () => {
  it("prisma/postgres/schema.prisma is derived from prisma/schema.prisma (run `npm run db:derive`)", () => {
    expect(read("prisma/postgres/schema.prisma")).toBe(derivePostgresSchema(read("prisma/schema.prisma")));
  });

  it("both migration histories have the same migrations and create the same tables", () => {
    const folders = (dir: string) =>
      readdirSync(new URL(`../../${dir}`, import.meta.url), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    const sqliteMigrations = folders("prisma/migrations");
    expect(folders("prisma/postgres/migrations")).toEqual(sqliteMigrations);
    // "new_X" is a rebuild renamed into place: SQLite must rebuild a table to change its key, PostgreSQL may alter it.
    const tables = (dir: string) =>
      sqliteMigrations
        .flatMap((m) => [...read(`${dir}/${m}/migration.sql`).matchAll(/CREATE TABLE "(\w+)"/g)].map((x) => x[1]))
        .filter((name) => !name!.startsWith("new_"))
        .sort();
    expect(tables("prisma/migrations").length).toBeGreaterThan(10);
    expect(tables("prisma/postgres/migrations")).toEqual(tables("prisma/migrations"));
  });
});
