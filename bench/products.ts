/**
 * Products-bought-together benchmark: a deterministic synthetic store of 1,000,000 customers, ~3,000,000
 * orders and 5,000 products (Zipf-like popularity, 50 categories, baskets that stay in a category, customers
 * with a favourite category that depends on their segment), then every step the nightly would run:
 * order baskets, pairs over orders, customer histories, pairs over histories, segments per product and a
 * next-product suggestion for every customer.
 *
 * The machine's speed drifts several-fold within a day and other processes share its cores, so each step is
 * timed both by the wall clock and by this process's CPU time (user + system, immune to waiting for a core),
 * and reported as a ratio of CPU times to a trivial baseline pass over the same order lines (a product
 * histogram), timed in the same run: six measurements of ten passes each, three before and three after the
 * steps, median per pass.
 * Prints exactly one JSON object on stdout; details go to stderr.
 * Size: PRODUCTS_BENCH_CUSTOMERS (default 1,000,000), PRODUCTS_BENCH_PRODUCTS (default 5,000).
 */
import { basketsFromLines, customerHistories } from "../app/domain/intelligence/baskets";
import { findCompanions } from "../app/domain/intelligence/co-purchase";
import { productSegmentTable } from "../app/domain/intelligence/product-segments";
import { SUGGESTION_SOURCES, suggestNextProducts } from "../app/domain/intelligence/next-product";
import { SeededRandom } from "../app/domain/math/random";

const CUSTOMERS = Number(process.env.PRODUCTS_BENCH_CUSTOMERS ?? 1_000_000);
const PRODUCTS = Number(process.env.PRODUCTS_BENCH_PRODUCTS ?? 5_000);
const CATEGORIES = 50;
const SEGMENTS = 11;

