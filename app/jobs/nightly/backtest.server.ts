/**
 * "How good are these predictions": each night the purchase models are fitted on the store's history up to
 * (reference - holdout) and compared with what actually happened in the holdout. A deterministic sample of
 * customers keeps it cheap on a million-customer store (the sample's error is what a merchant needs to judge);
 * their purchase days come from the aggregation's pass over the orders, so the backtest reads nothing itself.
 */
import { selectModelByHoldout, splitCalibrationHoldout } from "../../domain/clv/backtest";
import type { Purchase } from "../../domain/clv/summary";
import type { CustomerTable, PurchaseSample } from "./aggregate.server";

export const HOLDOUT_DAYS = 90;
/** About this many customers are sampled (every k-th customer of the store). */
export const BACKTEST_SAMPLE = 20_000;

export interface NightlyBacktest {
  holdoutDays: number;
  sampledCustomers: number;
  selection: ReturnType<typeof selectModelByHoldout> | null;
  skipped?: string;
}

export function nightlyBacktest(
  options: { referenceDay: number },
  table: Pick<CustomerTable, "size"> & { sample: PurchaseSample },
): NightlyBacktest {
  const calibrationEndDay = options.referenceDay - HOLDOUT_DAYS;
  // The sample (every k-th customer, gathered in the aggregation pass), kept to those who had bought by the end
  // of calibration.
  const purchases: Purchase[] = [];
  let sampled = 0;
  table.sample.customerIds.forEach((customerId, k) => {
    const days = table.sample.days[k]!;
    if (days.length === 0 || days[0]![0] > calibrationEndDay) return;
    sampled++;
    for (const [day, amount] of days) purchases.push({ customerId, day, amount });
  });
  if (sampled < 200) {
    return {
      holdoutDays: HOLDOUT_DAYS,
      sampledCustomers: sampled,
      selection: null,
      skipped: "fewer than 200 customers bought before the holdout",
    };
  }
  const split = splitCalibrationHoldout(purchases, {
    calibrationEndDay,
    holdoutEndDay: options.referenceDay,
    daysPerUnit: 7,
  });
  return {
    holdoutDays: HOLDOUT_DAYS,
    sampledCustomers: sampled,
    selection: selectModelByHoldout(split, ["bgnbd", "mbgnbd"]),
  };
}
