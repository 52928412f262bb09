import { describe, expect, it } from "vitest";
import { analyzeCustomerValue, type ClvAnalysis } from "../../../app/domain/clv/analyze";
import { summarizePurchases, toEpochDay, type CustomerAggregates } from "../../../app/domain/clv/summary";
import { SeededRandom } from "../../../app/domain/math/random";
import { cdnowTransactions, FULL_MLE } from "../../support/cdnow";

const END = toEpochDay("1997-09-30")!;

/** What the nightly job's SQL would return for CDNOW (distinct purchase days, first/last day, spend). */
function cdnowAggregates(): CustomerAggregates {
  const t = summarizePurchases(cdnowTransactions(), { endDay: END, daysPerUnit: 1 });
  return {
    customerIds: t.customerIds,
    purchaseDays: Array.from(t.x, (x) => x + 1),
    firstPurchaseDay: t.firstDay,
    lastPurchaseDay: t.lastDay,
    totalSpend: t.totalSpend,
    repeatSpendMean: t.zbar,
    repeatSpendDays: t.spendDays,
  };
}

function allFinite(analysis: ClvAnalysis): boolean {
  const columns: ArrayLike<number>[] = [analysis.historic.perCustomer];
  if (analysis.scores) {
    const s = analysis.scores;
    columns.push(
      s.pAlive,
      s.clv,
      s.expectedAverageOrderValue,
      s.timeToNextPurchase,
      s.clvPercentile,
      ...s.expectedPurchases,
    );
  }
  const store = analysis.historic.store;
  const scalars = [store.averageOrderValue, store.purchaseFrequencyPerYear, store.lifespanYears, store.clv];
  if (analysis.countFit) scalars.push(analysis.countFit.logLikelihood, ...Object.values(analysis.countFit.params));
  return scalars.every(Number.isFinite) && columns.every((c) => Array.from(c).every(Number.isFinite));
}

