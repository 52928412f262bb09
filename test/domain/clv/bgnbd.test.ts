import { describe, expect, it } from "vitest";
import {
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  logLikelihood,
  logLikelihoodOne,
  pAlive,
  probabilityOfPurchases,
} from "../../../app/domain/clv/bgnbd";
import { cdnowSummary, FULL_MLE, PUBLISHED, readCsv, relativeError } from "../../support/cdnow";

describe("BG/NBD on the CDNOW summary (Fader, Hardie & Lee 2005)", () => {
  const summary = cdnowSummary();
  const fit = fitBgNbd(summary);

  it("reproduces the published parameters and the full-precision MLE", () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    for (const key of ["r", "alpha", "a", "b"] as const) {
      expect(relativeError(fit.params[key], FULL_MLE[key])).toBeLessThan(1e-5);
      expect(fit.params[key].toFixed(3)).toBe(PUBLISHED[key].toFixed(3));
    }
    expect(fit.logLikelihood).toBeCloseTo(-9582.425561, 5);
    expect(fit.logLikelihood.toFixed(1)).toBe("-9582.4");
  });

  it("groups identical rows and reports finite standard errors from the inverse Hessian", () => {
    expect(fit.groups).toBeLessThan(2357);
    for (const se of Object.values(fit.standardErrors)) {
      expect(se).not.toBeNull();
      expect(se!).toBeGreaterThan(0);
      expect(Number.isFinite(se!)).toBe(true);
    }
    // Relative SEs must be plausible for 2,357 customers: r is well determined, b much less so.
    expect(fit.standardErrors.r! / fit.params.r).toBeLessThan(0.1);
    expect(fit.standardErrors.b! / fit.params.b).toBeGreaterThan(0.1);
  });

  it("has a log-likelihood that agrees with the per-customer sum, and is maximal at the fit", () => {
    expect(logLikelihood(fit.params, summary)).toBeCloseTo(fit.logLikelihood, 6);
    for (const key of ["r", "alpha", "a", "b"] as const) {
      for (const factor of [0.99, 1.01]) {
        expect(logLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, summary)).toBeLessThan(
          fit.logLikelihood,
        );
      }
    }
  });

  it("converges from poor starting values too", () => {
    const other = fitBgNbd(summary, { start: { r: 5, alpha: 0.5, a: 3, b: 0.2 } });
    expect(other.converged).toBe(true);
    expect(relativeError(other.params.b, FULL_MLE.b)).toBeLessThan(1e-4);
  });
});

