/**
 * npm run fuzz — a few thousand hostile requests to every public endpoint of the built app (production mode, a
 * fresh SQLite database), one at a time; every answer must be a 4xx and nothing may be written. Prints one JSON
 * line {"requests","status_counts","5xx","partial_writes"}; the first failures, if any, go to stderr and the exit
 * code is 1. Options: FUZZ_REQUESTS (3000), FUZZ_SEED (13), FUZZ_SKIP_BUILD=1.
 */
import { randomBytes } from "node:crypto";
import { buildApp } from "../tools/app-build";
import { startApp } from "../tools/app-process";
import { freshSqlite } from "../tools/fresh-database";
import { createDb } from "../app/db.server";
import { runFuzz } from "./fuzz/run";

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 13);
const SECRET = "fuzz-api-secret";
const KEY = "fuzz-api-key";

if (process.env.FUZZ_SKIP_BUILD !== "1") buildApp();
const { url: databaseUrl } = freshSqlite();
const encryptionKey = randomBytes(32);
const app = await startApp({
  DATABASE_URL: databaseUrl,
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_API_KEY: KEY,
  CICLO_ENCRYPTION_KEY: encryptionKey.toString("base64"),
  // Only the receive path: no background work may write while the database is being watched.
  CICLO_WORKERS: "off",
});
const db = createDb(databaseUrl);
try {
  const result = await runFuzz(
    { url: app.url, db, apiSecret: SECRET, apiKey: KEY, encryptionKey },
    { count: COUNT, seed: SEED },
  );
  const { failures, ...summary } = result;
  console.log(JSON.stringify(summary));
  if (failures.length) console.error(JSON.stringify(failures, null, 2));
  process.exitCode = result["5xx"] > 0 || result.partial_writes > 0 ? 1 : 0;
} finally {
  await db.$disconnect();
  await app.stop();
}
