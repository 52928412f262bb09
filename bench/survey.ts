/**
 * npm run bench:survey — survey submissions with valid session tokens against the built app on loopback
 * (SQLite), plus the compiled extension size. Prints one JSON line:
 *   {"submissions_per_s", "p50_ms", "p99_ms", "baseline_per_s", "ratio", "stored", "sent", "extension_bytes"}
 * The machine's speed drifts 3-4x within a day, so the rate is reported against a trivial route (/health) of the
 * same server in the same run, measured before and after the submissions (the mean): target ratio >= 0.5, p99 <=
 * 50 ms, stored = sent (every submission unique), extension_bytes <= 20,480.
 *
 * The answers are spread over BENCH_SURVEY_SHOPS shops (default 10): the per-shop rate limit (200/s sustained,
 * 1,000 burst) is there to stop one shop flooding the server, so the server's own capacity is measured with
 * several shops, as it is used.
 * Options: BENCH_SURVEY_N (6000 submissions), BENCH_SURVEY_CONCURRENCY (16), BENCH_SKIP_BUILD=1.
 */
import Database from "better-sqlite3";
import { sqliteTimestamp } from "../app/db/sqlite-connection.server";
import { buildSurveyExtension } from "../extensions/checkout-survey/build";
import { signCheckoutSessionToken } from "../scripts/demo-surveys";
import { buildApp } from "../tools/app-build";
import { startApp } from "../tools/app-process";
import { freshSqlite } from "../tools/fresh-database";
import { round, runLoad, type PreparedRequest } from "./support";

const N = Number(process.env.BENCH_SURVEY_N ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_SURVEY_CONCURRENCY ?? 16);
const SHOPS = Number(process.env.BENCH_SURVEY_SHOPS ?? 10);
const WARMUP = 600;
const SECRET = "bench-survey-secret";
const API_KEY = "bench-key";

// Choice questions of the default thank-you set, so every (order, question) pair is a new answer.
const ANSWERS = [
  { questionId: "jtbd-trigger", answerId: "gift" },
  { questionId: "jtbd-job", answerId: "daily-use" },
  { questionId: "attribution", answerId: "instagram" },
];

if (process.env.BENCH_SKIP_BUILD !== "1") buildApp();
const { file, url } = freshSqlite();
const seed = new Database(file);
const shops = Array.from({ length: SHOPS }, (_, i) => `bench-survey-${i}.myshopify.com`);
const insertStore = seed.prepare(
  `INSERT INTO "Store" ("id", "platform", "domain", "updatedAt") VALUES (?, 'shopify', ?, ?)`,
);
shops.forEach((domain, i) => insertStore.run(`store${i}`, domain, sqliteTimestamp(new Date())));
seed.close();

const app = await startApp({
  DATABASE_URL: url,
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_API_KEY: API_KEY,
  CICLO_WORKERS: "off",
});
try {
  // One token per simulated checkout (signed while the requests are prepared, outside the timing): the endpoint
  // limits each caller on its own, as one buyer answers a handful of questions.
  const tokens = new Map<number, string>();
  const tokenFor = (order: number) => {
    let token = tokens.get(order);
    if (!token) {
      token = signCheckoutSessionToken(shops[order % SHOPS]!, SECRET, { apiKey: API_KEY, ttlSeconds: 600 });
      tokens.set(order, token);
    }
    return token;
  };
  const submission = (i: number): PreparedRequest => {
    const answer = ANSWERS[i % ANSWERS.length]!;
    const order = 1_000_000 + Math.floor(i / ANSWERS.length);
    return {
      method: "POST",
      path: "/api/survey/answers",
      headers: {
        authorization: `Bearer ${tokenFor(order)}`,
        "content-type": "application/json",
        origin: "https://extensions.shopifycdn.com",
      },
      body: JSON.stringify({ target: "thank-you", orderId: `gid://shopify/Order/${order}`, ...answer }),
    };
  };
  const baseline: PreparedRequest[] = Array.from({ length: N }, () => ({
    method: "GET",
    path: "/health",
    headers: {},
  }));
  // Warm-up (JIT, prepared statements, store cache) on orders of its own, not counted.
  await runLoad(
    app.url,
    Array.from({ length: WARMUP }, (_, i) => submission(N + i)),
    CONCURRENCY,
  );
  await runLoad(app.url, baseline.slice(0, WARMUP), CONCURRENCY);
  const baseBefore = await runLoad(app.url, baseline, CONCURRENCY);
  const result = await runLoad(
    app.url,
    Array.from({ length: N }, (_, i) => submission(i)),
    CONCURRENCY,
  );
  const baseAfter = await runLoad(app.url, baseline, CONCURRENCY);
  const baselinePerSecond = (baseBefore.perSecond + baseAfter.perSecond) / 2;

  const db = new Database(file, { readonly: true });
  const stored = (
    db
      .prepare(`SELECT COUNT(*) AS n FROM "SurveyResponse" WHERE CAST("orderExternalId" AS INTEGER) < ?`)
      .get(1_000_000 + Math.ceil(N / ANSWERS.length)) as { n: number }
  ).n;
  db.close();
  const { bytes } = await buildSurveyExtension({ write: false });
  if (Object.keys(result.statuses).some((status) => status !== "200")) {
    console.error(JSON.stringify({ statuses: result.statuses }));
  }
  console.log(
    JSON.stringify({
      submissions_per_s: Math.round(result.perSecond),
      p50_ms: round(result.p50, 2),
      p99_ms: round(result.p99, 2),
      baseline_per_s: Math.round(baselinePerSecond),
      ratio: round(result.perSecond / baselinePerSecond, 3),
      stored,
      sent: result.sent,
      extension_bytes: bytes,
    }),
  );
} finally {
  await app.stop();
}
