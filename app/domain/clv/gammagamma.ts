/**
 * Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: Using iso-value curves
 * for customer base analysis", JMR 42(4), and Fader & Hardie, "The Gamma-Gamma model of monetary value" (note 025).
 * Each transaction's spend z ~ Gamma(p, ν), and ν ~ Gamma(q, γ) across customers; the customer's mean
 * spend over x transactions, zbar, is what is observed. Only customers with x > 0 and zbar > 0 enter the fit.
 */
import { digamma, logGamma } from "../math/special";
import {
  hessianFromGradient,
  minimizeBfgs,
  standardErrorsFromLogHessian,
  type ObjectiveWithGradient,
} from "../math/optimize";
import { groupIdenticalRows } from "./grouping";
import { fitOutcome, type FitReport } from "./fitreport";

export type GammaGammaParams = {
  p: number;
  q: number;
  gamma: number;
};

export type GammaGammaFit = FitReport<GammaGammaParams>;

/** Repeat-spend data: x transactions behind each mean, zbar the mean spend. Rows with x <= 0 or zbar <= 0 are skipped. */
export interface SpendSummary {
  x: ArrayLike<number>;
  zbar: ArrayLike<number>;
}

/** ln f(zbar | p, q, γ, x) for one customer (note 025, eq. 4). */
export function logLikelihoodOne(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(zbar) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + x * zbar)
  );
}

export function logLikelihood(params: GammaGammaParams, summary: SpendSummary): number {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) {
    const x = summary.x[i]!;
    const zbar = summary.zbar[i]!;
    if (x > 0 && zbar > 0) total += logLikelihoodOne(params, x, zbar);
  }
  return total;
}

interface GroupedSpend {
  rows: number;
  x: Float64Array;
  zbar: Float64Array;
  weight: Float64Array;
  xLevel: Int32Array;
  xValues: Float64Array;
  xWeight: Float64Array;
  /** Σ w·ln zbar per distinct x. */
  logZbarByX: Float64Array;
  totalWeight: number;
}

function groupSpend(summary: SpendSummary): GroupedSpend {
  const n = summary.x.length;
  let kept = 0;
  for (let i = 0; i < n; i++)
    if (summary.x[i]! > 0 && summary.zbar[i]! > 0 && Number.isFinite(summary.zbar[i]!)) kept++;
  const x = new Float64Array(kept);
  const zbar = new Float64Array(kept);
  for (let i = 0, j = 0; i < n; i++) {
    const xi = summary.x[i]!;
    const zi = summary.zbar[i]!;
    if (xi > 0 && zi > 0 && Number.isFinite(zi)) {
      x[j] = xi;
      zbar[j++] = zi;
    }
  }
  const grouped = groupIdenticalRows([x, zbar], kept);
  const [gx, gz] = grouped.keys as [Float64Array, Float64Array];
  const levels = groupIdenticalRows([gx], grouped.count, grouped.weight);
  const logZbarByX = new Float64Array(levels.count);
  let totalWeight = 0;
  for (let i = 0; i < grouped.count; i++) {
    const k = levels.groupOf[i]!;
    logZbarByX[k] = logZbarByX[k]! + grouped.weight[i]! * Math.log(gz[i]!);
    totalWeight += grouped.weight[i]!;
  }
  return {
    rows: grouped.count,
    x: gx,
    zbar: gz,
    weight: grouped.weight,
    xLevel: levels.groupOf,
    xValues: levels.keys[0]!,
    xWeight: levels.weight,
    logZbarByX,
    totalWeight,
  };
}

