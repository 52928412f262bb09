import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../scripts/clv";
import { parsePlainDecimal } from "../../../scripts/clv/csv-bytes";
import { SeededRandom } from "../../../app/domain/math/random";
import { FIXTURES } from "../../support/cdnow";

const dir = mkdtempSync(join(tmpdir(), "ciclo-clv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], files: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: (path) => files[path] ?? readFileSync(path),
  };
  return { code: main(args, io), stdout, stderr };
}

interface Prediction {
  customerId: string;
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  expectedPurchases: number;
  expectedAvgOrderValue: number;
  clv: number;
}

const SUMMARY = FIXTURES + "cdnow_customers_summary_with_transactions.csv";
const inMemory = () =>
  (JSON.parse(run(["--summary", SUMMARY, "--json"]).stdout) as { predictions: Prediction[] }).predictions;

describe("clv CLI --output", () => {
  it("writes every customer's predictions as CSV, equal to the in-memory JSON", () => {
    const file = join(dir, "out.csv");
    const { code, stdout } = run(["--summary", SUMMARY, "--output", file, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { predictions?: unknown; output: { rows: number; format: string } };
    expect(report.predictions).toBeUndefined();
    expect(report.output).toMatchObject({ rows: 2357, format: "csv" });
    const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(header).toBe("customer_id,x,t_x,T,p_alive,expected_purchases,expected_avg_order_value,clv");
    const expected = inMemory();
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const [id, ...numbers] = row.split(",");
      const p = expected[i]!;
      expect(id).toBe(p.customerId);
      // Same digits as JSON.stringify of the rounded values, not merely close.
      expect(numbers).toEqual(
        [p.x, p.tx, p.T, p.pAlive, p.expectedPurchases, p.expectedAvgOrderValue, p.clv].map(String),
      );
    });
  });

  it("writes JSON lines for a .jsonl file, one object per customer", () => {
    const file = join(dir, "out.jsonl");
    const { code, stdout } = run(["--summary", SUMMARY, "--output", file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Predictions for 2357 customers written to ${file} (jsonl)`);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l) as Prediction)).toEqual(inMemory());
  });

  it("quotes ids that need it and reads quoted, non-ASCII and BOM-prefixed lines like plain ones", () => {
    const csv = [
      "\uFEFFcustomer_id,x,t_x,T,m",
      '"acme, inc",2,10,20,15',
      "Zoë,0,0,20,",
      " plain ,1, 5 ,20,7.5",
      "bad,-1,0,20,0",
    ].join("\r\n");
    const file = join(dir, "odd.csv");
    const { code, stderr } = run(["--summary", "s.csv", "--output", file, "--format", "csv"], { "s.csv": csv });
    expect(code).toBe(0);
    expect(stderr).toContain('line 5: x must be a whole number >= 0, got "-1"');
    const rows = readFileSync(file, "utf8").trimEnd().split("\n").slice(1);
    expect(rows.map((r) => r.slice(0, r.indexOf(",", r.startsWith('"') ? r.indexOf('"', 1) : 0)))).toEqual([
      '"acme, inc"',
      "Zoë",
      "plain",
    ]);
    expect(rows[0]).toMatch(/^"acme, inc",2,10,20,/);
    expect(rows[2]).toMatch(/^plain,1,5,20,/);
  });

  it("refuses --format without --output, and an unknown format", () => {
    expect(run(["--summary", SUMMARY, "--format", "csv"]).code).toBe(2);
    expect(run(["--summary", SUMMARY, "--output", join(dir, "x"), "--format", "xml"]).stderr).toContain("csv or jsonl");
  });

  it("says so when the output file cannot be written", () => {
    const { code, stderr } = run(["--summary", SUMMARY, "--output", join(dir, "missing", "out.csv")]);
    expect(code).toBe(1);
    expect(stderr).toContain("cannot write");
  });
});

describe("parsePlainDecimal", () => {
  it("gives exactly Number(text) for plain decimals and NaN (ask Number) for anything else", () => {
    const random = new SeededRandom(7);
    const texts = ["0", "-0", "+3", ".5", "5.", "007", "1e3", "0x10", "Infinity", "1.2.3", "-", "12345678901234567"];
    for (let i = 0; i < 20_000; i++) {
      const whole = Math.floor(random.uniform() * 10 ** Math.floor(random.uniform() * 8));
      const fraction = String(Math.floor(random.uniform() * 10 ** 8)).padStart(Math.floor(random.uniform() * 9), "0");
      texts.push(`${random.uniform() < 0.2 ? "-" : ""}${whole}${random.uniform() < 0.8 ? "." + fraction : ""}`);
    }
    let fast = 0;
    for (const text of texts) {
      const parsed = parsePlainDecimal(Buffer.from(text), 0, text.length);
      if (Number.isNaN(parsed)) continue; // declined: the caller asks Number()
      fast++;
      expect(Object.is(parsed, Number(text)), text).toBe(true);
    }
    // The generated texts are plain decimals of at most 15 digits: all must take the fast path.
    expect(fast).toBeGreaterThanOrEqual(20_000);
    for (const text of ["1e3", "0x10", "Infinity", "1.2.3", "-", "12345678901234567"])
      expect(parsePlainDecimal(Buffer.from(text), 0, text.length)).toBeNaN();
  });
});
