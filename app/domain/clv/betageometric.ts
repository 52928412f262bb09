/**
 * Shared core of the beta-geometric count models: BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD
 * (Batislam, Denizel & Filiztekin 2007). They differ only in whether a customer may also drop out right
 * at the first purchase; `shift` is 0 for BG/NBD and 1 for MBG/NBD and moves x by one in the beta terms:
 *   BG/NBD:  L = B(a,b+x)/B(a,b) ... (α+T)^-(r+x) + [x>0] a/(b+x-1) (α+t_x)^-(r+x)   (FHL 2005 eq. 6)
 *   MBG/NBD: L = B(a,b+x+1)/B(a,b) ... (α+T)^-(r+x) +        a/(b+x)   (α+t_x)^-(r+x)
 * Time is in whatever unit x, t_x and T are given in; α carries that unit.
 */
import { digamma, logGamma, logistic, softplus } from "../math/special";
import { hyp2f1 } from "../math/hypergeometric";
import {
  hessianFromGradient,
  minimizeBfgs,
  standardErrorsFromLogHessian,
  type ObjectiveWithGradient,
} from "../math/optimize";
import { fitOutcome, type FitReport } from "./fitreport";
import { groupRepeatSummary, type GroupedRepeatData, type RepeatSummary } from "./grouping";

export type { FitReport } from "./fitreport";

export type BetaGeometricParams = {
  r: number;
  alpha: number;
  a: number;
  b: number;
};

export type DropoutShift = 0 | 1;

/** Whether the second (dropped-out) likelihood term exists for this x. */
function hasDropoutTerm(x: number, shift: DropoutShift): boolean {
  return x > 0 || shift === 1;
}

/** Per-customer log-likelihood, written stably (README formula, log-sum-exp of the two terms). */
export function betaGeometricLogLikelihoodOne(
  params: BetaGeometricParams,
  shift: DropoutShift,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = params;
  const head =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x + shift) -
    logGamma(b) -
    logGamma(a + b + x + shift);
  const alive = -(r + x) * Math.log(alpha + T);
  if (!hasDropoutTerm(x, shift)) return head + alive;
  // max(x,1) keeps ln(b+x-1) defined for BG/NBD when x = 0 and b < 1 (the term is unused there anyway).
  const dropped = Math.log(a) - Math.log(b + Math.max(x + shift, 1) - 1) - (r + x) * Math.log(alpha + tx);
  return head + alive + softplus(dropped - alive);
}

/**
 * Mean negative log-likelihood over the grouped data and its analytic gradient with respect to
 * u = (ln r, ln α, ln a, ln b). Terms that depend on x alone, on T alone or on t_x alone are computed once per
 * distinct value; each group then costs one exp and one log1p.
 */
