/**
 * Reads RecomputeRun.model (JSON written by the nightly job) into what the Predictions page shows. The job's
 * shape may grow; anything missing or malformed becomes null rather than an error, so an old run still renders.
 *
 * Expected shape (docs/decisions/062-admin-model-report.md):
 *   { status, model, reasons: [{code, message}], countFit: FitReport, spendFit: FitReport | null,
 *     sufficiency?: { customers, repeatCustomers, spendCustomers, historyDays },
 *     backtest?: BacktestResult, selection?: { chosen, candidates: [{ name, backtest }] },
 *     historic?: HistoricClvInputs }
 */
export interface ParameterReport {
  name: string;
  value: number;
  standardError: number | null;
}

export interface FitSummary {
  converged: boolean;
  message: string;
  logLikelihood: number | null;
  customers: number | null;
  parameters: ParameterReport[];
}

export interface BacktestSummary {
  model: string;
  customers: number;
  predictedTotal: number;
  actualTotal: number;
  totalErrorPercent: number;
  meanAbsoluteError: number;
  holdoutDays: number | null;
  buckets: { label: string; customers: number; predictedMean: number; actualMean: number }[];
}

export interface ModelReport {
  status: "predictive" | "not-enough-data" | null;
  model: string | null;
  reasons: { code: string; message: string }[];
  countFit: FitSummary | null;
  spendFit: FitSummary | null;
  sufficiency: { customers: number; repeatCustomers: number; spendCustomers: number; historyDays: number } | null;
  backtest: BacktestSummary | null;
  candidates: { name: string; meanAbsoluteError: number; totalErrorPercent: number; converged: boolean | null }[];
  historic: {
    averageOrderValue: number;
    purchaseFrequencyPerYear: number;
    lifespanYears: number;
    annualChurnRate: number | null;
    clv: number;
  } | null;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

function fitSummary(value: unknown): FitSummary | null {
  if (!isObject(value) || !isObject(value.params)) return null;
  const errors = isObject(value.standardErrors) ? value.standardErrors : {};
  const parameters = Object.entries(value.params)
    .filter(([, v]) => num(v) !== null)
    .map(([name, v]) => ({ name, value: v as number, standardError: num(errors[name]) }));
  return {
    converged: value.converged === true,
    message: str(value.message) ?? "",
    logLikelihood: num(value.logLikelihood),
    customers: num(value.customers),
    parameters,
  };
}

function backtestSummary(value: unknown): BacktestSummary | null {
  if (!isObject(value)) return null;
  const fields = ["customers", "predictedTotal", "actualTotal", "totalErrorPercent", "meanAbsoluteError"] as const;
  if (fields.some((field) => num(value[field]) === null)) return null;
  const buckets = Array.isArray(value.buckets)
    ? value.buckets.filter(isObject).flatMap((b) => {
        const label = str(b.label);
        const customers = num(b.customers);
        const predictedMean = num(b.predictedMean);
        const actualMean = num(b.actualMean);
        return label !== null && customers !== null && predictedMean !== null && actualMean !== null
          ? [{ label, customers, predictedMean, actualMean }]
          : [];
      })
    : [];
  return {
    model: str(value.model) ?? "",
    customers: value.customers as number,
    predictedTotal: value.predictedTotal as number,
    actualTotal: value.actualTotal as number,
    totalErrorPercent: value.totalErrorPercent as number,
    meanAbsoluteError: value.meanAbsoluteError as number,
    holdoutDays: num(value.holdoutDays),
    buckets,
  };
}

export function parseModelReport(text: string | null): ModelReport | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw)) return null;
  const status = raw.status === "predictive" || raw.status === "not-enough-data" ? raw.status : null;
  const reasons = Array.isArray(raw.reasons)
    ? raw.reasons.filter(isObject).flatMap((r) => {
        const message = str(r.message);
        return message ? [{ code: str(r.code) ?? "", message }] : [];
      })
    : [];
  const selection = isObject(raw.selection) ? raw.selection : null;
  const chosen = selection && Array.isArray(selection.candidates) ? selection.candidates.filter(isObject) : [];
  const candidates = chosen.flatMap((c) => {
    const backtest = backtestSummary(c.backtest);
    const name = str(c.name);
    if (!backtest || !name) return [];
    const fit = isObject(c.fit) ? c.fit : null;
    return [
      {
        name,
        meanAbsoluteError: backtest.meanAbsoluteError,
        totalErrorPercent: backtest.totalErrorPercent,
        converged: fit ? fit.converged === true : null,
      },
    ];
  });
  const model = str(raw.model) ?? (selection ? str(selection.chosen) : null);
  // The backtest of the chosen model: given directly, or found among the candidates.
  const backtest =
    backtestSummary(raw.backtest) ?? backtestSummary(chosen.find((c) => str(c.name) === model)?.backtest) ?? null;
  const sufficiency = isObject(raw.sufficiency) ? raw.sufficiency : null;
  // The nightly job writes `historic`; `historicStore` is accepted too (ScoreTable's field name).
  const historic = isObject(raw.historic) ? raw.historic : isObject(raw.historicStore) ? raw.historicStore : null;
  return {
    status,
    model,
    reasons,
    countFit: fitSummary(raw.countFit),
    spendFit: fitSummary(raw.spendFit),
    sufficiency:
      sufficiency && num(sufficiency.customers) !== null
        ? {
            customers: num(sufficiency.customers) ?? 0,
            repeatCustomers: num(sufficiency.repeatCustomers) ?? 0,
            spendCustomers: num(sufficiency.spendCustomers) ?? 0,
            historyDays: num(sufficiency.historyDays) ?? 0,
          }
        : null,
    backtest,
    candidates,
    historic:
      historic && num(historic.averageOrderValue) !== null
        ? {
            averageOrderValue: num(historic.averageOrderValue) ?? 0,
            purchaseFrequencyPerYear: num(historic.purchaseFrequencyPerYear) ?? 0,
            lifespanYears: num(historic.lifespanYears) ?? 0,
            annualChurnRate: num(historic.annualChurnRate),
            clv: num(historic.clv) ?? 0,
          }
        : null,
  };
}

/** Model names as merchants can read them. */
export const MODEL_NAMES: Record<string, string> = {
  bgnbd: "BG/NBD (buy till you die)",
  mbgnbd: "MBG/NBD (modified BG/NBD)",
  paretonbd: "Pareto/NBD",
  bgbb: "BG/BB",
};

/** What each fitted parameter means, for the "model parameters explained" card. */
export const PARAMETER_MEANINGS: Record<string, string> = {
  r: "Shape of how purchase rates vary between customers (with alpha).",
  alpha: "Scale of purchase rates: the average customer buys about r / alpha times per day while active.",
  a: "With b, how likely customers are to stop buying after a purchase.",
  b: "With a: the average chance of dropping out after each purchase is a / (a + b).",
  s: "Shape of how dropout rates vary between customers (Pareto/NBD).",
  beta: "Scale of dropout rates (Pareto/NBD): larger means customers stay longer.",
  p: "Spend model: shape of each customer's order values around their own average.",
  q: "Spend model: how customers' average order values vary across the store.",
  gamma: "Spend model: scale of customers' average order values.",
};
