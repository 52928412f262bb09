// Prisma CLI configuration (Prisma 6.19, driver-adapter "js" engine: works offline).
// DATABASE_URL picks the database: `file:...` is SQLite (the embedded default), `postgres://...` is PostgreSQL,
// each with its own schema copy and migrations folder.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const isPostgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPostgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPostgres ? "prisma/postgres/migrations" : "prisma/migrations" },
  async adapter() {
    return isPostgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
