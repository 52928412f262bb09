import { describe, expect, it } from "vitest";
import { backtest, selectModelByHoldout, splitCalibrationHoldout } from "../../../app/domain/clv/backtest";
import { asCountModel } from "../../../app/domain/clv/bgnbd";
import { toEpochDay } from "../../../app/domain/clv/summary";
import { cdnowTransactions, FULL_MLE } from "../../support/cdnow";

const split = splitCalibrationHoldout(cdnowTransactions(), {
  calibrationEndDay: toEpochDay("1997-09-30")!,
  holdoutEndDay: toEpochDay("1998-06-30")!,
  daysPerUnit: 7,
});

describe("holdout backtest on CDNOW (fit to 1997-09-30, predict the next 39 weeks)", () => {
  const result = backtest(asCountModel(FULL_MLE), split.calibration, split.holdoutPurchases, split.holdoutLength);

  it("reports total error, MAE and predicted vs actual by frequency bucket", () => {
    expect(result.customers).toBe(2357);
    expect(result.actualTotal).toBe(1882);
    expect(result.predictedTotal).toBeCloseTo(1653.4, 0);
    expect(result.totalErrorPercent).toBeCloseTo((100 * (result.predictedTotal - 1882)) / 1882, 10);
    expect(result.totalErrorPercent).toBeLessThan(-10); // BG/NBD under-forecasts this holdout, as published
    expect(result.meanAbsoluteError).toBeGreaterThan(0.5);
    expect(result.meanAbsoluteError).toBeLessThan(1);
    expect(result.buckets.map((b) => b.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7+"]);
    expect(result.buckets.reduce((s, b) => s + b.customers, 0)).toBe(2357);
    expect(result.buckets[0]!.customers).toBe(1411);
    // Predictions follow the actuals upward across buckets (FHL 2005 fig. 4).
    for (let k = 1; k < result.buckets.length; k++) {
      expect(result.buckets[k]!.predictedMean).toBeGreaterThan(result.buckets[k - 1]!.predictedMean);
    }
    const last = result.buckets.at(-1)!;
    expect(Math.abs(last.predictedMean - last.actualMean) / last.actualMean).toBeLessThan(0.1);
  });

  it("chooses among BG/NBD, MBG/NBD and Pareto/NBD by holdout error", () => {
    const selection = selectModelByHoldout(split);
    expect(selection.candidates.map((c) => c.name)).toEqual(["bgnbd", "mbgnbd", "paretonbd"]);
    const best = Math.min(...selection.candidates.map((c) => c.backtest.meanAbsoluteError));
    const chosen = selection.candidates.find((c) => c.name === selection.chosen)!;
    expect(chosen.backtest.meanAbsoluteError).toBe(best);
    for (const c of selection.candidates) {
      expect(c.fit.converged).toBe(true);
      expect(Number.isFinite(c.backtest.meanAbsoluteError)).toBe(true);
    }
  });
});
