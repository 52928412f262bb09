import { describe, expect, it } from "vitest";
import * as bgbb from "../../../app/domain/clv/bgbb";
import * as mbgnbd from "../../../app/domain/clv/mbgnbd";
import * as paretonbd from "../../../app/domain/clv/paretonbd";
import { cdnowSummary, readCsv, relativeError } from "../../support/cdnow";

describe("Pareto/NBD on CDNOW", () => {
  const summary = cdnowSummary();
  const fit = paretonbd.fitParetoNbd(summary);

  it("reproduces the published estimates (beta loosely: the likelihood is flat in it)", () => {
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(-9594.97393, 4);
    expect(fit.logLikelihood.toFixed(1)).toBe("-9595.0");
    expect(relativeError(fit.params.r, 0.5532755)).toBeLessThan(1e-3);
    expect(relativeError(fit.params.alpha, 10.5776121)).toBeLessThan(1e-3);
    expect(relativeError(fit.params.s, 0.6062137)).toBeLessThan(2e-3);
    expect(relativeError(fit.params.beta, 11.6679164)).toBeLessThan(0.02);
  });

  it("log-likelihood at the published full-precision MLE", () => {
    expect(
      paretonbd.logLikelihood({ r: 0.5532755, alpha: 10.5776121, s: 0.6062137, beta: 11.6679164 }, summary),
    ).toBeCloseTo(-9594.97393, 5);
  });

  it("stays stable when t_x = T or t_x ≈ T (the sum form) and at s = 1", () => {
    const params = { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 };
    const atT = paretonbd.logLikelihoodOne(params, 3, 30, 30);
    const near = paretonbd.logLikelihoodOne(params, 3, 30 - 1e-9, 30);
    expect(Number.isFinite(atT)).toBe(true);
    expect(near).toBeCloseTo(atT, 8);
    expect(paretonbd.pAlive(params, 3, 30, 30)).toBe(1);
    const s1 = paretonbd.expectedPurchases({ ...params, s: 1 }, 2, 20, 38, 39);
    const sNear = paretonbd.expectedPurchases({ ...params, s: 1 + 1e-7 }, 2, 20, 38, 39);
    expect(Number.isFinite(s1)).toBe(true);
    expect(s1).toBeCloseTo(sNear, 5);
    expect(paretonbd.pAlive(params, 1000, 10, 100)).toBe(0);
  });
});

describe("MBG/NBD on CDNOW (Batislam et al. 2007)", () => {
  const fit = mbgnbd.fitMbgNbd(cdnowSummary());
  it("reproduces the published estimates and LL", () => {
    expect(fit.converged).toBe(true);
    expect(fit.params.r.toFixed(3)).toBe("0.525");
    expect(fit.params.alpha.toFixed(3)).toBe("6.183");
    expect(fit.params.a.toFixed(3)).toBe("0.891");
    expect(fit.params.b.toFixed(3)).toBe("1.614");
    expect(fit.logLikelihood).toBeCloseTo(-9582.132685, 5);
  });
  it("one-time buyers are not certainly alive, unlike BG/NBD", () => {
    expect(mbgnbd.pAlive(fit.params, 0, 0, 38.86)).toBeLessThan(1);
    expect(mbgnbd.pAlive(fit.params, 1000, 10, 100)).toBe(0);
    expect(mbgnbd.expectedPurchasesNewCustomer(fit.params, 39)).toBeGreaterThan(0);
  });
});

describe("BG/BB on the donations data (Fader, Hardie & Shang 2010)", () => {
  const rows = readCsv("donations.csv");
  const data = {
    x: rows.map((r) => r[0]!),
    tx: rows.map((r) => r[1]!),
    n: rows.map((r) => r[2]!),
    weight: rows.map((r) => r[3]!),
  };
  const fit = bgbb.fitBgBb(data);
  it("reproduces the published estimates and LL", () => {
    expect(fit.customers).toBe(11104);
    expect(fit.converged).toBe(true);
    expect(fit.params.alpha.toFixed(3)).toBe("1.204");
    expect(fit.params.beta.toFixed(3)).toBe("0.750");
    expect(fit.params.gamma.toFixed(3)).toBe("0.657");
    expect(fit.params.delta.toFixed(3)).toBe("2.783");
    expect(fit.logLikelihood).toBeCloseTo(-33225.581274, 4);
  });
  it("P(alive in the next period) check values", () => {
    expect(bgbb.pAlive(fit.params, 0, 0, 6)).toBeCloseTo(0.1081333, 5);
    expect(bgbb.pAlive(fit.params, 2, 4, 6)).toBeCloseTo(0.5896572, 5);
    expect(bgbb.pAlive(fit.params, 6, 6, 6)).toBeCloseTo(0.9304336, 5);
  });
});
