/**
 * Retention, churn, journey, top-customer and what-if benchmark: a deterministic synthetic store of 1,000,000
 * customers and ~3,000,000 orders over three years, then every step the nightly would add for these pages:
 * purchase history, cohort matrix, churn for three years, churn per RFM segment (segments re-scored as of the
 * year's start), lifecycle + journey stages, top 100 by value, and the what-if for every segment (both levers).
 *
 * As in bench/products.ts, each step's CPU time (this process's user + system, immune to waiting for a core on a
 * shared machine) is reported as a ratio to a trivial pass over the same order rows (a per-day histogram) timed
 * in the same run, three times before and three after the steps; wall-clock times are printed beside them.
 * Prints exactly one JSON object on stdout. Size: INTELLIGENCE_BENCH_CUSTOMERS (default 1,000,000).
 */
import { asCountModel } from "../app/domain/clv/bgnbd";
import { classifyLifecycle } from "../app/domain/lifecycle";
import { SeededRandom } from "../app/domain/math/random";
import { RFM_SEGMENTS } from "../app/domain/segments";
import { churnByRfmSegment, churnByYear } from "../app/domain/intelligence/churn";
import { retentionCohorts } from "../app/domain/intelligence/cohorts";
import { classifyJourney, journeyCounts } from "../app/domain/intelligence/journey";
import { purchaseHistory } from "../app/domain/intelligence/purchase-history";
import { topCustomers } from "../app/domain/intelligence/top-customers";
import { repeatRateWhatIf } from "../app/domain/intelligence/what-if";

const CUSTOMERS = Number(process.env.INTELLIGENCE_BENCH_CUSTOMERS ?? 1_000_000);
const REFERENCE_DAY = 20_790; // 2026-12-03
const SPAN_DAYS = 3 * 365;

