import { describe, expect, it } from "vitest";
import { toEpochDay } from "../../../app/domain/clv/summary";
import * as bgnbd from "../../../app/domain/clv/bgnbd";
import * as paretonbd from "../../../app/domain/clv/paretonbd";
import { scoreRfm } from "../../../app/domain/rfm";
import { assignSegments, RFM_SEGMENTS } from "../../../app/domain/segments";
import {
  firstDayOfMonth,
  monthLabel,
  monthOfDay,
  purchaseHistory,
} from "../../../app/domain/intelligence/purchase-history";
import { retentionCohorts } from "../../../app/domain/intelligence/cohorts";
import { churnByRfmSegment, churnBySegment, churnByYear, segmentsAsOf } from "../../../app/domain/intelligence/churn";
import { repeatRateWhatIf } from "../../../app/domain/intelligence/what-if";

const day = (iso: string) => toEpochDay(iso)!;

/** Customers as lists of ISO days (amount 10 each) → a purchase history. */
function historyOf(customers: (string | number)[][]) {
  const who: number[] = [];
  const when: number[] = [];
  const amount: number[] = [];
  customers.forEach((days, c) =>
    days.forEach((d) => {
      who.push(c);
      when.push(typeof d === "number" ? d : day(d));
      amount.push(10);
    }),
  );
  return purchaseHistory(who, when, customers.length, amount);
}

