/**
 * "How good are these predictions": each night the purchase models are fitted on the store's history up to
 * (reference - holdout) and compared with what actually happened in the holdout. A deterministic sample of
 * customers keeps it cheap on a million-customer store (the sample's error is what a merchant needs to judge).
 */
import type { Db } from "../../db.server";
import { selectModelByHoldout, splitCalibrationHoldout } from "../../domain/clv/backtest";
import type { Purchase } from "../../domain/clv/summary";
import { bindNamed, isTrue, sqliteOffset, storeDayExpression, type Dialect } from "../../db/sql.server";
import type { CustomerTable } from "./aggregate.server";

export const HOLDOUT_DAYS = 90;
const SAMPLE = 20_000;

export interface NightlyBacktest {
  holdoutDays: number;
  sampledCustomers: number;
  selection: ReturnType<typeof selectModelByHoldout> | null;
  skipped?: string;
}

export async function nightlyBacktest(
  db: Db,
  options: { dialect: Dialect; storeId: string; timeZone: string; utcOffsetMinutes: number; referenceDay: number },
  table: CustomerTable,
): Promise<NightlyBacktest> {
  const calibrationEndDay = options.referenceDay - HOLDOUT_DAYS;
  // Customers who had bought by the end of calibration; every k-th one, so the sample spans the whole table.
  const eligible: string[] = [];
  for (let i = 0; i < table.size; i++) {
    if (table.purchaseDays[i]! > 0 && table.firstDay[i]! <= calibrationEndDay) eligible.push(table.ids[i]!);
  }
  if (eligible.length < 200) {
    return {
      holdoutDays: HOLDOUT_DAYS,
      sampledCustomers: eligible.length,
      selection: null,
      skipped: "fewer than 200 customers bought before the holdout",
    };
  }
  const step = Math.max(1, Math.floor(eligible.length / SAMPLE));
  const sample = eligible.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const purchases: Purchase[] = [];
  const sql = `
    SELECT "customerId" AS "customerId", ${storeDayExpression(options.dialect, `"processedAt"`)} AS "day",
      SUM("netMinor") AS "amount"
    FROM "Order"
    WHERE "storeId" = $store AND "customerId" IN ($ids)
      AND "deletedAt" IS NULL AND ${isTrue(options.dialect, `"countsForValue"`)} AND ("netMinor" > 0 OR "grossMinor" = 0)
    GROUP BY "customerId", "day"`;
  for (let i = 0; i < sample.length; i += 500) {
    const [text, values] = bindNamed(sql, options.dialect, {
      store: options.storeId,
      ids: sample.slice(i, i + 500),
      offset: sqliteOffset(options.utcOffsetMinutes),
      tz: options.timeZone,
    });
    const rows = await db.$queryRawUnsafe<Array<{ customerId: string; day: number | bigint; amount: number | bigint }>>(
      text,
      ...values,
    );
    for (const r of rows) purchases.push({ customerId: r.customerId, day: Number(r.day), amount: Number(r.amount) });
  }
  const split = splitCalibrationHoldout(purchases, {
    calibrationEndDay,
    holdoutEndDay: options.referenceDay,
    daysPerUnit: 7,
  });
  return {
    holdoutDays: HOLDOUT_DAYS,
    sampledCustomers: sample.length,
    selection: selectModelByHoldout(split, ["bgnbd", "mbgnbd"]),
  };
}
