/**
 * Pareto/NBD: Schmittlein, Morrison & Colombo (1987); likelihood as derived in Fader, Hardie & Lee (2005),
 * "A note on deriving the Pareto/NBD model and related expressions" (eqs. 18-22 there).
 * While alive a customer buys at rate λ ~ Gamma(r, α); lifetimes are exponential with μ ~ Gamma(s, β).
 *
 * The likelihood's A0 term is a difference of two 2F1 values, which cancels catastrophically when t_x ≈ T.
 * Expanding both 2F1s as series and subtracting term by term gives a sum of positive terms
 *   A0 = Σ_k c/(c+k) (b')_k/k! d^k (m+t_x)^-(c+k) [1 - ((m+t_x)/(m+T))^(c+k)]
 * with c = r+s+x, m = max(α,β), d = |α-β|, b' = s+1 if α >= β else r+x, each bracket computed with log1mexp.
 */
import { logAddExp, logGamma, logistic } from "../math/special";
import { hessianFromGradient, minimizeBfgs, standardErrorsFromLogHessian, withNumericGradient } from "../math/optimize";
import { fitOutcome, type FitReport } from "./fitreport";
import type { CountModel } from "./countmodel";
import { groupRepeatSummary, type GroupedRepeatData, type RepeatSummary } from "./grouping";

export type ParetoNbdParams = {
  r: number;
  alpha: number;
  s: number;
  beta: number;
};

/**
 * ln A0 (see the module comment); -Infinity when t_x = T (no room to have died unseen).
 * Summed as term_0 × Σ_k term_k / term_0 with running products, so each further term costs a few
 * multiplications; the bracket 1 - ρ^(c+k), ρ = (m+t_x)/(m+T), uses expm1 while (c+k)·ln(1/ρ) < 1, where
 * 1 - ρ^(c+k) would cancel.
 */
function logA0(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  if (!(T > tx)) return -Infinity;
  const c = r + s + x;
  const m = Math.max(alpha, beta);
  const z = Math.abs(alpha - beta) / (m + tx); // in [0, 1)
  const bPrime = alpha >= beta ? s + 1 : r + x;
  const u = Math.log1p((T - tx) / (m + tx)); // ln(1/ρ) > 0
  const rho = Math.exp(-u);
  const bracket0 = -Math.expm1(-c * u);
  let powerRho = Math.exp(-c * u); // ρ^(c+k)
  let coefficient = 1; // c/(c+k) · (b')_k / k! · z^k, relative to k = 0
  let sum = 1;
  for (let k = 1; k < 1_000_000 && z > 0; k++) {
    coefficient *= (((bPrime + k - 1) / k) * z * (c + k - 1)) / (c + k);
    powerRho *= rho;
    const bracket = (c + k) * u < 1 ? -Math.expm1(-(c + k) * u) : 1 - powerRho;
    const ratio = (coefficient * bracket) / bracket0;
    sum += ratio;
    if (ratio < 1e-17 * sum) break;
  }
  return -c * Math.log(m + tx) + Math.log(bracket0) + Math.log(sum);
}

/** ln L(r, α, s, β | x, t_x, T) for one customer. */
export function logLikelihoodOne(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const head = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s) - Math.log(r + s + x) + logA0(params, x, tx, T);
  return head + logAddExp(alive, died);
}

export function logLikelihood(params: ParetoNbdParams, summary: RepeatSummary): number {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) {
    total +=
      (summary.weight ? summary.weight[i]! : 1) *
      logLikelihoodOne(params, summary.x[i]!, summary.tx[i]!, summary.T[i]!);
  }
  return total;
}

export interface ParetoNbdFitOptions {
  start?: ParetoNbdParams;
  gradientTolerance?: number;
  maxIterations?: number;
}

/**
 * Maximum-likelihood fit. The gradient is by central differences (the analytic one needs derivatives of A0
 * with respect to all four parameters and this model is only an alternative checked by holdout).
 */
