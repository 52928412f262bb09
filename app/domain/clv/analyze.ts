/**
 * One call for the nightly job: per-customer aggregates in, CLV out. Decides whether the store's data support
 * the predictive models; if yes fits BG/NBD (or the chosen alternative) and Gamma-Gamma and scores everyone;
 * always computes historic CLV; explains in `reasons` whatever it could not do.
 */
import type { FitReport } from "./fitreport";
import type { CountModelName } from "./countmodel";
import { fitGammaGamma, populationAverageSpend, type GammaGammaParams } from "./gammagamma";
import { groupRepeatSummary } from "./grouping";
import { historicClv, type HistoricClv, type HistoricClvOptions } from "./historic";
import { fitCountModel } from "./models";
import { NEVER, scoreCustomers, type CustomerScores } from "./predict";
import {
  assessDataSufficiency,
  assessFit,
  DEFAULT_SUFFICIENCY,
  type DataSufficiency,
  type SufficiencyReason,
  type SufficiencyThresholds,
} from "./sufficiency";
import { summarizeAggregates, type CustomerAggregates, type CustomerSummaryTable } from "./summary";

export interface ClvAnalysisOptions {
  /** Model time unit in days (1 = days, 7 = weeks). Default 1; outputs are in days either way. */
  daysPerUnit?: number;
  /** Horizons for expected purchases, in days. Default [30, 90, 365]. */
  horizonDays?: readonly number[];
  /** CLV horizon in days. Default 365. */
  clvHorizonDays?: number;
  /** Annual discount rate. Default 0.1. */
  annualDiscountRate?: number;
  /** Gross margin (1 = revenue CLV). Default 1. */
  margin?: number;
  /** Purchase model; choose it with selectModelByHoldout. Default "bgnbd". */
  model?: CountModelName;
  thresholds?: Partial<SufficiencyThresholds>;
  historic?: HistoricClvOptions;
}

export interface ClvAnalysis {
  /** "predictive" when the purchase model was fitted and trusted; otherwise only historic CLV is meaningful. */
  status: "predictive" | "not-enough-data";
  reasons: SufficiencyReason[];
  sufficiency: DataSufficiency;
  summary: CustomerSummaryTable;
  model: CountModelName;
  countFit: FitReport<Record<string, number>> | null;
  spendFit: FitReport<GammaGammaParams> | null;
  historic: HistoricClv;
  /** Per-customer predictions aligned with the input (times in days); null when status is "not-enough-data". */
  scores: (CustomerScores & { horizonDays: number[]; expectedNextOrderDay: Float64Array }) | null;
}

export function analyzeCustomerValue(
  aggregates: CustomerAggregates,
  referenceDay: number,
  options: ClvAnalysisOptions = {},
): ClvAnalysis {
  const daysPerUnit = options.daysPerUnit ?? 1;
  const horizonDays = [...(options.horizonDays ?? [30, 90, 365])];
  const thresholds = { ...DEFAULT_SUFFICIENCY, ...options.thresholds };
  const modelName = options.model ?? "bgnbd";
  const summary = summarizeAggregates(aggregates, referenceDay, daysPerUnit);
  const historic = historicClv(summary, referenceDay, options.historic);
  const sufficiency = assessDataSufficiency(summary, referenceDay, thresholds);
  const reasons = [...sufficiency.reasons];
  const base = { sufficiency, summary, model: modelName, historic };
  if (!sufficiency.ready) {
    return { ...base, status: "not-enough-data", reasons, countFit: null, spendFit: null, scores: null };
  }

  const weight = Float64Array.from(summary.valid);
  const grouped = groupRepeatSummary({ x: summary.x, tx: summary.tx, T: summary.T, weight });
  const { fit: countFit, model } = fitCountModel(modelName, grouped);
  const fitProblems = assessFit(countFit, modelName);
  if (fitProblems.length > 0) {
    return {
      ...base,
      status: "not-enough-data",
      reasons: [...reasons, ...fitProblems],
      countFit,
      spendFit: null,
      scores: null,
    };
  }

  let spendFit: FitReport<GammaGammaParams> | null = null;
  let spendParams: GammaGammaParams | null = null;
  if (sufficiency.spendReady) {
    spendFit = fitGammaGamma({ x: summary.spendDays, zbar: summary.zbar });
    const spendProblems = assessFit(spendFit, "Gamma-Gamma spend");
    if (spendProblems.length === 0 && populationAverageSpend(spendFit.params) === null) {
      spendProblems.push({
        code: "spend-mean-undefined",
        message:
          "The spend model's population mean is infinite (q <= 1); the store average order value is used instead.",
      });
    }
    if (spendProblems.length === 0) spendParams = spendFit.params;
    else reasons.push(...spendProblems);
  }

  const scores = scoreCustomers(
    model,
    {
      x: summary.x,
      tx: summary.tx,
      T: summary.T,
      zbar: summary.zbar,
      spendDays: summary.spendDays,
      valid: summary.valid,
    },
    {
      horizons: horizonDays.map((d) => d / daysPerUnit),
      clvHorizon: (options.clvHorizonDays ?? 365) / daysPerUnit,
      annualDiscountRate: options.annualDiscountRate ?? 0.1,
      unitsPerYear: 365.25 / daysPerUnit,
      spend: spendParams,
      fallbackAverageSpend: historic.store.averageOrderValue,
      margin: options.margin ?? 1,
    },
  );
  // Outputs in days: the wait, and the epoch day of the expected next order (median, if still alive).
  const expectedNextOrderDay = new Float64Array(scores.timeToNextPurchase.length);
  for (let i = 0; i < scores.timeToNextPurchase.length; i++) {
    const days = Math.min(scores.timeToNextPurchase[i]! * daysPerUnit, NEVER);
    scores.timeToNextPurchase[i] = days;
    expectedNextOrderDay[i] = referenceDay + Math.round(days);
  }
  return {
    ...base,
    status: "predictive",
    reasons,
    countFit,
    spendFit,
    scores: { ...scores, horizonDays, expectedNextOrderDay },
  };
}
