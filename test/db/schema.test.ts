/** The PostgreSQL schema is derived from the SQLite one; a stale copy would let the two databases drift apart. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../scripts/derive-postgres-schema";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("Prisma schemas", () => {
  it("prisma/postgres/schema.prisma is derived from prisma/schema.prisma (run `npm run db:derive`)", () => {
    expect(read("prisma/postgres/schema.prisma")).toBe(derivePostgresSchema(read("prisma/schema.prisma")));
  });

  it("both migration histories create the same tables", () => {
    const tables = (sql: string) => [...sql.matchAll(/CREATE TABLE "(\w+)"/g)].map((m) => m[1]).sort();
    const sqlite = tables(read("prisma/migrations/20261124000000_init/migration.sql"));
    expect(sqlite.length).toBeGreaterThan(5);
    expect(tables(read("prisma/postgres/migrations/20261124000000_init/migration.sql"))).toEqual(sqlite);
  });
});
