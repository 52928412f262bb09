import { describe, expect, it } from "vitest";
import { splitCalibrationHoldout } from "../../../app/domain/clv/backtest";
import { fromEpochDay, summarizeAggregates, summarizePurchases, toEpochDay } from "../../../app/domain/clv/summary";
import { cdnowTransactions, readCsv } from "../../support/cdnow";

const END = toEpochDay("1997-09-30")!;

describe("summary recipe: CDNOW transactions -> (x, t_x, T, zbar)", () => {
  const table = summarizePurchases(cdnowTransactions(), { endDay: END, daysPerUnit: 7 });
  const byId = new Map(table.customerIds.map((id, i) => [Number(id), i]));

  it("rebuilds cdnow_customers_summary_with_transactions.csv exactly (2 dp)", () => {
    const rows = readCsv("cdnow_customers_summary_with_transactions.csv");
    expect(table.customerIds.length).toBe(rows.length);
    for (const [id, x, tx, T, zbar] of rows) {
      const i = byId.get(id!)!;
      expect(table.x[i]).toBe(x);
      // The CSV holds values rounded to 2 dp (half-way cases like 22.345 went either way).
      expect(Math.abs(table.tx[i]! - tx!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(table.T[i]! - T!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(table.zbar[i]! - zbar!)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it("merges same-day purchases and counts zero-amount days for frequency but not spend", () => {
    const purchases = [
      { customerId: "a", day: 100, amount: 10 },
      { customerId: "a", day: 100, amount: 5 }, // same day: one purchase day of 15
      { customerId: "a", day: 107, amount: 0 }, // free repeat order: frequency only
      { customerId: "a", day: 114, amount: 30 },
      { customerId: "a", day: 200, amount: 99 }, // after the end: ignored
      { customerId: "b", day: 150, amount: 20 },
    ];
    const t = summarizePurchases(purchases, { endDay: 121, daysPerUnit: 7 });
    expect(t.customerIds).toEqual(["a"]);
    expect(t.x[0]).toBe(2);
    expect(t.tx[0]).toBe(2);
    expect(t.T[0]).toBe(3);
    expect(t.zbar[0]).toBe(30);
    expect(t.spendDays[0]).toBe(1);
    expect(t.totalSpend[0]).toBe(45);
  });

  it("holdout counts match cdnow_holdout_xstar.csv (sum 1,882)", () => {
    const split = splitCalibrationHoldout(cdnowTransactions(), {
      calibrationEndDay: END,
      holdoutEndDay: toEpochDay("1998-06-30")!,
      daysPerUnit: 7,
    });
    expect(split.holdoutLength).toBeCloseTo(39, 10);
    const expected = new Map(readCsv("cdnow_holdout_xstar.csv").map((r) => [r[0]!, r[1]!]));
    let sum = 0;
    split.calibration.customerIds.forEach((id, i) => {
      expect(split.holdoutPurchases[i]).toBe(expected.get(Number(id)));
      sum += split.holdoutPurchases[i]!;
    });
    expect(sum).toBe(1882);
  });
});

describe("dates and SQL aggregates", () => {
  it("converts dates to epoch days and back", () => {
    expect(toEpochDay("1970-01-02")).toBe(1);
    expect(toEpochDay("19970101")).toBe(toEpochDay("1997-01-01"));
    expect(toEpochDay(new Date("1997-01-01T23:59:00Z"))).toBe(toEpochDay("1997-01-01"));
    expect(toEpochDay("1997-02-30")).toBeNull();
    expect(toEpochDay("yesterday")).toBeNull();
    expect(fromEpochDay(toEpochDay("2024-02-29")!)).toBe("2024-02-29");
  });

  it("builds the same summary from per-customer aggregates, flagging impossible rows", () => {
    const t = summarizeAggregates(
      {
        customerIds: ["a", "b", "c", "d"],
        purchaseDays: [3, 1, 0, 2],
        firstPurchaseDay: [100, 110, 0, 130],
        lastPurchaseDay: [114, 110, 0, 120],
        totalSpend: [45, 20, 0, 10],
        repeatSpendMean: [15, 0, 0, 5],
        repeatSpendDays: [1, 0, 0, 1],
      },
      121,
      7,
    );
    expect(Array.from(t.valid)).toEqual([1, 1, 0, 0]);
    expect([t.x[0], t.tx[0], t.T[0], t.zbar[0], t.spendDays[0]]).toEqual([2, 2, 3, 15, 1]);
    expect([t.x[1], t.tx[1], t.T[1]]).toEqual([0, 0, 11 / 7]);
    for (const column of [t.x, t.tx, t.T, t.zbar, t.spendDays])
      expect(Array.from(column).every(Number.isFinite)).toBe(true);
  });
});