export function betaGeometricObjective(data: GroupedRepeatData, shift: DropoutShift): ObjectiveWithGradient {
  const nx = data.xValues.length;
  const headByX = new Float64Array(nx);
  const dHeadR = new Float64Array(nx);
  const dHeadA = new Float64Array(nx);
  const dHeadB = new Float64Array(nx);
  const logDropByX = new Float64Array(nx);
  const invDropDenByX = new Float64Array(nx);
  const hasDropByX = new Uint8Array(nx);
  const dropWeightByX = new Float64Array(nx);
  const logAlphaT = new Float64Array(data.TValues.length);
  const invAlphaT = new Float64Array(data.TValues.length);
  const logAlphaTx = new Float64Array(data.txValues.length);
  const invAlphaTx = new Float64Array(data.txValues.length);
  for (let k = 0; k < nx; k++) hasDropByX[k] = hasDropoutTerm(data.xValues[k]!, shift) ? 1 : 0;

  return (u, gradient) => {
    const r = Math.exp(u[0]!);
    const alpha = Math.exp(u[1]!);
    const a = Math.exp(u[2]!);
    const b = Math.exp(u[3]!);
    if (![r, alpha, a, b].every((v) => v > 0 && Number.isFinite(v))) return NaN;
    const lgR = logGamma(r);
    const lgB = logGamma(b);
    const lgAB = logGamma(a + b);
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    const logA = Math.log(a);
    for (let k = 0; k < nx; k++) {
      const x = data.xValues[k]!;
      headByX[k] = logGamma(r + x) - lgR + lgAB + logGamma(b + x + shift) - lgB - logGamma(a + b + x + shift);
      dHeadR[k] = digamma(r + x) - psiR;
      const psiABX = digamma(a + b + x + shift);
      dHeadA[k] = psiAB - psiABX;
      dHeadB[k] = psiAB + digamma(b + x + shift) - psiB - psiABX;
      const dropDen = b + Math.max(x + shift, 1) - 1;
      logDropByX[k] = logA - Math.log(dropDen);
      invDropDenByX[k] = 1 / dropDen;
      dropWeightByX[k] = 0;
    }
    for (let j = 0; j < logAlphaT.length; j++) {
      logAlphaT[j] = Math.log(alpha + data.TValues[j]!);
      invAlphaT[j] = 1 / (alpha + data.TValues[j]!);
    }
    for (let j = 0; j < logAlphaTx.length; j++) {
      logAlphaTx[j] = Math.log(alpha + data.txValues[j]!);
      invAlphaTx[j] = 1 / (alpha + data.txValues[j]!);
    }
    let ll = 0;
    let gR = 0;
    let gAlpha = 0;
    const { x: xs, weight, xLevel, TLevel, txLevel, groups } = data;
    for (let i = 0; i < groups; i++) {
      const w = weight[i]!;
      const rx = r + xs[i]!;
      const k = xLevel[i]!;
      const jT = TLevel[i]!;
      const lT = logAlphaT[jT]!;
      const alive = -rx * lT;
      if (hasDropByX[k] === 0) {
        ll += w * alive;
        gR -= w * lT;
        gAlpha -= w * rx * invAlphaT[jT]!;
        continue;
      }
      const jx = txLevel[i]!;
      const lTx = logAlphaTx[jx]!;
      const d = logDropByX[k]! - rx * (lTx - lT); // ln(dropped / alive)
      const e = Math.exp(-Math.abs(d));
      const share = d >= 0 ? 1 / (1 + e) : e / (1 + e); // weight of the dropped term
      ll += w * (alive + Math.max(d, 0) + Math.log1p(e));
      gR -= w * (lT + share * (lTx - lT));
      gAlpha -= w * rx * (invAlphaT[jT]! + share * (invAlphaTx[jx]! - invAlphaT[jT]!));
      dropWeightByX[k] = dropWeightByX[k]! + w * share;
    }
    const total = data.totalWeight;
    const logAlpha = Math.log(alpha);
    ll += total * r * logAlpha;
    gR += total * logAlpha;
    gAlpha += (total * r) / alpha;
    let gA = 0;
    let gB = 0;
    for (let k = 0; k < nx; k++) {
      const wk = data.xWeight[k]!;
      ll += wk * headByX[k]!;
      gR += wk * dHeadR[k]!;
      gA += wk * dHeadA[k]! + dropWeightByX[k]! / a;
      gB += wk * dHeadB[k]! - dropWeightByX[k]! * invDropDenByX[k]!;
    }
    // Chain rule to log-parameters; minimise the mean negative log-likelihood.
    gradient[0] = (-gR * r) / total;
    gradient[1] = (-gAlpha * alpha) / total;
    gradient[2] = (-gA * a) / total;
    gradient[3] = (-gB * b) / total;
    return -ll / total;
  };
}

export interface CountFitOptions {
  /** Starting values; defaults to r = 1, α = mean T, a = 1, b = 1. */
  start?: BetaGeometricParams;
  gradientTolerance?: number;
  maxIterations?: number;
}

export function assertValidRepeatSummary(summary: RepeatSummary): void {
  const n = summary.x.length;
  if (summary.tx.length !== n || summary.T.length !== n) throw new RangeError("x, tx and T must have the same length");
  for (let i = 0; i < n; i++) {
    const x = summary.x[i]!;
    const tx = summary.tx[i]!;
    const T = summary.T[i]!;
    if (!(Number.isInteger(x) && x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T))) {
      throw new RangeError(`invalid summary row ${i}: x=${x}, tx=${tx}, T=${T} (need integer x >= 0, 0 <= tx <= T)`);
    }
    if (x === 0 && tx !== 0) throw new RangeError(`invalid summary row ${i}: x=0 needs tx=0`);
  }
}