/** Cumulative weights → index by binary search. */
function sampler(weights: Float64Array): (u: number) => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += weights[i]!;
  return (u) => {
    const target = u * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function generate() {
  const random = new SeededRandom(20261204);
  // Popularity ~ 1 / (rank + 10)^1.1, ranks shuffled so every category has hits and long tail.
  const rank = Int32Array.from({ length: PRODUCTS }, (_, i) => i);
  for (let i = PRODUCTS - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  const weight = Float64Array.from(rank, (r) => 1 / Math.pow(r + 10, 1.1));
  const anyProduct = sampler(weight);
  const categoryOf = (p: number) => p % CATEGORIES;
  const inCategory: ((u: number) => number)[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    const members = Int32Array.from({ length: Math.ceil((PRODUCTS - c) / CATEGORIES) }, (_, k) => c + k * CATEGORIES);
    const pick = sampler(Float64Array.from(members, (p) => weight[p]!));
    inCategory.push((u) => members[pick(u)]!);
  }
  const segmentWeights = new Float64Array([6, 8, 10, 9, 10, 12, 8, 6, 10, 14, 7]);
  const anySegment = sampler(segmentWeights);

  const customerSegment = new Uint8Array(CUSTOMERS);
  let orderCapacity = Math.ceil(CUSTOMERS * 3.3);
  let orderCustomer = new Int32Array(orderCapacity);
  let lineCapacity = orderCapacity * 3;
  let lineOrder = new Int32Array(lineCapacity);
  let lineProduct = new Int32Array(lineCapacity);
  let orders = 0;
  let lines = 0;
  for (let c = 0; c < CUSTOMERS; c++) {
    const segment = anySegment(random.uniform());
    customerSegment[c] = segment;
    // Favourite category: half the time one of four tied to the segment, else any category.
    const favourite =
      random.uniform() < 0.5
        ? (segment * 4 + Math.floor(random.uniform() * 4)) % CATEGORIES
        : Math.floor(random.uniform() * CATEGORIES);
    // Orders: 1 + geometric with mean 2 (most buy once or twice, a few many times), capped at 60.
    let n = 1;
    while (n < 60 && random.uniform() < 2 / 3) n++;
    for (let o = 0; o < n; o++) {
      if (orders === orderCapacity) {
        orderCapacity *= 2;
        const grown = new Int32Array(orderCapacity);
        grown.set(orderCustomer);
        orderCustomer = grown;
      }
      orderCustomer[orders] = c;
      // Basket size: 1 + Poisson(1.5), capped at 20.
      let size = 1;
      for (let p = Math.exp(-1.5), u = random.uniform(), s = p; u > s && size < 20; size++) {
        p *= 1.5 / size;
        s += p;
      }
      let previous = -1;
      for (let k = 0; k < size; k++) {
        const u = random.uniform();
        const route = random.uniform();
        const product =
          previous >= 0 && route < 0.45
            ? inCategory[categoryOf(previous)]!(u)
            : route < 0.75
              ? inCategory[favourite]!(u)
              : anyProduct(u);
        if (lines === lineCapacity) {
          lineCapacity *= 2;
          const grownOrder = new Int32Array(lineCapacity);
          grownOrder.set(lineOrder);
          lineOrder = grownOrder;
          const grownProduct = new Int32Array(lineCapacity);
          grownProduct.set(lineProduct);
          lineProduct = grownProduct;
        }
        lineOrder[lines] = orders;
        lineProduct[lines++] = product;
        previous = product;
      }
      orders++;
    }
  }
  return {
    customerSegment,
    orderCustomer: orderCustomer.subarray(0, orders),
    lineOrder: lineOrder.subarray(0, lines),
    lineProduct: lineProduct.subarray(0, lines),
    orders,
    lines,
    categoryOf,
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

/** The trivial pass: how often each product appears on an order line. */
function baselinePass(lineProduct: Int32Array): number {
  const counts = new Int32Array(PRODUCTS);
  for (let k = 0; k < lineProduct.length; k++) counts[lineProduct[k]!]!++;
  return counts[0]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const [data, generated] = time(generate);
process.stderr.write(`generated ${data.orders} orders, ${data.lines} lines in ${Math.round(generated.wallMs)} ms\n`);

const BASELINE_PASSES = 10;
const baselines: number[] = [];
let sink = 0;
const measureBaseline = () => {
  const [, timing] = time(() => {
    for (let r = 0; r < BASELINE_PASSES; r++) sink += baselinePass(data.lineProduct);
  });
  baselines.push(timing.cpuMs / BASELINE_PASSES);
};
for (let i = 0; i < 3; i++) measureBaseline();

const steps: Record<string, Timing> = {};
const [orderBaskets, basketsTiming] = time(() =>
  basketsFromLines(data.lineOrder, data.lineProduct, data.orders, PRODUCTS),
);
steps.order_baskets = basketsTiming;
const [orderPairs, orderPairsTiming] = time(() =>
  findCompanions(orderBaskets, { minPairCount: 5, topK: 20, rankBy: "lift" }),
);
steps.order_pairs = orderPairsTiming;
const [histories, historiesTiming] = time(() => customerHistories(orderBaskets, data.orderCustomer, CUSTOMERS));
steps.customer_histories = historiesTiming;
const [historyPairs, historyPairsTiming] = time(() =>
  findCompanions(histories, { minPairCount: 5, topK: 20, rankBy: "lift" }),
);
steps.history_pairs = historyPairsTiming;
const [, segmentsTiming] = time(() => productSegmentTable(histories, data.customerSegment, SEGMENTS));
steps.product_segments = segmentsTiming;
const [suggestions, suggestTiming] = time(() =>
  suggestNextProducts(histories, data.customerSegment, SEGMENTS, { topK: 20, minPairCount: 3 }),
);
steps.next_product = suggestTiming;

for (let i = 0; i < 3; i++) measureBaseline();
const baselineMs = median(baselines);
const totalWallMs = Object.values(steps).reduce((a, b) => a + b.wallMs, 0);
const totalCpuMs = Object.values(steps).reduce((a, b) => a + b.cpuMs, 0);

const sources: Record<string, number> = Object.fromEntries(SUGGESTION_SOURCES.map((s) => [s, 0]));
for (let c = 0; c < CUSTOMERS; c++) sources[SUGGESTION_SOURCES[suggestions.source[c]!]!]!++;
// Sanity: the synthetic baskets stay within a category, so most top companions should share it.
let sameCategory = 0;
let firstCompanions = 0;
for (let p = 0; p < PRODUCTS; p++) {
  if (orderPairs.offsets[p + 1]! > orderPairs.offsets[p]!) {
    firstCompanions++;
    if (data.categoryOf(orderPairs.companion[orderPairs.offsets[p]!]!) === data.categoryOf(p)) sameCategory++;
  }
}
process.stderr.write(
  `products with companions ${firstCompanions}, top companion in the same category ${sameCategory} (sink ${sink})\n`,
);

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
console.log(
  JSON.stringify({
    customers: CUSTOMERS,
    orders: data.orders,
    lines: data.lines,
    products: PRODUCTS,
    segments: SEGMENTS,
    steps_cpu_ms: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.cpuMs)])),
    steps_wall_ms: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.wallMs)])),
    total_cpu_ms: round(totalCpuMs),
    total_wall_ms: round(totalWallMs),
    baseline_cpu_ms_per_pass: round(baselineMs, 2),
    baseline_runs_cpu_ms: baselines.map((b) => round(b, 2)),
    ratio_to_baseline: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v.cpuMs / baselineMs)])),
    total_ratio_to_baseline: round(totalCpuMs / baselineMs),
    pair_increments: { orders: orderPairs.pairIncrements, histories: historyPairs.pairIncrements },
    companions_kept: { orders: orderPairs.companion.length, histories: historyPairs.companion.length },
    suggestions: sources,
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 0),
  }),
);
