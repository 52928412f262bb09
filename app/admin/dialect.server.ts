/** Which SQL dialect the app's database speaks, for the few raw queries that differ. */
import { config } from "../config.server";
import { isPostgresUrl } from "../db.server";

export type Dialect = "sqlite" | "postgres";

export function dialect(): Dialect {
  return isPostgresUrl(config().databaseUrl) ? "postgres" : "sqlite";
}
