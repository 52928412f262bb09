import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../fixtures/cdnow/", import.meta.url));

export function readCsv(name: string): number[][] {
  return readFileSync(FIXTURES + name, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(",").map(Number));
}

/** The 2,357-customer calibration summary (weeks). */
export function cdnowSummary() {
  const rows = readCsv("cdnow_customers_summary.csv");
  return {
    id: rows.map((r) => r[0]!),
    x: Float64Array.from(rows, (r) => r[1]!),
    tx: Float64Array.from(rows, (r) => r[2]!),
    T: Float64Array.from(rows, (r) => r[3]!),
  };
}

export function cdnowSpend() {
  const rows = readCsv("cdnow_customers_summary_with_transactions.csv");
  return {
    x: rows.map((r) => r[1]!),
    tx: rows.map((r) => r[2]!),
    T: rows.map((r) => r[3]!),
    zbar: rows.map((r) => r[4]!),
  };
}

/** CDNOW_sample.txt as purchases: customer = sample_id, day = epoch day, amount = dollars. */
export function cdnowTransactions() {
  return readFileSync(FIXTURES + "CDNOW_sample.txt", "utf8")
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, id, date, , dollars] = line.trim().split(/\s+/);
      const day =
        Date.UTC(Number(date!.slice(0, 4)), Number(date!.slice(4, 6)) - 1, Number(date!.slice(6, 8))) / 86_400_000;
      return { customerId: id!, day, amount: Number(dollars) };
    });
}

export const FULL_MLE = { r: 0.2425929, alpha: 4.4135312, a: 0.7928862, b: 2.4257534 };
export const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
