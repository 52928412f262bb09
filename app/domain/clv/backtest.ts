/**
 * Holdout backtest: fit on data up to (end - h), predict purchases in the next h, compare with what happened.
 * These are the numbers a merchant sees under "how good are these predictions", and the basis for choosing
 * between BG/NBD, MBG/NBD and Pareto/NBD for a store (docs/decisions/013-clv-model-selection-by-holdout.md).
 */
import type { FitReport } from "./fitreport";
import type { CountModel, CountModelName } from "./countmodel";
import { groupRepeatSummary, type RepeatSummary } from "./grouping";
import { fitCountModel } from "./models";
import { summarizePurchases, type CustomerSummaryTable, type Purchase } from "./summary";

export interface HoldoutSplit {
  /** Summary of the calibration period (purchases up to calibrationEndDay). */
  calibration: CustomerSummaryTable;
  /** For each calibration customer, distinct purchase days in (calibrationEndDay, holdoutEndDay]. */
  holdoutPurchases: Float64Array;
  /** Holdout length in model time units. */
  holdoutLength: number;
}

export function splitCalibrationHoldout(
  purchases: readonly Purchase[],
  options: { calibrationEndDay: number; holdoutEndDay: number; daysPerUnit: number },
): HoldoutSplit {
  const calibration = summarizePurchases(purchases, {
    endDay: options.calibrationEndDay,
    daysPerUnit: options.daysPerUnit,
  });
  const index = new Map<string, number>();
  calibration.customerIds.forEach((id, i) => index.set(id, i));
  const seen = new Set<string>();
  const holdoutPurchases = new Float64Array(calibration.customerIds.length);
  for (const p of purchases) {
    if (p.day <= options.calibrationEndDay || p.day > options.holdoutEndDay) continue;
    const i = index.get(p.customerId);
    if (i === undefined) continue; // acquired during the holdout: not part of the test
    const key = `${p.customerId}\u0000${p.day}`;
    if (seen.has(key)) continue;
    seen.add(key);
    holdoutPurchases[i] = holdoutPurchases[i]! + 1;
  }
  return {
    calibration,
    holdoutPurchases,
    holdoutLength: (options.holdoutEndDay - options.calibrationEndDay) / options.daysPerUnit,
  };
}

export interface BacktestBucket {
  /** Calibration repeat purchases: "0", "1", … and the last bucket "7+". */
  label: string;
  customers: number;
  predictedMean: number;
  actualMean: number;
}

export interface BacktestResult {
  model: CountModelName;
  customers: number;
  predictedTotal: number;
  actualTotal: number;
  /** 100 × (predicted - actual) / actual; 0 when both are 0. */
  totalErrorPercent: number;
  /** Mean over customers of |predicted - actual| purchases in the holdout. */
  meanAbsoluteError: number;
  buckets: BacktestBucket[];
}

export function backtest(
  model: CountModel,
  calibration: RepeatSummary & { valid?: ArrayLike<number> },
  holdoutPurchases: ArrayLike<number>,
  holdoutLength: number,
  lastBucket = 7,
): BacktestResult {
  const buckets = Array.from({ length: lastBucket + 1 }, (_, k) => ({
    label: k === lastBucket ? `${k}+` : String(k),
    customers: 0,
    predicted: 0,
    actual: 0,
  }));
  let predictedTotal = 0;
  let actualTotal = 0;
  let absoluteError = 0;
  let customers = 0;
  for (let i = 0; i < calibration.x.length; i++) {
    if (calibration.valid && calibration.valid[i] === 0) continue;
    const x = calibration.x[i]!;
    const predicted =
      model.pAlive(x, calibration.tx[i]!, calibration.T[i]!) *
      model.expectedIfAlive(x, calibration.T[i]!, holdoutLength);
    const actual = holdoutPurchases[i]!;
    const bucket = buckets[Math.min(x, lastBucket)]!;
    bucket.customers++;
    bucket.predicted += predicted;
    bucket.actual += actual;
    predictedTotal += predicted;
    actualTotal += actual;
    absoluteError += Math.abs(predicted - actual);
    customers++;
  }
  return {
    model: model.name,
    customers,
    predictedTotal,
    actualTotal,
    totalErrorPercent: actualTotal > 0 ? (100 * (predictedTotal - actualTotal)) / actualTotal : 0,
    meanAbsoluteError: customers > 0 ? absoluteError / customers : 0,
    buckets: buckets
      .filter((b) => b.customers > 0)
      .map((b) => ({
        label: b.label,
        customers: b.customers,
        predictedMean: b.predicted / b.customers,
        actualMean: b.actual / b.customers,
      })),
  };
}

export interface ModelCandidateResult {
  name: CountModelName;
  fit: FitReport<Record<string, number>>;
  backtest: BacktestResult;
}

export interface ModelSelection {
  /** Lowest mean absolute error per customer among converged fits; ties broken by total error. */
  chosen: CountModelName;
  candidates: ModelCandidateResult[];
}

/** Fits each candidate on the calibration period and picks the one that predicted the holdout best. */
export function selectModelByHoldout(
  split: HoldoutSplit,
  candidates: readonly CountModelName[] = ["bgnbd", "mbgnbd", "paretonbd"],
): ModelSelection {
  const { calibration } = split;
  const weight = Float64Array.from(calibration.valid);
  const grouped = groupRepeatSummary({ x: calibration.x, tx: calibration.tx, T: calibration.T, weight });
  const results: ModelCandidateResult[] = [];
  for (const name of candidates) {
    const { fit, model } = fitCountModel(name, grouped);
    results.push({ name, fit, backtest: backtest(model, calibration, split.holdoutPurchases, split.holdoutLength) });
  }
  const usable = results.filter((r) => r.fit.converged);
  const pool = usable.length > 0 ? usable : results;
  pool.sort(
    (p, q) =>
      p.backtest.meanAbsoluteError - q.backtest.meanAbsoluteError ||
      Math.abs(p.backtest.totalErrorPercent) - Math.abs(q.backtest.totalErrorPercent),
  );
  return { chosen: pool[0]!.name, candidates: results };
}