describe("analyzeCustomerValue (the nightly pipeline's entry point)", () => {
  it("fits and scores CDNOW from per-customer aggregates", () => {
    const analysis = analyzeCustomerValue(cdnowAggregates(), END, {
      daysPerUnit: 7,
      horizonDays: [30, 90, 273],
      annualDiscountRate: 0.1,
    });
    expect(analysis.status).toBe("predictive");
    expect(analysis.reasons).toEqual([]);
    const params = analysis.countFit!.params;
    expect(params.r!).toBeCloseTo(FULL_MLE.r, 3);
    expect(params.b!).toBeCloseTo(FULL_MLE.b, 2);
    expect(analysis.spendFit!.params.p).toBeCloseTo(6.25, 1);
    const s = analysis.scores!;
    expect(s.horizonDays).toEqual([30, 90, 273]);
    const sum = (a: Float64Array) => a.reduce((acc, v) => acc + v, 0);
    expect(sum(s.expectedPurchases[2]!)).toBeCloseTo(1653.4, -1); // 273 days = 39 weeks
    expect(sum(s.expectedPurchases[0]!)).toBeLessThan(sum(s.expectedPurchases[1]!));
    expect(allFinite(analysis)).toBe(true);
    // Percentiles are ranks of CLV: higher CLV, higher percentile; ties share.
    const order = [...s.clv.keys()].sort((p, q) => s.clv[p]! - s.clv[q]!);
    for (let k = 1; k < order.length; k++)
      expect(s.clvPercentile[order[k]!]!).toBeGreaterThanOrEqual(s.clvPercentile[order[k - 1]!]!);
    // Median wait to the next order is in days and longer for one-time buyers than for frequent ones.
    const one = analysis.summary.x.indexOf(0);
    const frequent = analysis.summary.x.findIndex((x) => x >= 10);
    expect(s.timeToNextPurchase[one]!).toBeGreaterThan(s.timeToNextPurchase[frequent]!);
    expect(s.expectedNextOrderDay[frequent]).toBe(END + Math.round(s.timeToNextPurchase[frequent]!));
  });

  it("gives the same answer in days as in weeks (time unit only rescales alpha)", () => {
    const weeks = analyzeCustomerValue(cdnowAggregates(), END, { daysPerUnit: 7 });
    const days = analyzeCustomerValue(cdnowAggregates(), END, { daysPerUnit: 1 });
    expect(days.countFit!.params.alpha! / 7).toBeCloseTo(weeks.countFit!.params.alpha!, 2);
    expect(days.countFit!.params.r!).toBeCloseTo(weeks.countFit!.params.r!, 4);
    expect(days.scores!.pAlive[0]!).toBeCloseTo(weeks.scores!.pAlive[0]!, 4);
    expect(days.scores!.clv[0]!).toBeCloseTo(weeks.scores!.clv[0]!, 2);
  });

  it("discounting lowers CLV and a longer horizon raises it", () => {
    const base = analyzeCustomerValue(cdnowAggregates(), END, { daysPerUnit: 7, annualDiscountRate: 0 });
    const discounted = analyzeCustomerValue(cdnowAggregates(), END, { daysPerUnit: 7, annualDiscountRate: 0.2 });
    const longer = analyzeCustomerValue(cdnowAggregates(), END, {
      daysPerUnit: 7,
      annualDiscountRate: 0,
      clvHorizonDays: 730,
    });
    const total = (a: ClvAnalysis) => a.scores!.clv.reduce((s, v) => s + v, 0);
    expect(total(discounted)).toBeLessThan(total(base));
    expect(total(longer)).toBeGreaterThan(total(base));
    // Undiscounted one-year CLV = P(alive) × E[purchases if alive in 365 days] × E[M].
    const s = base.scores!;
    const i = 0;
    expect(s.clv[i]!).toBeCloseTo(s.expectedPurchases[2]![i]! * s.expectedAverageOrderValue[i]!, 6);
  });

  it("a small store gets historic CLV and a clear 'not enough data yet' with reasons", () => {
    const day = 19_000;
    const analysis = analyzeCustomerValue(
      {
        purchaseDays: [1, 2, 1, 3],
        firstPurchaseDay: [day - 40, day - 30, day - 5, day - 60],
        lastPurchaseDay: [day - 40, day - 10, day - 5, day - 2],
        totalSpend: [20, 70, 15, 150],
        repeatSpendMean: [0, 50, 0, 60],
      },
      day,
    );
    expect(analysis.status).toBe("not-enough-data");
    expect(analysis.scores).toBeNull();
    expect(analysis.countFit).toBeNull();
    expect(analysis.reasons.map((r) => r.code)).toEqual(["few-customers", "few-repeat-customers", "short-history"]);
    for (const r of analysis.reasons) expect(r.message).toMatch(/\d/);
    expect(analysis.historic.store.averageOrderValue).toBeCloseTo(255 / 7, 10);
    expect(analysis.historic.store.lifespanSource).toBe("default-one-year");
    expect(allFinite(analysis)).toBe(true);
  });

  it("an empty store and a store of unusable rows stay finite", () => {
    const empty = analyzeCustomerValue(
      { purchaseDays: [], firstPurchaseDay: [], lastPurchaseDay: [], totalSpend: [], repeatSpendMean: [] },
      19_000,
    );
    expect(empty.status).toBe("not-enough-data");
    expect(allFinite(empty)).toBe(true);
    const broken = analyzeCustomerValue(
      {
        purchaseDays: [0, 2, 1],
        firstPurchaseDay: [1, 10, NaN],
        lastPurchaseDay: [1, 5, 3],
        totalSpend: [0, 10, 5],
        repeatSpendMean: [0, 5, 0],
      },
      19_000,
    );
    expect(broken.sufficiency.customers).toBe(0);
    expect(allFinite(broken)).toBe(true);
  });

  it("never lets NaN or Infinity out, even when forced to fit tiny random stores", () => {
    const random = new SeededRandom(42);
    const ref = 19_000;
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(random.uniform() * 40);
      const agg: CustomerAggregates & {
        purchaseDays: number[];
        firstPurchaseDay: number[];
        lastPurchaseDay: number[];
        totalSpend: number[];
        repeatSpendMean: number[];
      } = {
        purchaseDays: [],
        firstPurchaseDay: [],
        lastPurchaseDay: [],
        totalSpend: [],
        repeatSpendMean: [],
      };
      const repeatShare = random.uniform();
      for (let i = 0; i < n; i++) {
        const days = random.uniform() < repeatShare ? 2 + Math.floor(random.uniform() * 5) : 1;
        const first = ref - Math.floor(random.uniform() * 400);
        const last = days > 1 ? first + Math.floor(random.uniform() * (ref - first + 1)) : first;
        const repeat = days > 1 ? random.uniform() * 100 : 0;
        agg.purchaseDays.push(days);
        agg.firstPurchaseDay.push(first);
        agg.lastPurchaseDay.push(last);
        agg.repeatSpendMean.push(repeat);
        agg.totalSpend.push(random.uniform() * 100 + repeat * (days - 1));
      }
      const analysis = analyzeCustomerValue(agg, ref, {
        thresholds: { minCustomers: 1, minRepeatCustomers: 0, minHistoryDays: 0, minSpendCustomers: 1 },
      });
      expect(allFinite(analysis)).toBe(true);
      if (analysis.status === "not-enough-data") expect(analysis.reasons.length).toBeGreaterThan(0);
      if (analysis.countFit && !analysis.countFit.converged) expect(analysis.status).toBe("not-enough-data");
    }
  });
});