describe("purchase history", () => {
  it("sorts each customer's orders, merges same-day orders and skips bad rows", () => {
    const h = purchaseHistory([0, 0, 2, 0, -1, 5, 2], [10, 3, 7, 10, 4, 4, NaN], 3, [5, 2, 9, 1, 100, 100, 100]);
    expect(Array.from(h.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(h.day)).toEqual([3, 10, 7]);
    expect(Array.from(h.amount)).toEqual([2, 6, 9]);
  });

  it("finds calendar months without Date, agreeing with Date on every day of 1968-2031", () => {
    expect(monthLabel(monthOfDay(0))).toBe("1970-01");
    expect(monthLabel(monthOfDay(58))).toBe("1970-02");
    expect(monthLabel(monthOfDay(59))).toBe("1970-03");
    expect(monthLabel(monthOfDay(day("2024-02-29")))).toBe("2024-02");
    expect(firstDayOfMonth(monthOfDay(day("2024-03-17")))).toBe(day("2024-03-01"));
    for (let d = -731; d < 22_645; d++) {
      const date = new Date(d * 86_400_000);
      expect(monthOfDay(d)).toBe(date.getUTCFullYear() * 12 + date.getUTCMonth());
    }
  });
});

describe("retentionCohorts", () => {
  /**
   * Reference 2026-04-15 (April not over), four cohorts Jan..Apr 2026, three month offsets.
   *   A Jan 5, Jan 20 (same month: not a return), Feb 10, Feb 11 (one return in month 1), Apr 1 (month 3)
   *   B Jan 31, Mar 1 (month 2)
   *   C Feb 14; D Feb 1, Mar 31 (month 1); E Dec 30 2025 (cohort outside the window); F Apr 2; G May 1 (future)
   * Jan: size 2; month 1: A → 1/2, month 2: B → 1/2, cumulative 1/2 then 2/2; month 3 (April) not over → null.
   * Feb: size 2; month 1: D → 1/2; month 2 (April) null. Mar: empty. Apr: F, nothing observed yet.
   * Average: month 1 (1 + 1) / (2 + 2) = 0.5; month 2: 1/2; month 3: null.
   */
  const history = historyOf([
    ["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-11", "2026-04-01"],
    ["2026-01-31", "2026-03-01"],
    ["2026-02-14"],
    ["2026-02-01", "2026-03-31"],
    ["2025-12-30", "2026-01-02"],
    ["2026-04-02"],
    ["2026-05-01"],
  ]);

  it("matches the hand-computed matrix", () => {
    const m = retentionCohorts(history, day("2026-04-15"), { months: 3, maxCohorts: 4 });
    expect(m.cohorts).toEqual(["2026-01", "2026-02", "2026-03", "2026-04"]);
    expect(Array.from(m.size)).toEqual([2, 2, 0, 1]);
    expect(m.share).toEqual([0.5, 0.5, null, 0.5, null, null, null, null, null, null, null, null]);
    expect(m.cumulativeShare).toEqual([0.5, 1, null, 0.5, null, null, null, null, null, null, null, null]);
    // Raw counts include the running month (A's April purchase), only the shares wait for it to end.
    expect(Array.from(m.returning.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(m.averageShare).toEqual([0.5, 0.5, null]);
  });

  it("fills a month once its last day is the reference day, and ignores later purchases", () => {
    const m = retentionCohorts(history, day("2026-03-31"), { months: 3, maxCohorts: 3 });
    expect(m.cohorts).toEqual(["2026-01", "2026-02", "2026-03"]);
    expect(m.share.slice(0, 6)).toEqual([0.5, 0.5, null, 0.5, null, null]);
    const early = retentionCohorts(history, day("2026-02-10"), { months: 2, maxCohorts: 2 });
    // Only A's Feb 10 counts; February is not over, so nothing is shown yet.
    expect(Array.from(early.returning)).toEqual([1, 0, 0, 0]);
    expect(early.share).toEqual([null, null, null, null]);
  });

  it("defaults to 24 cohorts of 12 months and copes with an empty store", () => {
    const m = retentionCohorts(historyOf([]), day("2026-04-15"));
    expect(m.cohorts).toHaveLength(24);
    expect(m.cohorts[23]).toBe("2026-04");
    expect(m.share).toHaveLength(24 * 12);
    expect(m.averageShare.every((v) => v === null)).toBe(true);
  });
});

describe("churn", () => {
  /**
   * Reference day 1000. Window 0: active if bought in 271..635, churned if then nothing in 636..1000.
   *   c0 300, 700 → active, stays.   c1 600 → churned.   c2 635, 1001 → active, 1001 is after the window: churned.
   *   c3 636 → new in the year, not active.   c4 270, 1000 → 270 is before the window: not active.
   *   c5 271 → churned.   c6 100, 300 → active (300), churned.
   *   → 5 active, 4 churned, 0.8.
   * Window 1 (ends 635): active if bought in −94..270: c4 (270), c6 (100); c6 bought 300 → stays, c4 → churned.
   *   → 1 / 2. Window 2 (ends 270): nobody bought in −459..−95 → null.
   */
  const history = historyOf([[300, 700], [600], [635, 1001], [636], [270, 1000], [271], [100, 300]]);

  it("matches the hand-computed yearly rates", () => {
    expect(churnByYear(history, 1000)).toEqual([
      { startDay: 635, endDay: 1000, active: 5, churned: 4, rate: 0.8 },
      { startDay: 270, endDay: 635, active: 2, churned: 1, rate: 0.5 },
      { startDay: -95, endDay: 270, active: 0, churned: 0, rate: null },
    ]);
  });

  it("splits by segment, leaving out customers without a valid segment", () => {
    // Segment 0: c0, c2, c4 (not active), c6 → 3 active, 2 churned. Segment 1: c1, c3 (not active), c5 → 2 / 2.
    expect(churnBySegment(history, [0, 1, 0, 1, 0, 1, 0], 2, 1000)).toEqual([
      { segment: 0, active: 3, churned: 2, rate: 2 / 3 },
      { segment: 1, active: 2, churned: 2, rate: 1 },
    ]);
    expect(churnBySegment(history, [0, 9, -1], 2, 1000)).toEqual([
      { segment: 0, active: 1, churned: 0, rate: 0 },
      { segment: 1, active: 0, churned: 0, rate: null },
    ]);
  });

  it("recomputes RFM segments as of a past day with the nightly's scoring", () => {
    // As of day 635: counts, last day and spend up to then; c3 (first order 636) is a Prospect.
    const asOf = segmentsAsOf(history, 635);
    const expected = assignSegments(
      scoreRfm(
        {
          orders: [1, 1, 1, 0, 1, 1, 2],
          lastOrderDay: [300, 600, 635, 0, 270, 271, 300],
          netSpend: [10, 10, 10, 0, 10, 10, 20],
        },
        635,
      ),
    );
    expect(Array.from(asOf)).toEqual(Array.from(expected));
    expect(RFM_SEGMENTS[asOf[3]!]).toBe("Prospects");
    const rows = churnByRfmSegment(history, 1000);
    expect(rows).toHaveLength(RFM_SEGMENTS.length);
    expect(rows.reduce((sum, r) => sum + r.active, 0)).toBe(5);
    expect(rows.reduce((sum, r) => sum + r.churned, 0)).toBe(4);
    expect(rows.find((r) => r.name === "Prospects")!.active).toBe(0);
  });
});

describe("repeatRateWhatIf", () => {
  const params = { r: 1, alpha: 1, a: 2, b: 3 };
  const model = bgnbd.asCountModel(params);

  it("frequency lever: a new customer's rate scaled so one more point buys (hand-computed k)", () => {
    // x = 0, T = 0: P(alive) = 1, S(1) = (1 / 2)^1 = 0.5 → repeat rate 0.5 (and P(X(1) = 0) agrees).
    // Target 0.51: 1 − 1 / (1 + k) = 0.51 → k = 0.51 / 0.49.
    expect(1 - bgnbd.probabilityOfPurchases(params, 1, 0)).toBeCloseTo(0.5, 12);
    const result = repeatRateWhatIf(
      { model, x: [0, 5], tx: [0, 1], T: [0, 9], orderValue: [100, 1], customerSegment: [3, 4] },
      { segment: 3, horizon: 1, lever: "frequency" },
    );
    const k = 0.51 / 0.49;
    expect(result.customers).toBe(1);
    expect(result.repeatRate).toBeCloseTo(0.5, 12);
    expect(result.targetRepeatRate).toBeCloseTo(0.51, 12);
    expect(result.reachable).toBe(true);
    expect(result.maxRepeatRate).toBe(1);
    expect(result.factor).toBeCloseTo(k, 9);
    const gained = bgnbd.expectedPurchasesNewCustomer(params, k) - bgnbd.expectedPurchasesNewCustomer(params, 1);
    expect(result.extraOrders).toBeCloseTo(gained, 9);
    expect(result.revenueGained).toBeCloseTo(100 * gained, 7);
    expect(result.expectedRevenue).toBeCloseTo(100 * bgnbd.expectedPurchasesNewCustomer(params, 1), 9);
    expect(result.explanation).toContain("50.0 %");
  });

  it("retention lever: δ = one point ÷ mean((1 − P)(1 − S)), orders from the model's conditional expectation", () => {
    // Two repeat buyers; S = ((α + T)/(α + T + t))^(r + x) with α = 1, r = 1, T = 10, t = 10: (11/21)^3, (11/21)^2.
    const x = [2, 1];
    const tx = [5, 1];
    const T = [10, 10];
    const S = [(11 / 21) ** 3, (11 / 21) ** 2];
    const P = [bgnbd.pAlive(params, 2, 5, 10), bgnbd.pAlive(params, 1, 1, 10)];
    const E = [0, 1].map((i) => bgnbd.expectedPurchases(params, x[i]!, tx[i]!, T[i]!, 10) / P[i]!);
    const room = ((1 - P[0]!) * (1 - S[0]!) + (1 - P[1]!) * (1 - S[1]!)) / 2;
    const delta = 0.01 / room;
    const result = repeatRateWhatIf(
      { model, x, tx, T, orderValue: [50, 20], customerSegment: [1, 1] },
      { segment: 1, horizon: 10, margin: 0.5 },
    );
    expect(result.lever).toBe("retention");
    expect(result.repeatRate).toBeCloseTo((P[0]! * (1 - S[0]!) + P[1]! * (1 - S[1]!)) / 2, 12);
    expect(result.factor).toBeCloseTo(delta, 12);
    expect(delta).toBeLessThan(1);
    expect(result.extraOrders).toBeCloseTo(delta * ((1 - P[0]!) * E[0]! + (1 - P[1]!) * E[1]!), 12);
    expect(result.revenueGained).toBeCloseTo(0.5 * delta * ((1 - P[0]!) * E[0]! * 50 + (1 - P[1]!) * E[1]! * 20), 10);
    // The new P(alive) gives exactly the target rate.
    const after = [0, 1].map((i) => (P[i]! + delta * (1 - P[i]!)) * (1 - S[i]!));
    expect((after[0]! + after[1]!) / 2).toBeCloseTo(result.targetRepeatRate, 12);
  });

  it("says when a lever cannot reach the target, and refuses Pareto/NBD", () => {
    // A customer who never bought twice is alive for sure in BG/NBD: retention cannot add anything.
    const newOnly = repeatRateWhatIf(
      { model, x: [0], tx: [0], T: [0], orderValue: [100], customerSegment: [0] },
      { segment: 0, horizon: 1 },
    );
    expect(newOnly.reachable).toBe(false);
    expect(newOnly.maxRepeatRate).toBeCloseTo(0.5, 12);
    expect(newOnly.revenueGained).toBe(0);
    expect(newOnly.explanation).toContain("retention alone");
    const none = repeatRateWhatIf(
      { model, x: [0], tx: [0], T: [0], orderValue: [100], customerSegment: [0] },
      { segment: 7, horizon: 1 },
    );
    expect(none.customers).toBe(0);
    expect(none.explanation).toBe("No customers in this segment.");
    const pareto = paretonbd.asCountModel({ r: 1, alpha: 1, s: 1, beta: 1 });
    expect(() =>
      repeatRateWhatIf(
        { model: pareto, x: [0], tx: [0], T: [0], orderValue: [1], customerSegment: [0] },
        { segment: 0, horizon: 1 },
      ),
    ).toThrow(RangeError);
  });
});
