/** Raw queries composed with `Prisma.sql` fragments, in the SQL of the client they run on. */
import type { Prisma } from "@prisma/client";
import { dialectOf, type Db } from "../db.server";

export type { Dialect } from "./sql.server";

/**
 * Runs a query composed with `Prisma.sql` fragments (`Prisma.raw`, nested `Prisma.sql`, `Prisma.empty`). The
 * `Prisma` namespace imported from "@prisma/client" belongs to the SQLite client; the PostgreSQL client does not
 * recognise its fragment objects and would bind them as parameter values. So the query is rendered here, in the
 * placeholder style of the client's dialect, and run with its values.
 */
export function queryFragments<T>(db: Db, query: Prisma.Sql): Promise<T> {
  return db.$queryRawUnsafe<T>(dialectOf(db) === "postgres" ? query.text : query.sql, ...query.values);
}