describe("BG/NBD check values", () => {
  it("P(N(t)=n) (eq. 8) at the published parameters", () => {
    expect(relativeError(probabilityOfPurchases(PUBLISHED, 2, 10), 1.0786896e-7)).toBeLessThan(1e-6);
    expect(relativeError(probabilityOfPurchases(PUBLISHED, 39, 0), 0.5737864)).toBeLessThan(1e-6);
    const expected = [
      0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171,
      0.0002769613, 0.000222226,
    ];
    expected.forEach((value, k) =>
      expect(relativeError(probabilityOfPurchases(PUBLISHED, 30, 11 + k), value)).toBeLessThan(1e-6),
    );
  });

  it("P(N(t)=n) sums to one over n", () => {
    let total = 0;
    for (let n = 0; n < 400; n++) total += probabilityOfPurchases(PUBLISHED, 30, n);
    expect(total).toBeCloseTo(1, 8);
  });

  it("E[Y(39) | x=2, t_x=30.43, T=38.86] (eq. 10)", () => {
    const value = expectedPurchases(FULL_MLE, 2, 30.43, 38.86, 39);
    expect(value).toBeCloseTo(1.2259104, 6);
    expect(Math.abs(value - 1.226)).toBeLessThanOrEqual(0.001);
  });

  it("E[X(t)] for a new customer (eq. 9)", () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078161, 0.0531847, 0.1506319, 1.0404942, 1.0437372, 1.8579717];
    ts.forEach((t, k) => expect(expectedPurchasesNewCustomer(FULL_MLE, t)).toBeCloseTo(expected[k]!, 6));
  });

  it("P(alive) cases, and exactly 1 for x = 0", () => {
    const cases: [number, number, number, number][] = [
      [2, 30.43, 38.86, 0.7266091],
      [1, 1.71, 38.86, 0.2122274],
      [7, 29.43, 38.86, 0.6418006],
      [2, 35.71, 38.86, 0.7848076],
      [10, 20, 38.86, 0.0393562],
    ];
    for (const [x, tx, T, p] of cases) expect(pAlive(FULL_MLE, x, tx, T)).toBeCloseTo(p, 6);
    expect(pAlive(FULL_MLE, 0, 0, 38.86)).toBe(1);
    expect(pAlive(FULL_MLE, 0, 0, 0)).toBe(1);
  });

  it("sum of E[Y(39)] over all 2,357 customers is 1653.42 (holdout actual 1,882)", () => {
    const { x, tx, T } = cdnowSummary();
    let total = 0;
    for (let i = 0; i < x.length; i++) total += expectedPurchases(FULL_MLE, x[i]!, tx[i]!, T[i]!, 39);
    expect(total).toBeCloseTo(1653.42, 2);
    const actual = readCsv("cdnow_holdout_xstar.csv").reduce((sum, row) => sum + row[1]!, 0);
    expect(actual).toBe(1882);
  });

  it("overflow guard: x = 1000 gives P(alive) 0 and finite expectations", () => {
    expect(pAlive(FULL_MLE, 1000, 10, 100)).toBe(0);
    for (const [x, tx, T] of [
      [1000, 10, 100],
      [1000, 99.9, 100],
      [5000, 1, 1000],
      [1, 0, 1e6],
    ] as const) {
      expect(Number.isFinite(pAlive(FULL_MLE, x, tx, T))).toBe(true);
      const e = expectedPurchases(FULL_MLE, x, tx, T, 52);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThanOrEqual(0);
    }
    // A very active recent customer expects about their rate × horizon.
    expect(expectedPurchases(FULL_MLE, 1000, 99.9, 100, 1)).toBeGreaterThan(5);
  });

  it("per-customer log-likelihood, including Hardie note 027's #NUM! case x = 200", () => {
    const params = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    expect(logLikelihoodOne(params, 0, 0, 40)).toBeCloseTo(-0.59947382, 7);
    expect(logLikelihoodOne(params, 200, 38, 40)).toBeCloseTo(100.7957, 4);
  });

  it("ln(b+x-1) with x = 0 and b < 1 stays defined", () => {
    const params = { r: 0.25, alpha: 4, a: 0.8, b: 0.5 };
    expect(Number.isFinite(logLikelihoodOne(params, 0, 0, 40))).toBe(true);
  });

  it("bridges the removable singularity at a = 1 continuously", () => {
    const at = (a: number) => expectedPurchases({ ...FULL_MLE, a }, 2, 30.43, 38.86, 39);
    const exact = at(1);
    expect(Number.isFinite(exact)).toBe(true);
    expect(Math.abs(at(1 + 1e-3) - exact)).toBeLessThan(1e-3);
    expect(Math.abs(at(1 - 1e-3) - exact)).toBeLessThan(1e-3);
    // Smooth across the edges of the interpolation band and consistent with the neighbours' midpoint.
    expect(Math.abs(at(1 + 1.01e-4) - at(1 + 0.99e-4))).toBeLessThan(1e-5);
    expect(Math.abs(at(1 - 1.01e-4) - at(1 - 0.99e-4))).toBeLessThan(1e-5);
    expect(Math.abs(exact - (at(1.001) + at(0.999)) / 2)).toBeLessThan(1e-5);
    expect(Number.isFinite(expectedPurchasesNewCustomer({ ...FULL_MLE, a: 1 }, 52))).toBe(true);
  });
});
