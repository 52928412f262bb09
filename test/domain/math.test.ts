import { describe, expect, it } from "vitest";
import { hyp2f1 } from "../../app/domain/math/hypergeometric";
import {
  hessianFromGradient,
  invertPositiveDefinite,
  minimizeBfgs,
  standardErrorsFromLogHessian,
} from "../../app/domain/math/optimize";
import { SeededRandom } from "../../app/domain/math/random";
import { midrankFractions } from "../../app/domain/math/ranks";
import { digamma, log1mexp, logAddExp, logGamma, logistic, logSumExp, softplus } from "../../app/domain/math/special";

describe("special functions", () => {
  it("ln Γ matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(1 / 3)).toBeCloseTo(Math.log(2.678938534707747), 13); // Γ(1/3)
    expect(logGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 13); // Γ(1/4)
    expect(logGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - 0.5772156649e-8, 8);
    expect(logGamma(1e6)).toBeCloseTo(12815504.56914761, 4);
    let product = 0;
    for (let k = 1; k < 170; k++) product += Math.log(k);
    expect(logGamma(170)).toBeCloseTo(product, 9);
  });

  it("ψ matches known values and the derivative of ln Γ", () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.LN2, 13);
    for (const x of [0.1, 0.7, 3.3, 25, 400]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
  });

  it("log-space helpers are exact at the extremes", () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSumExp([1000, 999, -Infinity])).toBeCloseTo(1000 + Math.log1p(Math.exp(-1)), 12);
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBeCloseTo(0, 300);
    expect(logistic(-800)).toBe(0);
    expect(logistic(800)).toBe(1);
    expect(log1mexp(1e-20)).toBeCloseTo(Math.log(1e-20), 10);
    expect(log1mexp(50)).toBeCloseTo(-Math.exp(-50), 30);
  });

  it("2F1 series matches closed forms", () => {
    // 2F1(1,1;2;z) = -ln(1-z)/z; 2F1(a,b;b;z) = (1-z)^-a
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10);
      expect(hyp2f1(0.3, 2.5, 2.5, z)).toBeCloseTo(Math.pow(1 - z, -0.3), 10);
    }
    // Terminating series: 1 + (-2)(1.5)/3·z + (-2)(-1)(1.5)(2.5)/(3·4·2!)·z²
    expect(hyp2f1(-2, 1.5, 3, 0.4)).toBeCloseTo(1 - 0.4 + (7.5 / 24) * 0.16, 14);
  });
});

describe("BFGS", () => {
  it("minimises the Rosenbrock function", () => {
    const result = minimizeBfgs(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      [-1.2, 1],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it("reports failure instead of NaN when the objective is undefined at the start", () => {
    const result = minimizeBfgs(() => NaN, [0, 0]);
    expect(result.converged).toBe(false);
  });

  it("standard errors: the Hessian of a Gaussian log-likelihood gives σ/√n", () => {
    // Negative log-likelihood of n draws from N(μ, 1) in u = ln μ: minimum at μ = mean, se(μ) = 1/√n.
    const random = new SeededRandom(9);
    const data = Array.from({ length: 400 }, () => 5 + random.normal());
    const mean = data.reduce((s, v) => s + v, 0) / data.length;
    const objective = (u: Float64Array, g: Float64Array) => {
      const mu = Math.exp(u[0]!);
      let f = 0;
      let d = 0;
      for (const v of data) {
        f += 0.5 * (v - mu) ** 2;
        d -= (v - mu) * mu;
      }
      g[0] = d;
      return f;
    };
    const at = Float64Array.of(Math.log(mean));
    const se = standardErrorsFromLogHessian(hessianFromGradient(objective, at), at);
    expect(se[0]).toBeCloseTo(1 / Math.sqrt(400), 4);
    expect(invertPositiveDefinite(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
  });
});

describe("seeded random numbers", () => {
  it("are deterministic and have the right moments", () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    for (let i = 0; i < 10; i++) expect(a.uniform()).toBe(b.uniform());
    const random = new SeededRandom(2);
    let sum = 0;
    let sumBeta = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      sum += random.gamma(0.5, 2);
      sumBeta += random.beta(2, 6);
    }
    expect(sum / n).toBeCloseTo(0.25, 2);
    expect(sumBeta / n).toBeCloseTo(0.25, 2);
  });

  it("mid-rank fractions give ties one rank", () => {
    expect(Array.from(midrankFractions([3, 1, 3, 2]))).toEqual([0.75, 0.125, 0.75, 0.375]);
    expect(Array.from(midrankFractions([7, 7]))).toEqual([0.5, 0.5]);
  });

  it("mid-rank fractions are (count below + half the count equal) / n, for skewed values with and without ties", () => {
    const random = new SeededRandom(5);
    const columns = [
      Array.from({ length: 2000 }, () => Math.exp(random.uniform() * 30)), // many distinct, heavily skewed
      Array.from({ length: 2000 }, () => Math.floor(random.uniform() * 7)), // few levels
      Array.from({ length: 2000 }, () => (random.uniform() < 0.3 ? 0 : Math.round(random.uniform() * 1e6) / 100)),
      [-Infinity, -1e-300, 0, 1e300, Infinity, 0],
    ];
    for (const values of columns) {
      const expected = values.map(
        (v) => (values.filter((w) => w < v).length + 0.5 * values.filter((w) => w === v).length) / values.length,
      );
      expect(Array.from(midrankFractions(values))).toEqual(expected);
    }
  });
});