export function fitParetoNbd(
  summary: RepeatSummary | GroupedRepeatData,
  options: ParetoNbdFitOptions = {},
): FitReport<ParetoNbdParams> {
  const data = "groups" in summary ? summary : groupRepeatSummary(summary);
  const total = data.totalWeight;
  if (total <= 0) throw new RangeError("no customers to fit");
  let meanT = 0;
  for (let i = 0; i < data.groups; i++) meanT += data.weight[i]! * data.T[i]!;
  meanT = Math.max(meanT / total, 1e-3);
  const start = options.start ?? { r: 1, alpha: meanT, s: 1, beta: meanT };
  const meanNegLogLik = (u: Float64Array) => {
    const params = { r: Math.exp(u[0]!), alpha: Math.exp(u[1]!), s: Math.exp(u[2]!), beta: Math.exp(u[3]!) };
    let ll = 0;
    for (let i = 0; i < data.groups; i++)
      ll += data.weight[i]! * logLikelihoodOne(params, data.x[i]!, data.tx[i]!, data.T[i]!);
    return -ll / total;
  };
  const objective = withNumericGradient(meanNegLogLik, 1e-6);
  const result = minimizeBfgs(objective, [start.r, start.alpha, start.s, start.beta].map(Math.log), {
    gradientTolerance: options.gradientTolerance ?? 1e-7,
    maxIterations: options.maxIterations ?? 500,
  });
  const [r, alpha, s, beta] = Array.from(result.x, Math.exp) as [number, number, number, number];
  const finite = Number.isFinite(result.value) && [r, alpha, s, beta].every((v) => Number.isFinite(v) && v > 0);
  const hessian = hessianFromGradient(objective, result.x, 1e-4);
  for (let i = 0; i < hessian.length; i++) hessian[i] = hessian[i]! * total;
  const [seR, seAlpha, seS, seBeta] = finite
    ? standardErrorsFromLogHessian(hessian, result.x)
    : [null, null, null, null];
  return {
    params: { r, alpha, s, beta },
    logLikelihood: finite ? -result.value * total : -Number.MAX_VALUE,
    ...fitOutcome(result.converged, result.message, finite, [seR, seAlpha, seS, seBeta]),
    iterations: result.iterations,
    standardErrors: { r: seR ?? null, alpha: seAlpha ?? null, s: seS ?? null, beta: seBeta ?? null },
    customers: total,
    groups: data.groups,
  };
}

/** P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0), via log-odds. */
export function pAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const logOdds =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(params, x, tx, T);
  return logOdds === -Infinity ? 1 : logistic(-logOdds);
}

/** (1 - e^{-u·L}) / u, with its limit L at u = 0 (the s = 1 removable singularity). */
function oneMinusPowerOverExponent(u: number, logBase: number): number {
  if (Math.abs(u) < 1e-10) return logBase;
  return -Math.expm1(-u * logBase) / u;
}

/** E[purchases in (T, T+t] | alive] = (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)]. */
export function expectedIfAlive(params: ParetoNbdParams, x: number, T: number, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, s, beta } = params;
  const value = (((r + x) * (beta + T)) / (alpha + T)) * oneMinusPowerOverExponent(s - 1, Math.log1p(t / (beta + T)));
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** E[Y(t) | x, t_x, T] (Schmittlein et al. 1987; FHL note eq. 24). */
export function expectedPurchases(params: ParetoNbdParams, x: number, tx: number, T: number, t: number): number {
  return pAlive(params, x, tx, T) * expectedIfAlive(params, x, T, t);
}

/** E[X(t)] for a new customer: rβ/(α(s-1)) [1 - (β/(β+t))^(s-1)]. */
export function expectedPurchasesNewCustomer(params: ParetoNbdParams, t: number): number {
  return expectedIfAlive(params, 0, 0, t);
}

export function asCountModel(params: ParetoNbdParams): CountModel {
  return {
    name: "paretonbd",
    params: { ...params },
    pAlive: (x, tx, T) => pAlive(params, x, tx, T),
    expectedIfAlive: (x, T, t) => expectedIfAlive(params, x, T, t),
    // Ignores dying before the next purchase: the posterior λ is Gamma(r+x, α+T) as for BG/NBD.
    medianTimeToNextPurchase: (x, T) => {
      const value = (params.alpha + T) * Math.expm1(Math.LN2 / (params.r + x));
      return Number.isFinite(value) ? value : Number.MAX_VALUE;
    },
  };
}