/** Mean negative log-likelihood and analytic gradient in (ln p, ln q, ln γ). */
function objective(data: GroupedSpend): ObjectiveWithGradient {
  const nx = data.xValues.length;
  const sumLogByX = new Float64Array(nx);
  const sumInvByX = new Float64Array(nx);
  return (u, gradient) => {
    const p = Math.exp(u[0]!);
    const q = Math.exp(u[1]!);
    const gamma = Math.exp(u[2]!);
    if (![p, q, gamma].every((v) => v > 0 && Number.isFinite(v))) return NaN;
    sumLogByX.fill(0);
    sumInvByX.fill(0);
    for (let i = 0; i < data.rows; i++) {
      const k = data.xLevel[i]!;
      const w = data.weight[i]!;
      const s = gamma + data.x[i]! * data.zbar[i]!;
      sumLogByX[k] = sumLogByX[k]! + w * Math.log(s);
      sumInvByX[k] = sumInvByX[k]! + w / s;
    }
    const lgQ = logGamma(q);
    const psiQ = digamma(q);
    const logGammaParam = Math.log(gamma);
    let ll = 0;
    let gP = 0;
    let gQ = 0;
    let gG = 0;
    for (let k = 0; k < nx; k++) {
      const x = data.xValues[k]!;
      const w = data.xWeight[k]!;
      const px = p * x;
      const logX = Math.log(x);
      ll +=
        w * (logGamma(px + q) - logGamma(px) - lgQ + q * logGammaParam + px * logX) +
        (px - 1) * data.logZbarByX[k]! -
        (px + q) * sumLogByX[k]!;
      const psiPxQ = digamma(px + q);
      gP += w * x * (psiPxQ - digamma(px) + logX) + x * data.logZbarByX[k]! - x * sumLogByX[k]!;
      gQ += w * (psiPxQ - psiQ + logGammaParam) - sumLogByX[k]!;
      gG += (w * q) / gamma - (px + q) * sumInvByX[k]!;
    }
    const total = data.totalWeight;
    gradient[0] = (-gP * p) / total;
    gradient[1] = (-gQ * q) / total;
    gradient[2] = (-gG * gamma) / total;
    return -ll / total;
  };
}

export interface GammaGammaFitOptions {
  start?: GammaGammaParams;
  gradientTolerance?: number;
  maxIterations?: number;
}

export function fitGammaGamma(summary: SpendSummary, options: GammaGammaFitOptions = {}): GammaGammaFit {
  const data = groupSpend(summary);
  if (data.totalWeight === 0) throw new RangeError("no customers with repeat purchases and positive spend");
  // Method-of-moments flavoured start: p = 1, q = 2 and γ so that the prior mean pγ/(q-1) equals the mean zbar.
  let meanZ = 0;
  for (let i = 0; i < data.rows; i++) meanZ += data.weight[i]! * data.zbar[i]!;
  meanZ /= data.totalWeight;
  const start = options.start ?? { p: 1, q: 2, gamma: meanZ };
  const f = objective(data);
  const result = minimizeBfgs(f, [start.p, start.q, start.gamma].map(Math.log), {
    gradientTolerance: options.gradientTolerance ?? 1e-9,
    maxIterations: options.maxIterations ?? 500,
  });
  const [p, q, gamma] = Array.from(result.x, Math.exp) as [number, number, number];
  const finite = Number.isFinite(result.value) && [p, q, gamma].every((v) => Number.isFinite(v) && v > 0);
  const hessian = hessianFromGradient(f, result.x);
  for (let i = 0; i < hessian.length; i++) hessian[i] = hessian[i]! * data.totalWeight;
  const [seP, seQ, seG] = finite ? standardErrorsFromLogHessian(hessian, result.x) : [null, null, null];
  return {
    params: { p, q, gamma },
    logLikelihood: finite ? -result.value * data.totalWeight : -Number.MAX_VALUE,
    ...fitOutcome(result.converged, result.message, finite, [seP, seQ, seG]),
    iterations: result.iterations,
    standardErrors: { p: seP ?? null, q: seQ ?? null, gamma: seG ?? null },
    customers: data.totalWeight,
    groups: data.rows,
  };
}

/**
 * E[M | x, zbar] = (pγ + p·x·zbar) / (px + q - 1) (note 025, eq. 5), the weighted average
 * (1-w)·pγ/(q-1) + w·zbar with w = px/(px+q-1). For x = 0 this is the population mean pγ/(q-1),
 * which only exists for q > 1; callers get `fallback` instead of Infinity.
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, zbar: number, fallback = 0): number {
  const { p, q, gamma } = params;
  const spend = x > 0 && zbar > 0 ? zbar : 0;
  const n = x > 0 && zbar > 0 ? x : 0;
  const denominator = p * n + q - 1;
  if (!(denominator > 0)) return fallback;
  const value = (p * gamma + p * n * spend) / denominator;
  return Number.isFinite(value) ? value : fallback;
}

/** Population mean spend per transaction pγ/(q-1), or null when q <= 1 (infinite mean). */
export function populationAverageSpend(params: GammaGammaParams): number | null {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : null;
}
