import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../scripts/clv";
import { FIXTURES, FULL_MLE } from "../../support/cdnow";

function run(args: string[], files: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: (path) => files[path] ?? readFileSync(path, "utf8"),
  };
  const code = main(args, io);
  return { code, stdout, stderr };
}

interface CliJson {
  customers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number } | null;
  predictions: {
    customerId: string;
    x: number;
    tx: number;
    T: number;
    pAlive: number;
    expectedPurchases: number;
    expectedAvgOrderValue: number;
    clv: number;
  }[];
}

describe("clv CLI", () => {
  it("reproduces the published CDNOW parameters from CDNOW_sample.txt itself", () => {
    const { code, stdout } = run([
      "--transactions",
      FIXTURES + "CDNOW_sample.txt",
      "--calibration-end",
      "1997-09-30",
      "--time-unit",
      "week",
      "--horizon",
      "39",
      "--json",
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as CliJson;
    expect(out.customers).toBe(2357);
    expect(out.bgnbd.converged).toBe(true);
    expect(out.bgnbd.r.toFixed(3)).toBe("0.243");
    expect(out.bgnbd.alpha.toFixed(3)).toBe("4.414");
    expect(out.bgnbd.a.toFixed(3)).toBe("0.793");
    expect(out.bgnbd.b.toFixed(3)).toBe("2.426");
    expect(out.bgnbd.logLikelihood.toFixed(1)).toBe("-9582.4");
    expect(out.gammaGamma!.p.toFixed(2)).toBe("6.25");
    expect(out.gammaGamma!.q.toFixed(2)).toBe("3.74");
    expect(out.gammaGamma!.gamma.toFixed(2)).toBe("15.44");
    expect(out.predictions).toHaveLength(2357);
    const first = out.predictions.find((p) => p.customerId === "0001")!;
    expect(first.x).toBe(2);
    expect(first.pAlive).toBeCloseTo(0.7266, 3);
    expect(first.expectedPurchases).toBeCloseTo(1.226, 2);
    const total = out.predictions.reduce((s, p) => s + p.expectedPurchases, 0);
    expect(total).toBeCloseTo(1653.4, -1);
    for (const p of out.predictions) {
      for (const v of [p.pAlive, p.expectedPurchases, p.expectedAvgOrderValue, p.clv])
        expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("fits the summary CSV (lifetimes headers accepted) to the full-precision MLE", () => {
    const { code, stdout } = run(["--summary", FIXTURES + "cdnow_customers_summary_with_transactions.csv", "--json"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as CliJson;
    expect(out.bgnbd.r).toBeCloseTo(FULL_MLE.r, 5);
    expect(out.bgnbd.b).toBeCloseTo(FULL_MLE.b, 4);
    expect(out.bgnbd.logLikelihood).toBeCloseTo(-9582.425561, 4);
    expect(out.gammaGamma!.logLikelihood).toBeCloseTo(-4055.923244, 4);
  });

  it("reports bad rows with line numbers and keeps going", () => {
    const csv = [
      "customer_id,date,amount,channel",
      "a,2024-01-01,10,web",
      "a,2024-01-15,20,web",
      "b,2024-13-01,5,web",
      "c,2024-01-03,abc,pos",
      ",2024-01-03,5,pos",
      "d,2024-01-04,7.5,pos",
    ].join("\n");
    const { code, stdout, stderr } = run(["--transactions", "t.csv", "--time-unit", "day"], { "t.csv": csv });
    expect(code).toBe(0);
    expect(stderr).toContain("line 4: bad date");
    expect(stderr).toContain("line 5: bad amount");
    expect(stderr).toContain("line 6: missing customer_id");
    expect(stderr).toContain("3 bad rows skipped");
    expect(stdout).toContain("Customers: 2");
    // Two customers cannot support a model: said clearly, not a silent garbage fit.
    expect(stdout).toContain("Status: NOT ENOUGH DATA YET");
    expect(stderr).toContain("2 customers with orders; predictions need at least 100.");
    const json = JSON.parse(run(["--transactions", "t.csv", "--json"], { "t.csv": csv }).stdout) as CliJson;
    expect(json.bgnbd.converged).toBe(false);
    for (const p of json.predictions)
      for (const v of [p.pAlive, p.expectedPurchases, p.clv]) expect(Number.isFinite(v)).toBe(true);
  });

  it("exits non-zero with a clear message when no row is usable", () => {
    const { code, stderr } = run(["--transactions", "t.csv"], { "t.csv": "customer_id,date,amount\nx,notadate,1\n" });
    expect(code).toBe(1);
    expect(stderr).toContain("line 2: bad date");
    expect(stderr).toContain("no usable transactions");
    expect(run(["--transactions", "t.csv"], { "t.csv": "" }).code).toBe(1);
    expect(run(["--transactions", "t.csv"], { "t.csv": "id,when,value\n1,2024-01-01,3\n" }).stderr).toContain(
      "customer_id,date,amount",
    );
  });

  it("rejects bad arguments with usage", () => {
    expect(run([]).code).toBe(2);
    expect(run(["--summary", "a", "--transactions", "b"]).code).toBe(2);
    expect(run(["--summary", "a", "--time-unit", "month"]).stderr).toContain("day or week");
  });

  it("runs as a subprocess via tsx and prints one JSON object", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const stdout = execFileSync(
      process.execPath,
      [
        root + "node_modules/tsx/dist/cli.mjs",
        root + "scripts/clv.ts",
        "--summary",
        FIXTURES + "cdnow_customers_summary.csv",
        "--json",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const out = JSON.parse(stdout) as CliJson;
    expect(out.bgnbd.a).toBeCloseTo(FULL_MLE.a, 5);
    expect(out.gammaGamma).toBeNull();
  });
});
