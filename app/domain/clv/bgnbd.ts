/**
 * BG/NBD ("beta-geometric / negative binomial distribution") model of repeat purchasing:
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2).
 * While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop out
 * with probability p ~ Beta(a, b). Equation numbers below refer to that paper.
 */
import { logBeta, logGamma } from "../math/special";
import {
  betaGeometricExpectedIfAlive,
  betaGeometricLogLikelihoodOne,
  betaGeometricPAlive,
  fitBetaGeometric,
  type BetaGeometricParams,
  type CountFitOptions,
  type FitReport,
} from "./betageometric";
import type { GroupedRepeatData, RepeatSummary } from "./grouping";
import type { CountModel } from "./countmodel";

export type BgNbdParams = BetaGeometricParams;
export type BgNbdFit = FitReport<BgNbdParams>;

/** Maximum-likelihood fit (eq. 6 summed over customers) by BFGS on log-parameters with the analytic gradient. */
export function fitBgNbd(summary: RepeatSummary | GroupedRepeatData, options: CountFitOptions = {}): BgNbdFit {
  return fitBetaGeometric(summary, 0, options);
}

/** ln L(r, α, a, b | x, t_x, T) for one customer (eq. 6). */
export function logLikelihoodOne(params: BgNbdParams, x: number, tx: number, T: number): number {
  return betaGeometricLogLikelihoodOne(params, 0, x, tx, T);
}

/** Σ ln L over a summary (eq. 7), optionally weighted. */
export function logLikelihood(params: BgNbdParams, summary: RepeatSummary): number {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) {
    total +=
      (summary.weight ? summary.weight[i]! : 1) *
      logLikelihoodOne(params, summary.x[i]!, summary.tx[i]!, summary.T[i]!);
  }
  return total;
}

/** P(alive | x, t_x, T) (FHL 2005 note "Computing P(alive) using the BG/NBD model", eq. 11 of the paper's appendix). Exactly 1 for x = 0. */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  return betaGeometricPAlive(params, 0, x, tx, T);
}

/** E[Y(t) | x, t_x, T]: expected repeat purchases in the next t time units (eq. 10). */
export function expectedPurchases(params: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  return pAlive(params, x, tx, T) * betaGeometricExpectedIfAlive(params, 0, x, T, t);
}

/** E[X(t)]: expected repeat purchases in the first t time units of a newly acquired customer (eq. 9). */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return betaGeometricExpectedIfAlive(params, 0, 0, 0, t);
}

/** P(X(t) = n): probability of exactly n repeat purchases in the first t time units (eq. 8). */
export function probabilityOfPurchases(params: BgNbdParams, t: number, n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) return 0;
  if (!(t > 0)) return n === 0 ? 1 : 0;
  const { r, alpha, a, b } = params;
  const logP = Math.log(alpha / (alpha + t));
  const logQ = Math.log(t / (alpha + t));
  const logNb = (j: number) => logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * logP + j * logQ;
  const logBab = logBeta(a, b);
  const stillAlive = Math.exp(logBeta(a, b + n) - logBab + logNb(n));
  if (n === 0) return stillAlive;
  // P(NB >= n): 1 - Σ_{j<n} when that sum is small, else summed directly to avoid cancellation in tiny tails.
  let below = 0;
  for (let j = 0; j < n; j++) below += Math.exp(logNb(j));
  let tail: number;
  if (below < 0.5) {
    tail = 1 - below;
  } else {
    tail = 0;
    let logTerm = logNb(n);
    for (let j = n; j < n + 100_000; j++) {
      const term = Math.exp(logTerm);
      tail += term;
      if (term < 1e-18 * tail && (r + j) * Math.exp(logQ) < j + 1) break;
      logTerm += Math.log(r + j) - Math.log(j + 1) + logQ;
    }
  }
  const droppedAfterN = Math.exp(logBeta(a + 1, b + n - 1) - logBab) * tail;
  const value = stillAlive + droppedAfterN;
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}

/**
 * Median time from T to the next purchase of a customer who is still alive: given alive, the wait is
 * exponential with λ ~ Gamma(r+x, α+T) a posteriori, so P(wait > w) = ((α+T)/(α+T+w))^(r+x) (a Lomax law)
 * and the median is (α+T)(2^(1/(r+x)) - 1). The mean only exists for r+x > 1, so the median is used.
 */
export function medianTimeToNextPurchase(params: BgNbdParams, x: number, T: number): number {
  const value = (params.alpha + T) * Math.expm1(Math.LN2 / (params.r + x));
  return Number.isFinite(value) ? value : Number.MAX_VALUE;
}

/** The fitted model as the scoring code uses it. */
export function asCountModel(params: BgNbdParams): CountModel {
  return {
    name: "bgnbd",
    params: { ...params },
    pAlive: (x, tx, T) => pAlive(params, x, tx, T),
    expectedIfAlive: (x, T, t) => betaGeometricExpectedIfAlive(params, 0, x, T, t),
    medianTimeToNextPurchase: (x, T) => medianTimeToNextPurchase(params, x, T),
  };
}
