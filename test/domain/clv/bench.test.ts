import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("bench:clv", () => {
  it("prints exactly one JSON object with the agreed keys (100k customers here; 1M in `npm run bench:clv`)", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const stdout = execFileSync(process.execPath, [root + "node_modules/tsx/dist/cli.mjs", root + "bench/clv.ts"], {
      encoding: "utf8",
      env: { ...process.env, CLV_BENCH_CUSTOMERS: "100000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(["customers", "fit_ms", "score_ms", "peak_rss_mb", "params", "true_params"]);
    expect(result.customers).toBe(100_000);
    const params = result.params as Record<string, number>;
    const truth = result.true_params as Record<string, number>;
    for (const key of Object.keys(truth)) expect(Math.abs(params[key]! - truth[key]!) / truth[key]!).toBeLessThan(0.1);
  });
});
