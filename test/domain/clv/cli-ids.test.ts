import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../scripts/clv";
import { CsvLines } from "../../../scripts/clv/csv-bytes";

const dir = mkdtempSync(join(tmpdir(), "ciclo-clv-ids-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], files: Record<string, string>) {
  let stderr = "";
  const io: CliIo = {
    stdout: () => {},
    stderr: (t) => (stderr += t),
    readFile: (path) => files[path] ?? readFileSync(path),
  };
  return { code: main(args, io), stderr };
}

/** Ids kept as byte ranges of the input must come out exactly as the decoded strings would. */
const SUMMARY = [
  "customer_id,x,t_x,T,m",
  "plain,1,5,20,7.5",
  "back\\slash,0,0,20,",
  "in\ttab,2,10,20,15",
  '"quo""ted",0,0,20,',
  "Zoë,0,0,20,",
  "  padded  ,0,0,20,",
  "   ",
  "last,0,0,20,",
].join("\r\n");

describe("clv CLI ids", () => {
  it("writes raw ids to CSV and JSON lines, escaping for JSON where needed", () => {
    const csvFile = join(dir, "out.csv");
    const jsonFile = join(dir, "out.jsonl");
    expect(run(["--summary", "s.csv", "--output", csvFile], { "s.csv": SUMMARY }).code).toBe(0);
    expect(run(["--summary", "s.csv", "--output", jsonFile], { "s.csv": SUMMARY }).code).toBe(0);
    const ids = ["plain", "back\\slash", "in\ttab", 'quo"ted', "Zoë", "padded", "last"];
    const jsonIds = readFileSync(jsonFile, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { customerId: string }).customerId);
    expect(jsonIds).toEqual(ids);
    const csvIds = readFileSync(csvFile, "utf8")
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((row) => (row.startsWith('"') ? row.slice(0, row.indexOf('",') + 1) : row.slice(0, row.indexOf(","))));
    expect(csvIds).toEqual(["plain", "back\\slash", "in\ttab", '"quo""ted"', "Zoë", "padded", "last"]);
  });

  it("splits lines in one pass exactly like trimming the line and each field", () => {
    const lines = new CsvLines(Buffer.from(" a , b ,c\r\n\r\n  \n , \nx,,y\nlast"));
    const seen: (string | undefined)[][] = [];
    while (lines.advance()) seen.push(Array.from({ length: lines.count }, (_, i) => lines.text(i)));
    expect(seen).toEqual([["a", "b", "c"], [], [], ["", ""], ["x", "", "y"], ["last"]]);
  });
});
