import { describe, expect, it } from "vitest";
import {
  expectedAverageSpend,
  fitGammaGamma,
  logLikelihood,
  populationAverageSpend,
} from "../../../app/domain/clv/gammagamma";
import { cdnowSpend, relativeError } from "../../support/cdnow";

describe("Gamma-Gamma spend model on CDNOW (Fader, Hardie & Lee 2005; note 025)", () => {
  const data = cdnowSpend();
  const fit = fitGammaGamma({ x: data.x, zbar: data.zbar });

  it("fits the 946 repeat customers and reproduces the published parameters", () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(relativeError(fit.params.p, 6.2488027)).toBeLessThan(1e-5);
    expect(relativeError(fit.params.q, 3.7445884)).toBeLessThan(1e-5);
    expect(relativeError(fit.params.gamma, 15.4477472)).toBeLessThan(1e-5);
    expect(fit.params.p.toFixed(2)).toBe("6.25");
    expect(fit.params.q.toFixed(2)).toBe("3.74");
    expect(fit.params.gamma.toFixed(2)).toBe("15.45"); // published 15.44 (rounded from 15.4477)
    expect(fit.logLikelihood).toBeCloseTo(-4055.923244, 5);
    expect(logLikelihood(fit.params, { x: data.x, zbar: data.zbar })).toBeCloseTo(-4055.923244, 5);
    for (const se of Object.values(fit.standardErrors)) expect(se).toBeGreaterThan(0);
  });

  it("E[M | x, zbar] for the first ten customers", () => {
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const expected = [24.6637, 18.9169, 35.219, 35.219, 35.219, 71.4697, 18.9169, 35.219, 27.2884, 35.219];
    expected.forEach((value, i) =>
      expect(expectedAverageSpend(params, data.x[i]!, data.zbar[i]!)).toBeCloseTo(value, 4),
    );
  });

  it("never returns Infinity: q <= 1 has no population mean and uses the fallback", () => {
    expect(populationAverageSpend({ p: 2, q: 0.8, gamma: 10 })).toBeNull();
    expect(expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0, 42)).toBe(42);
    expect(Number.isFinite(expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 3, 20, 42))).toBe(true);
  });
});