function generate() {
  const random = new SeededRandom(20261204);
  let capacity = CUSTOMERS * 4;
  let orderCustomer = new Int32Array(capacity);
  let orderDay = new Int32Array(capacity);
  let orderAmount = new Float64Array(capacity);
  let orders = 0;
  for (let c = 0; c < CUSTOMERS; c++) {
    // First order uniform over three years; a purchase rate and a lifetime per customer (BG/NBD-like).
    let day = REFERENCE_DAY - Math.floor(random.uniform() * SPAN_DAYS);
    const meanGap = 30 + random.uniform() * 300;
    const aov = 20 + random.uniform() * 80;
    for (let o = 0; o < 60 && day <= REFERENCE_DAY; o++) {
      if (orders === capacity) {
        capacity *= 2;
        const grownCustomer = new Int32Array(capacity);
        grownCustomer.set(orderCustomer);
        orderCustomer = grownCustomer;
        const grownDay = new Int32Array(capacity);
        grownDay.set(orderDay);
        orderDay = grownDay;
        const grownAmount = new Float64Array(capacity);
        grownAmount.set(orderAmount);
        orderAmount = grownAmount;
      }
      orderCustomer[orders] = c;
      orderDay[orders] = day;
      orderAmount[orders++] = Math.round(aov * (0.5 + random.uniform()) * 100) / 100;
      if (random.uniform() < 0.22) break; // dropped out
      day += 1 + Math.floor(-Math.log(1 - random.uniform()) * meanGap);
    }
  }
  return {
    orders,
    orderCustomer: orderCustomer.subarray(0, orders),
    orderDay: orderDay.subarray(0, orders),
    orderAmount: orderAmount.subarray(0, orders),
  };
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function time<T>(run: () => T): [T, Timing] {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [result, { wallMs, cpuMs: (used.user + used.system) / 1000 }];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const [data, generated] = time(generate);
process.stderr.write(`generated ${data.orders} orders in ${Math.round(generated.wallMs)} ms\n`);

const BASELINE_PASSES = 20;
const baselines: number[] = [];
let sink = 0;
const measureBaseline = () => {
  const [, timing] = time(() => {
    for (let r = 0; r < BASELINE_PASSES; r++) {
      const counts = new Int32Array(SPAN_DAYS + 1);
      for (let k = 0; k < data.orders; k++) counts[REFERENCE_DAY - data.orderDay[k]!]!++;
      sink += counts[0]!;
    }
  });
  baselines.push(timing.cpuMs / BASELINE_PASSES);
};
for (let i = 0; i < 3; i++) measureBaseline();

const steps: Record<string, Timing> = {};
const step = <T>(name: string, run: () => T): T => {
  const [result, timing] = time(run);
  steps[name] = timing;
  return result;
};

const history = step("purchase_history", () =>
  purchaseHistory(data.orderCustomer, data.orderDay, CUSTOMERS, data.orderAmount),
);
const cohorts = step("cohorts", () => retentionCohorts(history, REFERENCE_DAY));
const yearly = step("churn_by_year", () => churnByYear(history, REFERENCE_DAY, 3));
const bySegment = step("churn_by_rfm_segment", () => churnByRfmSegment(history, REFERENCE_DAY));

// Per-customer aggregates from the history, as the nightly's SQL gives them (not timed: the nightly has them).
const orders = new Float64Array(CUSTOMERS);
const first = new Float64Array(CUSTOMERS);
const last = new Float64Array(CUSTOMERS);
const spend = new Float64Array(CUSTOMERS);
const x = new Float64Array(CUSTOMERS);
const tx = new Float64Array(CUSTOMERS);
const T = new Float64Array(CUSTOMERS);
for (let c = 0; c < CUSTOMERS; c++) {
  const begin = history.offsets[c]!;
  const end = history.offsets[c + 1]!;
  orders[c] = end - begin;
  if (end === begin) continue;
  first[c] = history.day[begin]!;
  last[c] = history.day[end - 1]!;
  for (let k = begin; k < end; k++) spend[c]! += history.amount[k]!;
  x[c] = end - begin - 1;
  tx[c] = last[c]! - first[c]!;
  T[c] = REFERENCE_DAY - first[c]!;
}
const journey = step("lifecycle_and_journey", () => {
  const lifecycle = classifyLifecycle(
    { orders, firstOrderDay: first, lastOrderDay: last, netSpend: spend },
    REFERENCE_DAY,
  );
  const result = classifyJourney({ lifecycle, history }, REFERENCE_DAY);
  return { result, counts: journeyCounts(result, spend, null) };
});
const ids = Array.from({ length: CUSTOMERS }, (_, c) => `gid://shopify/Customer/${1_000_000_000 + c}`);
const top = step("top_100", () => topCustomers({ ids, historicValue: spend }, "historic", 100));

// A CDNOW-like BG/NBD fit in days; segments spread customers evenly (the what-if cost depends on segment size).
const model = asCountModel({ r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 });
const segment = Uint8Array.from({ length: CUSTOMERS }, (_, c) => c % RFM_SEGMENTS.length);
const orderValue = Float64Array.from(spend, (s, c) => (orders[c]! > 0 ? s / orders[c]! : 0));
const whatIf = step("what_if_all_segments_both_levers", () => {
  const rows = [];
  for (let s = 0; s < RFM_SEGMENTS.length; s++) {
    for (const lever of ["retention", "frequency"] as const) {
      rows.push(
        repeatRateWhatIf(
          { model, x, tx, T, orderValue, customerSegment: segment },
          { segment: s, horizon: 365, lever },
        ),
      );
    }
  }
  return rows;
});

for (let i = 0; i < 3; i++) measureBaseline();
const baselineMs = median(baselines);
const totalCpuMs = Object.values(steps).reduce((a, b) => a + b.cpuMs, 0);
process.stderr.write(
  `cohort cells ${cohorts.share.filter((v) => v !== null).length}, churn ${yearly.map((w) => w.rate?.toFixed(3)).join(" ")}, ` +
    `segments with actives ${bySegment.filter((r) => r.active > 0).length}, top value ${top[0]?.historicValue.toFixed(2)}, ` +
    `occasional ${journey.counts.find((r) => r.stage === "Occasional")!.count}, what-if reachable ${whatIf.filter((r) => r.reachable).length}/${whatIf.length} (sink ${sink})\n`,
);

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
console.log(
  JSON.stringify({
    customers: CUSTOMERS,
    orders: data.orders,
    purchase_days: history.day.length,
    steps_cpu_ms: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.cpuMs)])),
    steps_wall_ms: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.wallMs)])),
    total_cpu_ms: round(totalCpuMs),
    baseline_cpu_ms_per_pass: round(baselineMs, 2),
    baseline_runs_cpu_ms: baselines.map((b) => round(b, 2)),
    ratio_to_baseline: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.cpuMs / baselineMs)])),
    total_ratio_to_baseline: round(totalCpuMs / baselineMs),
    churn_by_year: yearly.map((w) => (w.rate === null ? null : round(w.rate, 4))),
    journey: Object.fromEntries(journey.counts.map((r) => [r.stage, r.count])),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 0),
  }),
);
