import { describe, expect, it } from "vitest";
import { asCountModel, fitBgNbd } from "../../../app/domain/clv/bgnbd";
import { fitGammaGamma } from "../../../app/domain/clv/gammagamma";
import { groupIdenticalRows, groupRepeatSummary } from "../../../app/domain/clv/grouping";
import { scoreCustomers } from "../../../app/domain/clv/predict";
import { simulateCustomers } from "../../../app/domain/clv/simulate";

const TRUTH = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("grouping identical rows", () => {
  it("maps every row to a group with the right weight and key", () => {
    const x = [0, 1, 0, 1, 2, 0, 0];
    const tx = [0, 3, 0, 3, 5, 0, 0];
    const T = [10, 10, 10, 12, 12, -0, 0]; // -0 and 0 are the same pattern
    const grouped = groupIdenticalRows([x, tx, T], 7);
    expect(grouped.count).toBe(5);
    expect(Array.from(grouped.weight).reduce((s, w) => s + w, 0)).toBe(7);
    for (let i = 0; i < 7; i++) {
      const g = grouped.groupOf[i]!;
      expect([grouped.keys[0]![g], grouped.keys[1]![g], grouped.keys[2]![g]]).toEqual([x[i], tx[i], T[i]! + 0]);
    }
    const repeat = groupRepeatSummary({ x, tx, T, weight: [1, 1, 1, 1, 1, 0, 0] });
    expect(repeat.totalWeight).toBe(5);
    expect(Array.from(repeat.xValues).sort()).toEqual([0, 1, 2]);
  });
});

describe("parameter recovery on synthetic BG/NBD + Gamma-Gamma data", () => {
  const data = simulateCustomers({
    customers: 200_000,
    seed: 7,
    bgnbd: TRUTH,
    spend: SPEND,
    acquisitionDays: 84,
    observationDays: 273,
    daysPerUnit: 7,
  });

  it("recovers the true parameters within about three standard errors", () => {
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(true);
    for (const key of ["r", "alpha", "a", "b"] as const) {
      const se = fit.standardErrors[key]!;
      expect(Math.abs(fit.params[key] - TRUTH[key])).toBeLessThan(3.5 * se);
    }
    const spend = fitGammaGamma({ x: data.x, zbar: data.zbar });
    expect(spend.converged).toBe(true);
    for (const key of ["p", "q", "gamma"] as const) {
      expect(Math.abs(spend.params[key] - SPEND[key])).toBeLessThan(3.5 * spend.standardErrors[key]!);
    }
  });

  it("groups repeated patterns heavily and scores every customer with finite numbers", () => {
    const grouped = groupRepeatSummary(data);
    expect(grouped.groups).toBeLessThan(data.x.length / 3);
    const scores = scoreCustomers(
      asCountModel(TRUTH),
      { x: data.x, tx: data.tx, T: data.T, zbar: data.zbar },
      {
        horizons: [30 / 7, 365 / 7],
        clvHorizon: 365 / 7,
        annualDiscountRate: 0.1,
        unitsPerYear: 365.25 / 7,
        spend: SPEND,
        fallbackAverageSpend: 0,
      },
    );
    for (const column of [
      scores.pAlive,
      scores.clv,
      scores.clvPercentile,
      scores.timeToNextPurchase,
      ...scores.expectedPurchases,
    ]) {
      for (const v of column) expect(Number.isFinite(v)).toBe(true);
    }
    // Calibrated: the model's own data should show P(alive) tracking the truth on average for repeat buyers.
    let predictedAlive = 0;
    let repeaters = 0;
    for (let i = 0; i < data.x.length; i++) {
      if (data.x[i]! > 0) {
        predictedAlive += scores.pAlive[i]!;
        repeaters++;
      }
    }
    expect(predictedAlive / repeaters).toBeGreaterThan(0.3);
    expect(predictedAlive / repeaters).toBeLessThan(0.9);
  });
});
