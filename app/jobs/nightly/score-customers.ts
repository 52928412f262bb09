/**
 * Runs the analytics core over the aggregated customer table: RFM scores and segments, lifecycle stages,
 * historic and predicted CLV. Pure (no I/O). Customers without counted orders are Prospects with no stage.
 */
import { analyzeCustomerValue, type ClvAnalysis } from "../../domain/clv/analyze";
import { toSlug } from "../../domain/names";
import {
  classifyLifecycle,
  LIFECYCLE_STAGES,
  NO_STAGE,
  type LifecycleOptions,
  type LifecycleResult,
} from "../../domain/lifecycle";
import { scoreRfm } from "../../domain/rfm";
import { assignSegments, RFM_SEGMENTS } from "../../domain/segments";
import type { CustomerTable } from "./aggregate.server";

export interface ScoreTable {
  segment: string[];
  /** Each customer's segment as its index into RFM_SEGMENTS (255: none), for the typed-array phases. */
  segmentIndex: Uint8Array;
  stage: string[];
  /** The lifecycle classification the stages come from (the journey phase builds on it). */
  lifecycle: LifecycleResult;
  recencyDays: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  historicClv: Float64Array;
  /** Null when the store has not enough data for the predictive model. */
  predicted: {
    clv: Float64Array;
    pAlive: Float64Array;
    expected30: Float64Array;
    expected90: Float64Array;
    expected365: Float64Array;
    expectedAov: Float64Array;
    nextOrderDay: Float64Array;
    clvPercentile: Float64Array;
  } | null;
  clv: Pick<ClvAnalysis, "status" | "reasons" | "model" | "countFit" | "spendFit" | "sufficiency"> & {
    historicStore: ClvAnalysis["historic"]["store"];
  };
}

/** "Needs attention" -> "needs-attention": the slug stored and used in tags and URLs (the domain's rule). */
export const slug = toSlug;

const SEGMENT_SLUGS = RFM_SEGMENTS.map(slug);
const STAGE_SLUGS = LIFECYCLE_STAGES.map(slug);

export interface ScoreOptions {
  annualDiscountRate?: number;
  rfmBins?: number;
  /** The merchant's lifecycle thresholds (Settings); defaults are the domain's. */
  lifecycle?: LifecycleOptions;
  /**
   * Called with ScoreTable.segmentIndex as soon as the RFM segments are assigned, before the CLV model is fitted
   * (most of the scoring): the products phase needs nothing else, and can go on beside the rest.
   */
  onSegments?: (segmentIndex: Uint8Array) => void;
}

/** Customers and average spend per (R, F) score cell: the overview's RFM grid, computed once per run. */
export function rfGrid(
  table: CustomerTable,
  scores: ScoreTable,
): Array<{ r: number; f: number; customers: number; avgSpendMinor: number }> {
  const cells = new Map<number, { customers: number; spend: number }>();
  for (let i = 0; i < table.size; i++) {
    const r = scores.r[i]!;
    const f = scores.f[i]!;
    if (r === 0) continue; // prospects
    const cell = cells.get(r * 100 + f) ?? { customers: 0, spend: 0 };
    cell.customers++;
    cell.spend += table.totalSpend[i]!;
    cells.set(r * 100 + f, cell);
  }
  return [...cells].map(([key, c]) => ({
    r: Math.floor(key / 100),
    f: key % 100,
    customers: c.customers,
    avgSpendMinor: Math.round(c.spend / c.customers),
  }));
}

