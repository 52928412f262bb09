/** Which SQL dialect the app's database speaks, for the few raw queries that differ. */
import type { Prisma } from "@prisma/client";
import { config } from "../config.server";
import { isPostgresUrl, type Db } from "../db.server";
import type { Dialect } from "./sql.server";

export type { Dialect } from "./sql.server";

export function dialect(): Dialect {
  return isPostgresUrl(config().databaseUrl) ? "postgres" : "sqlite";
}

/**
 * Runs a query composed with `Prisma.sql` fragments (`Prisma.raw`, nested `Prisma.sql`, `Prisma.empty`). The
 * `Prisma` namespace imported from "@prisma/client" belongs to the SQLite client; the PostgreSQL client does not
 * recognise its fragment objects and would bind them as parameter values. So the query is rendered here, in the
 * dialect's placeholder style, and run with its values.
 */
export function queryFragments<T>(db: Db, query: Prisma.Sql): Promise<T> {
  return db.$queryRawUnsafe<T>(dialect() === "postgres" ? query.text : query.sql, ...query.values);
}
