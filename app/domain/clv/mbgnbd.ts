/**
 * MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for customer
 * base analysis", IJRM 24(3) (also BTYDplus's mbgnbd). Like BG/NBD, but a customer can also drop out right
 * after the first purchase, so one-time buyers are not "certainly alive" (BG/NBD's P(alive | x = 0) = 1 quirk).
 */
import {
  betaGeometricExpectedIfAlive,
  betaGeometricLogLikelihoodOne,
  betaGeometricPAlive,
  fitBetaGeometric,
  type BetaGeometricParams,
  type CountFitOptions,
  type FitReport,
} from "./betageometric";
import type { CountModel } from "./countmodel";
import type { GroupedRepeatData, RepeatSummary } from "./grouping";

export type MbgNbdParams = BetaGeometricParams;

export function fitMbgNbd(
  summary: RepeatSummary | GroupedRepeatData,
  options: CountFitOptions = {},
): FitReport<MbgNbdParams> {
  return fitBetaGeometric(summary, 1, options);
}

/** ln L = ln[B(a,b+x+1)/B(a,b)] + ln Γ(r+x) - ln Γ(r) + r ln α + ln[(α+T)^-(r+x) + a/(b+x) (α+t_x)^-(r+x)]. */
export function logLikelihoodOne(params: MbgNbdParams, x: number, tx: number, T: number): number {
  return betaGeometricLogLikelihoodOne(params, 1, x, tx, T);
}

export function logLikelihood(params: MbgNbdParams, summary: RepeatSummary): number {
  let total = 0;
  for (let i = 0; i < summary.x.length; i++) {
    total +=
      (summary.weight ? summary.weight[i]! : 1) *
      logLikelihoodOne(params, summary.x[i]!, summary.tx[i]!, summary.T[i]!);
  }
  return total;
}

/** P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)), via log-odds. */
export function pAlive(params: MbgNbdParams, x: number, tx: number, T: number): number {
  return betaGeometricPAlive(params, 1, x, tx, T);
}

/** E[Y(t) | x, t_x, T] = P(alive) (a+b+x)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)]. */
export function expectedPurchases(params: MbgNbdParams, x: number, tx: number, T: number, t: number): number {
  return pAlive(params, x, tx, T) * betaGeometricExpectedIfAlive(params, 1, x, T, t);
}

/** E[X(t)] for a new customer: b/(a+b) (alive after the first purchase) × the alive expectation at x = 0, T = 0. */
export function expectedPurchasesNewCustomer(params: MbgNbdParams, t: number): number {
  return (params.b / (params.a + params.b)) * betaGeometricExpectedIfAlive(params, 1, 0, 0, t);
}

export function asCountModel(params: MbgNbdParams): CountModel {
  return {
    name: "mbgnbd",
    params: { ...params },
    pAlive: (x, tx, T) => pAlive(params, x, tx, T),
    expectedIfAlive: (x, T, t) => betaGeometricExpectedIfAlive(params, 1, x, T, t),
    medianTimeToNextPurchase: (x, T) => {
      const value = (params.alpha + T) * Math.expm1(Math.LN2 / (params.r + x));
      return Number.isFinite(value) ? value : Number.MAX_VALUE;
    },
  };
}
