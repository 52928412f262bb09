/**
 * When is a store's own data enough for predictive CLV? Small or young stores (few customers, few repeat
 * buyers, short history) get historic CLV and a "not enough data yet" status with the reasons, never a
 * silent garbage fit. The thresholds are deliberately modest and configurable.
 */
import type { FitReport } from "./fitreport";
import type { CustomerSummaryTable } from "./summary";

export interface SufficiencyThresholds {
  /** Customers with at least one counted order. */
  minCustomers: number;
  /** Customers with at least one repeat purchase day (x > 0): the models learn dropout from them. */
  minRepeatCustomers: number;
  /** Days from the store's first counted order to the reference date. */
  minHistoryDays: number;
  /** Repeat customers with positive repeat spend, for the Gamma-Gamma spend model. */
  minSpendCustomers: number;
}

export const DEFAULT_SUFFICIENCY: SufficiencyThresholds = {
  minCustomers: 100,
  minRepeatCustomers: 30,
  minHistoryDays: 90,
  minSpendCustomers: 30,
};

export type SufficiencyCode =
  | "few-customers"
  | "few-repeat-customers"
  | "short-history"
  | "few-spend-customers"
  | "fit-not-converged"
  | "fit-unreliable"
  | "spend-mean-undefined";

export interface SufficiencyReason {
  code: SufficiencyCode;
  message: string;
}

export interface DataSufficiency {
  /** True when a predictive purchase model may be fitted. */
  ready: boolean;
  /** True when, in addition, the spend model may be fitted. */
  spendReady: boolean;
  reasons: SufficiencyReason[];
  customers: number;
  repeatCustomers: number;
  spendCustomers: number;
  historyDays: number;
}

export function assessDataSufficiency(
  summary: CustomerSummaryTable,
  referenceDay: number,
  thresholds: SufficiencyThresholds = DEFAULT_SUFFICIENCY,
): DataSufficiency {
  let customers = 0;
  let repeatCustomers = 0;
  let spendCustomers = 0;
  let firstDay = Infinity;
  for (let i = 0; i < summary.x.length; i++) {
    if (summary.valid[i] === 0) continue;
    customers++;
    if (summary.x[i]! > 0) repeatCustomers++;
    if (summary.spendDays[i]! > 0 && summary.zbar[i]! > 0) spendCustomers++;
    firstDay = Math.min(firstDay, summary.firstDay[i]!);
  }
  const historyDays = customers > 0 ? referenceDay - firstDay : 0;
  const reasons: SufficiencyReason[] = [];
  if (customers < thresholds.minCustomers) {
    reasons.push({
      code: "few-customers",
      message: `${customers} customers with orders; predictions need at least ${thresholds.minCustomers}.`,
    });
  }
  if (repeatCustomers < thresholds.minRepeatCustomers) {
    reasons.push({
      code: "few-repeat-customers",
      message: `${repeatCustomers} customers have ordered more than once; predictions need at least ${thresholds.minRepeatCustomers}.`,
    });
  }
  if (historyDays < thresholds.minHistoryDays) {
    reasons.push({
      code: "short-history",
      message: `Order history covers ${historyDays} days; predictions need at least ${thresholds.minHistoryDays}.`,
    });
  }
  const ready = reasons.length === 0;
  let spendReady = ready;
  if (ready && spendCustomers < thresholds.minSpendCustomers) {
    spendReady = false;
    reasons.push({
      code: "few-spend-customers",
      message: `${spendCustomers} repeat customers with repeat spend; the spend model needs at least ${thresholds.minSpendCustomers} (store average order value used instead).`,
    });
  }
  return { ready, spendReady, reasons, customers, repeatCustomers, spendCustomers, historyDays };
}

/** Reasons to distrust a fit: no convergence, or a flat likelihood (no standard errors). */
export function assessFit<P>(fit: FitReport<P>, label: string): SufficiencyReason[] {
  const reasons: SufficiencyReason[] = [];
  if (!fit.converged) {
    reasons.push({ code: "fit-not-converged", message: `The ${label} fit did not converge (${fit.message}).` });
  } else if (Object.values(fit.standardErrors).some((se) => se === null)) {
    reasons.push({
      code: "fit-unreliable",
      message: `The ${label} fit is not identified by this data (its likelihood is flat; no standard errors).`,
    });
  }
  return reasons;
}
