/**
 * Shared pieces of the benchmark scripts: a keep-alive HTTP load generator with latency percentiles, rounding.
 * Databases, the built app as a process, PostgreSQL and the browser come from tools/.
 */
import http from "node:http";

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