export function fitBetaGeometric(
  summary: RepeatSummary | GroupedRepeatData,
  shift: DropoutShift,
  options: CountFitOptions = {},
): FitReport<BetaGeometricParams> {
  let data: GroupedRepeatData;
  if ("groups" in summary) {
    data = summary;
  } else {
    assertValidRepeatSummary(summary);
    data = groupRepeatSummary(summary);
  }
  if (data.totalWeight <= 0) throw new RangeError("no customers to fit");
  let meanT = 0;
  for (let i = 0; i < data.groups; i++) meanT += data.weight[i]! * data.T[i]!;
  meanT = Math.max(meanT / data.totalWeight, 1e-3);
  const start = options.start ?? { r: 1, alpha: meanT, a: 1, b: 1 };
  const objective = betaGeometricObjective(data, shift);
  const result = minimizeBfgs(objective, [start.r, start.alpha, start.a, start.b].map(Math.log), {
    gradientTolerance: options.gradientTolerance ?? 1e-9,
    maxIterations: options.maxIterations ?? 500,
  });
  const [r, alpha, a, b] = Array.from(result.x, Math.exp) as [number, number, number, number];
  const params = { r, alpha, a, b };
  const finite = Number.isFinite(result.value) && [r, alpha, a, b].every((v) => Number.isFinite(v) && v > 0);
  // Hessian of the total (not mean) negative log-likelihood for standard errors.
  const hessian = hessianFromGradient(objective, result.x);
  for (let i = 0; i < hessian.length; i++) hessian[i] = hessian[i]! * data.totalWeight;
  const [seR, seAlpha, seA, seB] = finite ? standardErrorsFromLogHessian(hessian, result.x) : [null, null, null, null];
  return {
    params,
    logLikelihood: finite ? -result.value * data.totalWeight : -Number.MAX_VALUE,
    ...fitOutcome(result.converged, result.message, finite, [seR, seAlpha, seA, seB]),
    iterations: result.iterations,
    standardErrors: { r: seR ?? null, alpha: seAlpha ?? null, a: seA ?? null, b: seB ?? null },
    customers: data.totalWeight,
    groups: data.groups,
  };
}

/**
 * ln of the odds "dropped out : alive" given (x, t_x, T). P(alive) = 1 / (1 + e^this). -Infinity when the
 * dropped-out explanation is impossible (BG/NBD with x = 0).
 */
export function betaGeometricLogOddsDead(
  params: BetaGeometricParams,
  shift: DropoutShift,
  x: number,
  tx: number,
  T: number,
): number {
  if (!hasDropoutTerm(x, shift)) return -Infinity;
  const { r, alpha, a, b } = params;
  return Math.log(a) - Math.log(b + x + shift - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive | x, t_x, T) via log-odds so that x = 1000 gives 0, not Infinity/Infinity (FHL 2005 eq. 11 style). */
export function betaGeometricPAlive(
  params: BetaGeometricParams,
  shift: DropoutShift,
  x: number,
  tx: number,
  T: number,
): number {
  const logOdds = betaGeometricLogOddsDead(params, shift, x, tx, T);
  return logOdds === -Infinity ? 1 : logistic(-logOdds);
}

/** Half-width around a = 1 inside which the removable singularity is bridged by interpolation. */
const NEAR_ONE = 1e-4;

/**
 * Expected purchases in (T, T+t] for a customer who is alive at T with x repeat purchases:
 *   C/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+shift; C; z)],  C = a+b+x+shift-1, z = t/(α+T+t)
 * (FHL 2005 eq. 10 without the P(alive) factor). The Euler transform turns the 2F1 into
 * (1-z)^(C-r-x-b-x-shift) 2F1(C-r-x, a-1; C; z), whose parameters stay small for any x, and the power of
 * (1-z) cancels against the prefactor, leaving 1 - (1-z)^(a-1) 2F1(a+b+shift-1-r, a-1; C; z).
 * At a = 1 the expression is 0/0 (removable); it is interpolated from a = 1 ± 1e-4.
 */
export function betaGeometricExpectedIfAlive(
  params: BetaGeometricParams,
  shift: DropoutShift,
  x: number,
  T: number,
  t: number,
): number {
  if (!(t > 0)) return 0;
  const { a } = params;
  if (Math.abs(a - 1) < NEAR_ONE) {
    const below = expectedIfAliveRaw({ ...params, a: 1 - NEAR_ONE }, shift, x, T, t);
    const above = expectedIfAliveRaw({ ...params, a: 1 + NEAR_ONE }, shift, x, T, t);
    const weight = (a - (1 - NEAR_ONE)) / (2 * NEAR_ONE);
    return below + weight * (above - below);
  }
  return expectedIfAliveRaw(params, shift, x, T, t);
}

function expectedIfAliveRaw(params: BetaGeometricParams, shift: DropoutShift, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = params;
  const c = a + b + x + shift - 1;
  const z = t / (alpha + T + t);
  const logOneMinusZ = Math.log1p(-z);
  const f = hyp2f1(a + b + shift - 1 - r, a - 1, c, z);
  const bracket = -Math.expm1((a - 1) * logOneMinusZ + Math.log(f));
  const value = (c / (a - 1)) * bracket;
  return Number.isFinite(value) && value > 0 ? value : 0;
}
