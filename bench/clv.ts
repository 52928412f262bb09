/**
 * CLV benchmark: 1,000,000 synthetic customers from BG/NBD with CDNOW-like parameters and
 * Gamma-Gamma spend; times the fits (grouping included) and the scoring of every customer.
 * Prints exactly one JSON object on stdout: {customers, fit_ms, score_ms, peak_rss_mb, params, true_params}.
 * Details (groups, iterations, standard errors, errors vs truth) go to stderr.
 */
import { asCountModel, fitBgNbd } from "../app/domain/clv/bgnbd";
import { fitGammaGamma } from "../app/domain/clv/gammagamma";
import { groupRepeatSummary } from "../app/domain/clv/grouping";
import { scoreCustomers } from "../app/domain/clv/predict";
import { simulateCustomers } from "../app/domain/clv/simulate";

const CUSTOMERS = Number(process.env.CLV_BENCH_CUSTOMERS ?? 1_000_000);
const TRUE_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const TRUE_SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };

const simulated = simulateCustomers({
  customers: CUSTOMERS,
  seed: 20050101,
  bgnbd: TRUE_BGNBD,
  spend: TRUE_SPEND,
  acquisitionDays: 84,
  observationDays: 273,
  daysPerUnit: 7,
});
const spendDays = new Float64Array(CUSTOMERS);
for (let i = 0; i < CUSTOMERS; i++) spendDays[i] = simulated.x[i]!;

const fitStart = performance.now();
const grouped = groupRepeatSummary(simulated);
const countFit = fitBgNbd(grouped);
const spendFit = fitGammaGamma({ x: spendDays, zbar: simulated.zbar });
const fitMs = performance.now() - fitStart;

const scoreStart = performance.now();
const scores = scoreCustomers(
  asCountModel(countFit.params),
  { x: simulated.x, tx: simulated.tx, T: simulated.T, zbar: simulated.zbar, spendDays },
  {
    horizons: [30 / 7, 90 / 7, 365 / 7],
    clvHorizon: 365 / 7,
    annualDiscountRate: 0.1,
    unitsPerYear: 365.25 / 7,
    spend: spendFit.params,
    fallbackAverageSpend: 0,
  },
);
const scoreMs = performance.now() - scoreStart;

let nonFinite = 0;
for (const column of [
  scores.pAlive,
  scores.clv,
  scores.expectedAverageOrderValue,
  scores.clvPercentile,
  ...scores.expectedPurchases,
]) {
  for (let i = 0; i < column.length; i++) if (!Number.isFinite(column[i]!)) nonFinite++;
}

const params = { ...countFit.params, ...spendFit.params };
const trueParams = { ...TRUE_BGNBD, ...TRUE_SPEND };
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const relativeErrors = Object.fromEntries(
  Object.entries(trueParams).map(([k, v]) => [k, round(Math.abs(params[k as keyof typeof params] - v) / v)]),
);
process.stderr.write(
  JSON.stringify({
    groups: grouped.groups,
    bgnbd: {
      converged: countFit.converged,
      iterations: countFit.iterations,
      logLikelihood: countFit.logLikelihood,
      standardErrors: countFit.standardErrors,
    },
    gammaGamma: {
      converged: spendFit.converged,
      iterations: spendFit.iterations,
      standardErrors: spendFit.standardErrors,
    },
    relativeErrors,
    nonFinite,
  }) + "\n",
);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  JSON.stringify({
    customers: CUSTOMERS,
    fit_ms: Math.round(fitMs),
    score_ms: Math.round(scoreMs),
    peak_rss_mb: Math.round(peakRssMb),
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, round(v)])),
    true_params: trueParams,
  }) + "\n",
);
