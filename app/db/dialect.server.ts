/** Which SQL dialect the app's database speaks, for the few raw queries that differ. */
import { config } from "../config.server";
import { isPostgresUrl } from "../db.server";
import type { Dialect } from "./sql.server";

export type { Dialect } from "./sql.server";

export function dialect(): Dialect {
  return isPostgresUrl(config().databaseUrl) ? "postgres" : "sqlite";
}
