/**
 * BG/BB: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual setting",
 * Marketing Science 29(6). For discrete transaction opportunities (e.g. yearly donations, weekly issues):
 * while alive a customer transacts at each opportunity with probability p ~ Beta(α, β) and dies before each
 * opportunity with probability θ ~ Beta(γ, δ). Data per customer: x transactions in n opportunities, the last at t_x.
 */
import { logAddExp, logBeta } from "../math/special";
import { hessianFromGradient, minimizeBfgs, standardErrorsFromLogHessian, withNumericGradient } from "../math/optimize";
import { fitOutcome, type FitReport } from "./fitreport";

export type BgBbParams = {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
};

export interface BgBbSummary {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  n: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

/**
 * ln L (FHS 2010 eq. 5): B(α+x, β+n-x)/B(α,β) B(γ, δ+n)/B(γ,δ)
 *   + Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) B(γ+1, δ+t_x+i)/B(γ,δ).
 */
export function logLikelihoodOne(params: BgBbParams, x: number, tx: number, n: number): number {
  const { alpha, beta, gamma, delta } = params;
  const logBab = logBeta(alpha, beta);
  const logBgd = logBeta(gamma, delta);
  let value = logBeta(alpha + x, beta + n - x) - logBab + logBeta(gamma, delta + n) - logBgd;
  for (let i = 0; i <= n - tx - 1; i++) {
    value = logAddExp(
      value,
      logBeta(alpha + x, beta + tx - x + i) - logBab + logBeta(gamma + 1, delta + tx + i) - logBgd,
    );
  }
  return value;
}

export function logLikelihood(params: BgBbParams, summary: BgBbSummary): number {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) {
    total +=
      (summary.weight ? summary.weight[i]! : 1) *
      logLikelihoodOne(params, summary.x[i]!, summary.tx[i]!, summary.n[i]!);
  }
  return total;
}

export function fitBgBb(summary: BgBbSummary): FitReport<BgBbParams> {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) total += summary.weight ? summary.weight[i]! : 1;
  if (total <= 0) throw new RangeError("no customers to fit");
  const toParams = (u: Float64Array): BgBbParams => ({
    alpha: Math.exp(u[0]!),
    beta: Math.exp(u[1]!),
    gamma: Math.exp(u[2]!),
    delta: Math.exp(u[3]!),
  });
  const objective = withNumericGradient((u) => -logLikelihood(toParams(u), summary) / total, 1e-6);
  const result = minimizeBfgs(objective, [0, 0, 0, 0], { gradientTolerance: 1e-8 });
  const params = toParams(result.x);
  const finite = Number.isFinite(result.value) && Object.values(params).every((v) => Number.isFinite(v) && v > 0);
  const hessian = hessianFromGradient(objective, result.x, 1e-4);
  for (let i = 0; i < hessian.length; i++) hessian[i] = hessian[i]! * total;
  const [a, b, g, d] = finite ? standardErrorsFromLogHessian(hessian, result.x) : [null, null, null, null];
  return {
    params,
    logLikelihood: finite ? -result.value * total : -Number.MAX_VALUE,
    ...fitOutcome(result.converged, result.message, finite, [a, b, g, d]),
    iterations: result.iterations,
    standardErrors: { alpha: a ?? null, beta: b ?? null, gamma: g ?? null, delta: d ?? null },
    customers: total,
    groups: summary.x.length,
  };
}

/**
 * P(alive at opportunity n+m | x, t_x, n) (FHS 2010 eq. 11 for m = 1):
 * B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L.
 */
export function pAlive(params: BgBbParams, x: number, tx: number, n: number, periodsAhead = 1): number {
  const { alpha, beta, gamma, delta } = params;
  const logNumerator =
    logBeta(alpha + x, beta + n - x) -
    logBeta(alpha, beta) +
    logBeta(gamma, delta + n + periodsAhead) -
    logBeta(gamma, delta);
  const value = Math.exp(logNumerator - logLikelihoodOne(params, x, tx, n));
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
