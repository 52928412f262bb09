/**
 * Historic CLV, the classic formula merchants know:
 *   average order value × purchase frequency (orders per customer per year) × expected customer lifespan (years).
 * Every input is exposed so the UI can show the arithmetic. It needs no model, so it works for any store size.
 */
import type { CustomerSummaryTable } from "./summary";

const DAYS_PER_YEAR = 365.25;

export interface HistoricClvOptions {
  /** Use this lifespan instead of estimating it from churn. */
  lifespanYears?: number;
  /** Cap on the estimated lifespan (low churn would otherwise promise decades). Default 5. */
  maxLifespanYears?: number;
  /** Gross margin on revenue (1 = revenue CLV). */
  margin?: number;
  /** Minimum customers older than a year needed to estimate churn. Default 20. */
  minChurnCohort?: number;
}

export interface HistoricClvInputs {
  customers: number;
  orders: number;
  revenue: number;
  /** revenue / orders */
  averageOrderValue: number;
  /** orders / customer-years, where each customer counts at least one year (so new customers don't inflate it). */
  purchaseFrequencyPerYear: number;
  /** Share of customers acquired more than a year ago who did not order in the last year; null if too few. */
  annualChurnRate: number | null;
  lifespanYears: number;
  lifespanSource: "given" | "churn" | "churn-capped" | "default-one-year";
  margin: number;
  /** averageOrderValue × purchaseFrequencyPerYear × lifespanYears × margin */
  clv: number;
}

export interface HistoricClv {
  store: HistoricClvInputs;
  /** Each customer's own average order value × the store's frequency × lifespan × margin. */
  perCustomer: Float64Array;
}

export function historicClv(
  summary: CustomerSummaryTable,
  referenceDay: number,
  options: HistoricClvOptions = {},
): HistoricClv {
  const margin = options.margin ?? 1;
  const maxLifespan = options.maxLifespanYears ?? 5;
  const minCohort = options.minChurnCohort ?? 20;
  let customers = 0;
  let orders = 0;
  let revenue = 0;
  let customerYears = 0;
  let cohort = 0;
  let churned = 0;
  for (let i = 0; i < summary.x.length; i++) {
    if (summary.valid[i] === 0) continue;
    customers++;
    orders += summary.x[i]! + 1;
    revenue += summary.totalSpend[i]!;
    const tenureYears = (referenceDay - summary.firstDay[i]!) / DAYS_PER_YEAR;
    customerYears += Math.max(tenureYears, 1);
    if (tenureYears >= 1) {
      cohort++;
      if ((referenceDay - summary.lastDay[i]!) / DAYS_PER_YEAR >= 1) churned++;
    }
  }
  const averageOrderValue = orders > 0 ? revenue / orders : 0;
  const purchaseFrequencyPerYear = customerYears > 0 ? orders / customerYears : 0;
  const annualChurnRate = cohort >= minCohort ? churned / cohort : null;
  let lifespanYears: number;
  let lifespanSource: HistoricClvInputs["lifespanSource"];
  if (options.lifespanYears !== undefined && options.lifespanYears > 0) {
    lifespanYears = options.lifespanYears;
    lifespanSource = "given";
  } else if (annualChurnRate === null) {
    lifespanYears = 1;
    lifespanSource = "default-one-year";
  } else if (annualChurnRate > 1 / maxLifespan) {
    lifespanYears = 1 / annualChurnRate;
    lifespanSource = "churn";
  } else {
    lifespanYears = maxLifespan;
    lifespanSource = "churn-capped";
  }
  const clv = averageOrderValue * purchaseFrequencyPerYear * lifespanYears * margin;
  const factor = purchaseFrequencyPerYear * lifespanYears * margin;
  const perCustomer = new Float64Array(summary.x.length);
  for (let i = 0; i < summary.x.length; i++) {
    if (summary.valid[i] === 0) continue;
    const own = summary.totalSpend[i]! / (summary.x[i]! + 1);
    perCustomer[i] = (own > 0 ? own : averageOrderValue) * factor;
  }
  return {
    store: {
      customers,
      orders,
      revenue,
      averageOrderValue,
      purchaseFrequencyPerYear,
      annualChurnRate,
      lifespanYears,
      lifespanSource,
      margin,
      clv,
    },
    perCustomer,
  };
}