/** "Nice" round bucket width (1, 2, 5 × 10^k) for about `buckets` buckets up to `top`. */
export function niceWidth(top: number, buckets: number): number {
  const raw = Math.max(1, top / buckets);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

export interface ClvHistogram {
  basis: "predicted" | "historic";
  buckets: Array<{ fromMinor: string; toMinor: string | null; customers: number }>;
}

/**
 * The overview's CLV distribution, from the scores in memory (no index or sort over the stored scores needed):
 * ten buckets up to the 95th percentile, so a few very large customers don't squash everyone into one bar, and an
 * open-ended eleventh. Predicted CLV of buyers when the model ran, else historic CLV of every customer.
 */
export function clvHistogram(table: CustomerTable, scores: ScoreTable): ClvHistogram {
  const p = scores.predicted;
  const all = new Float64Array(table.size);
  let count = 0;
  for (let i = 0; i < table.size; i++) {
    if (!p) all[count++] = Math.round(scores.historicClv[i]!);
    else if (table.purchaseDays[i]! > 0) all[count++] = Math.round(p.clv[i]!);
  }
  const basis = p ? "predicted" : "historic";
  if (count === 0) return { basis, buckets: [] };
  // Sorted in place (the buckets do not depend on the order): the 95th percentile from the top.
  const values = all.subarray(0, count).sort();
  const width = niceWidth(values[count - 1 - Math.floor(count * 0.05)] ?? 0, 10);
  const counts = new Array<number>(11).fill(0);
  for (const v of values) counts[v >= width * 10 ? 10 : v < 0 ? 0 : Math.floor(v / width)]!++;
  return {
    basis,
    buckets: counts.map((customers, i) => ({
      fromMinor: String(i * width),
      toMinor: i === 10 ? null : String((i + 1) * width),
      customers,
    })),
  };
}

/** The `n` most valuable customers (predicted CLV when the model ran, else historic), most valuable first. */
export function topCustomersByValue(
  table: CustomerTable,
  scores: ScoreTable,
  n: number,
): Array<{ customerId: string; segment: string; predictedClvMinor: string | null; historicClvMinor: string }> {
  const p = scores.predicted;
  const value = (i: number) => (p ? p.clv[i]! : scores.historicClv[i]!);
  // Ties by id, so the list is stable from run to run.
  const before = (a: number, b: number) =>
    value(a) > value(b) || (value(a) === value(b) && table.ids[a]! < table.ids[b]!);
  // The best n so far, best first: one pass, no sort of every customer.
  const candidates: number[] = [];
  for (let i = 0; i < table.size; i++) {
    if (p && !(table.purchaseDays[i]! > 0)) continue;
    if (candidates.length === n && !before(i, candidates[n - 1]!)) continue;
    let k = Math.min(candidates.length, n - 1);
    candidates[k] = i;
    for (; k > 0 && before(i, candidates[k - 1]!); k--) [candidates[k], candidates[k - 1]] = [candidates[k - 1]!, i];
  }
  return candidates.slice(0, n).map((i) => ({
    customerId: table.ids[i]!,
    segment: scores.segment[i]!,
    predictedClvMinor: p ? String(Math.round(p.clv[i]!)) : null,
    historicClvMinor: String(Math.round(scores.historicClv[i]!)),
  }));
}

export function scoreCustomerTable(table: CustomerTable, referenceDay: number, options: ScoreOptions = {}): ScoreTable {
  const n = table.size;
  // RFM first: it needs only the aggregates, and the products phase waits for its segments (onSegments).
  const rfm = scoreRfm(
    { orders: table.orders, lastOrderDay: table.lastDay, netSpend: table.totalSpend },
    referenceDay,
    { bins: options.rfmBins ?? 5 },
  );
  const segments = assignSegments(rfm);
  const segmentIndex = new Uint8Array(n);
  for (let i = 0; i < n; i++) segmentIndex[i] = SEGMENT_SLUGS[segments[i]!] === undefined ? 255 : segments[i]!;
  options.onSegments?.(segmentIndex);

  // Buyers only go to the CLV model; their positions map back into the full table.
  let buyerCount = 0;
  for (let i = 0; i < n; i++) if (table.purchaseDays[i]! > 0) buyerCount++;
  const buyers = new Int32Array(buyerCount);
  for (let i = 0, k = 0; i < n; i++) if (table.purchaseDays[i]! > 0) buyers[k++] = i;
  // A plain loop: Float64Array.from with a mapping function goes through the iterator protocol per element
  // (~1 s for the six columns of a million buyers).
  const pick = (col: Float64Array) => {
    const out = new Float64Array(buyerCount);
    for (let k = 0; k < buyerCount; k++) out[k] = col[buyers[k]!]!;
    return out;
  };
  const analysis = analyzeCustomerValue(
    {
      purchaseDays: pick(table.purchaseDays),
      firstPurchaseDay: pick(table.firstDay),
      lastPurchaseDay: pick(table.lastDay),
      totalSpend: pick(table.totalSpend),
      repeatSpendMean: pick(table.repeatSpendMean),
      repeatSpendDays: pick(table.repeatSpendDays),
    },
    referenceDay,
    { annualDiscountRate: options.annualDiscountRate ?? 0.1 },
  );

  const pAliveAll = new Float64Array(n).fill(NaN);
  const predicted = analysis.scores
    ? {
        clv: new Float64Array(n),
        pAlive: new Float64Array(n),
        expected30: new Float64Array(n),
        expected90: new Float64Array(n),
        expected365: new Float64Array(n),
        expectedAov: new Float64Array(n),
        nextOrderDay: new Float64Array(n).fill(NaN),
        clvPercentile: new Float64Array(n),
      }
    : null;
  const historicClv = new Float64Array(n);
  buyers.forEach((row, k) => {
    historicClv[row] = analysis.historic.perCustomer[k] ?? 0;
    const s = analysis.scores;
    if (!s || !predicted) return;
    predicted.clv[row] = s.clv[k]!;
    predicted.pAlive[row] = s.pAlive[k]!;
    pAliveAll[row] = s.pAlive[k]!;
    predicted.expected30[row] = s.expectedPurchases[0]![k]!;
    predicted.expected90[row] = s.expectedPurchases[1]![k]!;
    predicted.expected365[row] = s.expectedPurchases[2]![k]!;
    predicted.expectedAov[row] = s.expectedAverageOrderValue[k]!;
    predicted.nextOrderDay[row] = s.expectedNextOrderDay[k]!;
    predicted.clvPercentile[row] = s.clvPercentile[k]!;
  });

  const lifecycle = classifyLifecycle(
    {
      orders: table.orders,
      firstOrderDay: table.firstDay,
      lastOrderDay: table.lastDay,
      netSpend: table.totalSpend,
      ...(predicted ? { pAlive: pAliveAll } : {}),
    },
    referenceDay,
    options.lifecycle,
  );

  const segment = new Array<string>(n);
  const stage = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    segment[i] = SEGMENT_SLUGS[segments[i]!] ?? "prospects";
    const s = lifecycle.stage[i]!;
    stage[i] = s === NO_STAGE ? "prospect" : (STAGE_SLUGS[s] ?? "prospect");
  }
  return {
    segment,
    segmentIndex,
    stage,
    lifecycle,
    recencyDays: rfm.recencyDays,
    r: rfm.recency,
    f: rfm.frequency,
    m: rfm.monetary,
    historicClv,
    predicted,
    clv: {
      status: analysis.status,
      reasons: analysis.reasons,
      model: analysis.model,
      countFit: analysis.countFit,
      spendFit: analysis.spendFit,
      sufficiency: analysis.sufficiency,
      historicStore: analysis.historic.store,
    },
  };
}
