import { describe, expect, it } from "vitest";
import { historicClv } from "../../../app/domain/clv/historic";
import { summarizeAggregates } from "../../../app/domain/clv/summary";
import { assessDataSufficiency, assessFit } from "../../../app/domain/clv/sufficiency";

const REF = 20_000;

describe("historic CLV: AOV x purchase frequency x lifespan", () => {
  // 30 customers older than a year (10 of them churned) and 10 new ones.
  const purchaseDays: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const spend: number[] = [];
  for (let i = 0; i < 30; i++) {
    purchaseDays.push(4);
    first.push(REF - 730);
    last.push(i < 10 ? REF - 400 : REF - 10);
    spend.push(200);
  }
  for (let i = 0; i < 10; i++) {
    purchaseDays.push(1);
    first.push(REF - 30);
    last.push(REF - 30);
    spend.push(50);
  }
  const summary = summarizeAggregates(
    {
      purchaseDays,
      firstPurchaseDay: first,
      lastPurchaseDay: last,
      totalSpend: spend,
      repeatSpendMean: purchaseDays.map((d) => (d > 1 ? 50 : 0)),
    },
    REF,
    1,
  );
  const result = historicClv(summary, REF);

  it("exposes each input of the classic formula", () => {
    const s = result.store;
    expect(s.customers).toBe(40);
    expect(s.orders).toBe(130);
    expect(s.revenue).toBe(6500);
    expect(s.averageOrderValue).toBe(50);
    expect(s.purchaseFrequencyPerYear).toBeCloseTo(130 / (30 * (730 / 365.25) + 10), 10);
    expect(s.annualChurnRate).toBeCloseTo(1 / 3, 10);
    expect(s.lifespanYears).toBeCloseTo(3, 10);
    expect(s.lifespanSource).toBe("churn");
    expect(s.clv).toBeCloseTo(s.averageOrderValue * s.purchaseFrequencyPerYear * s.lifespanYears, 10);
    expect(result.perCustomer[0]).toBeCloseTo(s.clv, 10);
  });

  it("caps the lifespan, honours a given one and applies the margin", () => {
    const noChurn = historicClv(summary, REF - 200, { maxLifespanYears: 2 });
    expect(noChurn.store.lifespanYears).toBeLessThanOrEqual(2);
    const given = historicClv(summary, REF, { lifespanYears: 2, margin: 0.4 });
    expect(given.store.lifespanSource).toBe("given");
    expect(given.store.clv).toBeCloseTo(50 * given.store.purchaseFrequencyPerYear * 2 * 0.4, 10);
  });
});

describe("data sufficiency", () => {
  it("explains each missing condition and passes when all hold", () => {
    const many = 200;
    const summary = summarizeAggregates(
      {
        purchaseDays: Array.from({ length: many }, (_, i) => (i % 4 === 0 ? 3 : 1)),
        firstPurchaseDay: Array.from({ length: many }, () => REF - 300),
        lastPurchaseDay: Array.from({ length: many }, (_, i) => (i % 4 === 0 ? REF - 20 : REF - 300)),
        totalSpend: Array.from({ length: many }, () => 100),
        repeatSpendMean: Array.from({ length: many }, (_, i) => (i % 4 === 0 ? 30 : 0)),
      },
      REF,
      1,
    );
    const ok = assessDataSufficiency(summary, REF);
    expect(ok.ready).toBe(true);
    expect(ok.spendReady).toBe(true);
    expect(ok.repeatCustomers).toBe(50);
    const strict = assessDataSufficiency(summary, REF, {
      minCustomers: 500,
      minRepeatCustomers: 60,
      minHistoryDays: 400,
      minSpendCustomers: 1,
    });
    expect(strict.ready).toBe(false);
    expect(strict.reasons.map((r) => r.code)).toEqual(["few-customers", "few-repeat-customers", "short-history"]);
  });

  it("flags non-converged and unidentified fits", () => {
    const base = { params: { r: 1 }, logLikelihood: -1, iterations: 3, customers: 1, groups: 1 };
    expect(
      assessFit({ ...base, converged: false, message: "iteration limit", standardErrors: { r: 0.1 } }, "BG/NBD")[0]!
        .code,
    ).toBe("fit-not-converged");
    expect(assessFit({ ...base, converged: true, message: "", standardErrors: { r: null } }, "BG/NBD")[0]!.code).toBe(
      "fit-unreliable",
    );
    expect(assessFit({ ...base, converged: true, message: "", standardErrors: { r: 0.1 } }, "BG/NBD")).toEqual([]);
  });
});
