/**
 * npm run bench:admin — the merchant admin on a 1,000,000-customer store.
 *  1. generates the store's precomputed tables deterministically in SQLite (tools/scored-store.ts: customers,
 *     up to 2 orders each, CustomerScore, 45 days of SegmentSnapshot, transitions, runs, ~500k survey answers);
 *  2. starts the built app in standalone demo mode;
 *  3. per page: the loader alone through Remix single fetch (`<path>.data?_routes=<route id>`), one first
 *     request (reported as first_ms: it fills the per-recompute memo) then 50 timed requests -> p95;
 *  4. per page in real Chromium: LCP and CLS from PerformanceObserver (largest-contentful-paint, layout-shift).
 * Prints {"pages": {"<name>": {"loader_p95_ms", "lcp_ms", "cls", "first_ms"}}, "customers", "seed_s"}.
 * Environment: BENCH_CUSTOMERS (1000000), BENCH_REQUESTS (50), BENCH_KEEP_DB=1 to keep the file.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt } from "../tools/app-build";
import { startApp } from "../tools/app-process";
import { launchBrowser } from "../tools/browser";
import { migrateSqliteFile } from "../tools/migrations";
import { seedStore } from "../tools/scored-store";
import { round } from "./support";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const log = (message: string) => process.stderr.write(`[bench:admin] ${message}\n`);

const dir = mkdtempSync(join(tmpdir(), "ciclo-bench-admin-"));
const file = join(dir, "admin.sqlite");
await ensureBuilt();
log(`generating a ${CUSTOMERS.toLocaleString()}-customer store…`);
const seedStarted = performance.now();
migrateSqliteFile(file);
const store = seedStore(file, { customers: CUSTOMERS, maxOrdersPerCustomer: 2, seed: 2026 });
const seedSeconds = (performance.now() - seedStarted) / 1000;
log(`store ready in ${seedSeconds.toFixed(1)}s`);

const app = await startApp({
  NODE_ENV: "development", // demo mode is refused in production; the build itself is the production build
  CICLO_DEMO: "1",
  CICLO_WORKERS: "off",
  DATABASE_URL: `file:${file}`,
  SHOPIFY_API_SECRET: "bench-secret",
  CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
});

// The largest segment is the worst case for the members table.
const largest = Object.entries(store.segmentCounts).sort((a, b) => b[1] - a[1])[0]![0];
const PAGES: { name: string; path: string; route: string }[] = [
  { name: "overview", path: "/app", route: "routes/app._index" },
  { name: "segment", path: `/app/segments/${largest}`, route: "routes/app.segments.$segment" },
  { name: "customer", path: `/app/customers/${store.sampleCustomerId}`, route: "routes/app.customers.$id" },
  { name: "predictions", path: "/app/predictions", route: "routes/app.predictions" },
  { name: "surveys", path: "/app/surveys", route: "routes/app.surveys._index" },
  { name: "question_sets", path: "/app/surveys/question-sets", route: "routes/app.surveys.question-sets" },
  { name: "settings", path: "/app/settings", route: "routes/app.settings" },
];

const login = await fetch(`${app.url}/demo?shop=${store.shop}`, { redirect: "manual" });
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;

async function timedLoader(path: string, route: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${app.url}${path}.data?_routes=${encodeURIComponent(route)}`, { headers: { cookie } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return performance.now() - started;
}

const results: Record<string, { loader_p95_ms: number; lcp_ms: number; cls: number; first_ms: number }> = {};
for (const page of PAGES) {
  const first = await timedLoader(page.path, page.route);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await timedLoader(page.path, page.route));
  times.sort((a, b) => a - b);
  const p95 = times[Math.min(times.length - 1, Math.ceil(0.95 * times.length) - 1)]!;
  results[page.name] = { loader_p95_ms: round(p95), lcp_ms: 0, cls: 0, first_ms: round(first) };
  log(`${page.name}: loader p95 ${p95.toFixed(1)} ms (first ${first.toFixed(0)} ms)`);
}

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(() => {
    const vitals = { lcp: 0, cls: 0 };
    (window as unknown as { __vitals: typeof vitals }).__vitals = vitals;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) vitals.lcp = entry.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) vitals.cls += entry.value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  const tab = await context.newPage();
  await tab.goto(`${app.url}/demo?shop=${store.shop}`);
  for (const page of PAGES) {
    await tab.goto(`${app.url}${page.path}`, { waitUntil: "networkidle" });
    await tab.waitForTimeout(1000); // lazy charts draw; any late shift is counted
    const vitals = await tab.evaluate(() => (window as unknown as { __vitals: { lcp: number; cls: number } }).__vitals);
    results[page.name]!.lcp_ms = round(vitals.lcp);
    results[page.name]!.cls = round(vitals.cls, 3);
    log(`${page.name}: LCP ${vitals.lcp.toFixed(0)} ms, CLS ${vitals.cls.toFixed(3)}`);
  }
} finally {
  await browser.close();
  await app.stop();
  if (process.env.BENCH_KEEP_DB !== "1") rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify({ pages: results, customers: CUSTOMERS, seed_s: round(seedSeconds) }));
