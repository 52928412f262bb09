/**
 * Shared pieces of the benchmark scripts: a fresh migrated SQLite file, the built app server as a child
 * process, a keep-alive HTTP load generator with latency percentiles.
 */
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, startPostgres } from "../test/support/postgres-server";
import { migrateSqliteFile, migrationSql } from "../test/support/migrations";

export const ROOT = new URL("../", import.meta.url).pathname;

export function freshSqlite(): { file: string; url: string } {
  const dir = mkdtempSync(join(tmpdir(), "ciclo-bench-"));
  const file = join(dir, "bench.sqlite");
  migrateSqliteFile(file);
  return { file, url: `file:${file}` };
}

export interface BenchDatabase {
  kind: "sqlite" | "postgres";
  url: string;
  /** SQLite only: the file. */
  file: string | null;
  drop: () => Promise<void>;
}

/** A fresh migrated database: a SQLite file, or a PostgreSQL server of its own started for the run. */
export async function freshDatabase(kind: "sqlite" | "postgres"): Promise<BenchDatabase> {
  if (kind === "sqlite") {
    const { file, url } = freshSqlite();
    return { kind, url, file, drop: async () => {} };
  }
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE ciclo_bench");
  await admin.end();
  const url = server.url("ciclo_bench");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(migrationSql("prisma/postgres/migrations"));
  await client.end();
  return { kind, url, file: null, drop: async () => server.stop() };
}

export function buildApp(): void {
  execSync("npm run --silent build", { cwd: ROOT, stdio: "ignore" });
}

export interface RunningApp {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : [];
  const child = spawn(process.execPath, [...nodeArgs, "server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SHOPIFY_API_KEY: "bench-key",
      CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  sent: number;
  statuses: Record<number, number>;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Sends every request with `concurrency` keep-alive connections; records each latency. */
export async function runLoad(baseUrl: string, requests: PreparedRequest[], concurrency: number): Promise<LoadResult> {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Float64Array(requests.length);
  const statuses: Record<number, number> = {};
  let next = 0;
  const one = (req: PreparedRequest, i: number) =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const r = http.request(
        {
          agent,
          hostname,
          port,
          method: req.method,
          path: req.path,
          headers: req.body ? { ...req.headers, "content-length": Buffer.byteLength(req.body) } : req.headers,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies[i] = performance.now() - started;
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const i = next++;
        await one(requests[i]!, i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { sent: requests.length, statuses, perSecond: requests.length / seconds, p50: pct(0.5), p99: pct(0.99) };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
