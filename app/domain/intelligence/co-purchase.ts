/**
 * Products bought together: for every product, its companions ranked by support, confidence or lift, the
 * association-rule measures of Agrawal, Imieliński & Swami (1993, SIGMOD, support and confidence) and
 * Brin, Motwani, Ullman & Tsur (1997, SIGMOD, "interest", now called lift). Over N baskets, with n_a the
 * baskets containing a and n_ab those containing both:
 *   support(a, b)        = n_ab / N
 *   confidence(a → b)    = n_ab / n_a          ("of the baskets with a, the share that also had b")
 *   lift(a, b)           = n_ab · N / (n_a n_b) (> 1: bought together more often than chance)
 *
 * How it stays fast at millions of baskets and thousands of products:
 * - minimum support first (the Apriori property: a pair is never more frequent than either product), so
 *   products below the threshold are removed from every basket, and baskets left with one product dropped;
 * - an inverted index (product → baskets) and, per product a, one dense counter array over products that is
 *   reset through a list of touched entries (a sparse accumulator, as in sparse matrix products AᵀA), so pair
 *   counts are never stored for all pairs and no object is created per pair;
 * - only the top k companions of each product are kept, selected with a size-k heap.
 * Work is Σ over kept baskets of k(k−1) counter increments (every pair is counted from both sides, which gives
 * both directions of confidence without a second pass); memory is two copies of the basket items plus O(P·k).
 */
import type { Baskets } from "./baskets";

export type PairRanking = "support" | "confidence" | "lift";

export interface CoPurchaseOptions {
  /** Pairs seen in fewer baskets are ignored. Default 3. */
  minPairCount?: number;
  /** Pairs below this share of baskets are ignored (the larger of the two thresholds applies). Default 0. */
  minSupport?: number;
  /** Companions kept per product. Default 20. */
  topK?: number;
  /**
   * Order of each product's companions. For a fixed product, support and confidence rank alike; lift favours
   * rarer companions. Default "confidence" ("customers who bought this also bought").
   */
  rankBy?: PairRanking;
  /** Only these baskets (e.g. the customers of one segment). Default all. */
  subset?: ArrayLike<number>;
}

export interface Companions {
  /** Baskets considered (N). */
  basketCount: number;
  productCount: number;
  /** The count threshold actually applied. */
  minPairCount: number;
  rankBy: PairRanking;
  /** n_a: baskets containing each product. */
  itemCount: Int32Array;
  /** Companions of product a: companion[offsets[a] .. offsets[a + 1]), best first. */
  offsets: Int32Array;
  companion: Int32Array;
  /** n_ab of each listed pair. */
  pairCount: Int32Array;
  /** Counter increments performed (the work done), for benchmarks. */
  pairIncrements: number;
}

export interface CompanionRow {
  product: number;
  baskets: number;
  support: number;
  confidence: number;
  lift: number;
}

export interface PairRow {
  a: number;
  b: number;
  baskets: number;
  support: number;
  /** confidence(a → b) and confidence(b → a). */
  confidenceAB: number;
  confidenceBA: number;
  lift: number;
}

function positiveInt(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

export function findCompanions(baskets: Baskets, options: CoPurchaseOptions = {}): Companions {
  const P = baskets.productCount;
  const { offsets, items } = baskets;
  const topK = positiveInt(options.topK, 20);
  const rankBy = options.rankBy ?? "confidence";
  const subset = options.subset;
  const basketAt = subset ? (j: number) => subset[j]! : (j: number) => j;
  const total = subset ? subset.length : baskets.basketCount;
  let N = 0;

  const itemCount = new Int32Array(P);
  for (let j = 0; j < total; j++) {
    const b = basketAt(j);
    if (!(b >= 0 && b < baskets.basketCount)) continue;
    N++;
    for (let k = offsets[b]!; k < offsets[b + 1]!; k++) itemCount[items[k]!]!++;
  }
  const support = typeof options.minSupport === "number" && options.minSupport > 0 ? options.minSupport : 0;
  const minCount = Math.max(1, positiveInt(options.minPairCount, 3), Math.ceil(support * N));

  // Pruned baskets: frequent products only, at least two of them.
  let keptItems = 0;
  let keptBaskets = 0;
  for (let j = 0; j < total; j++) {
    const b = basketAt(j);
    if (!(b >= 0 && b < baskets.basketCount)) continue;
    let size = 0;
    for (let k = offsets[b]!; k < offsets[b + 1]!; k++) if (itemCount[items[k]!]! >= minCount) size++;
    if (size >= 2) {
      keptItems += size;
      keptBaskets++;
    }
  }
  const pOffsets = new Int32Array(keptBaskets + 1);
  const pItems = new Int32Array(keptItems);
  const invStart = new Int32Array(P + 1);
  for (let j = 0, out = 0, kb = 0; j < total; j++) {
    const b = basketAt(j);
    if (!(b >= 0 && b < baskets.basketCount)) continue;
    const begin = out;
    for (let k = offsets[b]!; k < offsets[b + 1]!; k++) {
      const p = items[k]!;
      if (itemCount[p]! >= minCount) pItems[out++] = p;
    }
    if (out - begin >= 2) {
      for (let k = begin; k < out; k++) invStart[pItems[k]! + 1]!++;
      pOffsets[++kb] = out;
    } else out = begin;
  }
  for (let p = 0; p < P; p++) invStart[p + 1]! += invStart[p]!;
  const invBasket = new Int32Array(keptItems);
  const invFill = invStart.slice(0, P);
  for (let b = 0; b < keptBaskets; b++) {
    for (let k = pOffsets[b]!; k < pOffsets[b + 1]!; k++) invBasket[invFill[pItems[k]!]!++] = b;
  }

  // Per product: count co-occurrences, keep the top k.
  const acc = new Int32Array(P);
  const touched = new Int32Array(P);
  const heapScore = new Float64Array(Math.max(topK, 1));
  const heapItem = new Int32Array(Math.max(topK, 1));
  const heapCount = new Int32Array(Math.max(topK, 1));
  const outOffsets = new Int32Array(P + 1);
  let capacity = Math.max(16, Math.min(P * topK, 1 << 20));
  let outCompanion = new Int32Array(capacity);
  let outCount = new Int32Array(capacity);
  let out = 0;
  let increments = 0;
  // "worse" = lower score, or equal score and higher product index (so ties resolve to the lower index).
  const worse = (i: number, j: number) =>
    heapScore[i]! < heapScore[j]! || (heapScore[i] === heapScore[j] && heapItem[i]! > heapItem[j]!);
  const swap = (i: number, j: number) => {
    const s = heapScore[i]!;
    heapScore[i] = heapScore[j]!;
    heapScore[j] = s;
    const it = heapItem[i]!;
    heapItem[i] = heapItem[j]!;
    heapItem[j] = it;
    const c = heapCount[i]!;
    heapCount[i] = heapCount[j]!;
    heapCount[j] = c;
  };
  const siftDown = (size: number) => {
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };

  for (let a = 0; a < P; a++) {
    outOffsets[a] = out;
    if (topK === 0 || itemCount[a]! < minCount) continue;
    let t = 0;
    for (let j = invStart[a]!; j < invStart[a + 1]!; j++) {
      const b = invBasket[j]!;
      const end = pOffsets[b + 1]!;
      for (let k = pOffsets[b]!; k < end; k++) {
        const c = pItems[k]!;
        if (acc[c] === 0) touched[t++] = c;
        acc[c]!++;
      }
      increments += end - pOffsets[b]!;
    }
    let size = 0;
    const byLift = rankBy === "lift";
    for (let i = 0; i < t; i++) {
      const c = touched[i]!;
      const count = acc[c]!;
      acc[c] = 0;
      if (c === a || count < minCount) continue;
      const score = byLift ? count / itemCount[c]! : count;
      if (size < topK) {
        // Append and sift up.
        let at = size++;
        heapScore[at] = score;
        heapItem[at] = c;
        heapCount[at] = count;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if (!worse(at, parent)) break;
          swap(at, parent);
          at = parent;
        }
      } else if (score > heapScore[0]! || (score === heapScore[0] && c < heapItem[0]!)) {
        heapScore[0] = score;
        heapItem[0] = c;
        heapCount[0] = count;
        siftDown(size);
      }
    }
    if (out + size > capacity) {
      capacity = Math.max(capacity * 2, out + size);
      const grownCompanion = new Int32Array(capacity);
      grownCompanion.set(outCompanion.subarray(0, out));
      outCompanion = grownCompanion;
      const grownCount = new Int32Array(capacity);
      grownCount.set(outCount.subarray(0, out));
      outCount = grownCount;
    }
    // Pop the heap worst-first, writing from the back: best first in the output.
    for (let remaining = size; remaining > 0; remaining--) {
      outCompanion[out + remaining - 1] = heapItem[0]!;
      outCount[out + remaining - 1] = heapCount[0]!;
      swap(0, remaining - 1);
      siftDown(remaining - 1);
    }
    out += size;
  }
  outOffsets[P] = out;
  return {
    basketCount: N,
    productCount: P,
    minPairCount: minCount,
    rankBy,
    itemCount,
    offsets: outOffsets,
    companion: outCompanion.slice(0, out),
    pairCount: outCount.slice(0, out),
    pairIncrements: Math.max(0, increments - keptItems),
  };
}

function measures(c: Companions, a: number, b: number, count: number): Omit<PairRow, "a" | "b" | "baskets"> {
  const N = c.basketCount;
  const na = c.itemCount[a]!;
  const nb = c.itemCount[b]!;
  return {
    support: N > 0 ? count / N : 0,
    confidenceAB: na > 0 ? count / na : 0,
    confidenceBA: nb > 0 ? count / nb : 0,
    lift: na > 0 && nb > 0 ? (count * N) / (na * nb) : 0,
  };
}

/** A product's companions, best first, with the three measures. Empty for an unknown product. */
export function companionsOf(c: Companions, product: number): CompanionRow[] {
  if (!(Number.isInteger(product) && product >= 0 && product < c.productCount)) return [];
  const rows: CompanionRow[] = [];
  for (let k = c.offsets[product]!; k < c.offsets[product + 1]!; k++) {
    const b = c.companion[k]!;
    const count = c.pairCount[k]!;
    const m = measures(c, product, b, count);
    rows.push({ product: b, baskets: count, support: m.support, confidence: m.confidenceAB, lift: m.lift });
  }
  return rows;
}

/**
 * The strongest pairs store-wide among the kept companions, each unordered pair once (a < b), ranked by the
 * chosen measure (confidence: the larger of the two directions); ties by baskets, then product indexes.
 */
export function topPairs(c: Companions, limit: number, rankBy: PairRanking = "lift"): PairRow[] {
  const seen = new Set<number>();
  const rows: PairRow[] = [];
  for (let a = 0; a < c.productCount; a++) {
    for (let k = c.offsets[a]!; k < c.offsets[a + 1]!; k++) {
      const b = c.companion[k]!;
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      const key = lo * c.productCount + hi;
      if (seen.has(key)) continue;
      seen.add(key);
      const count = c.pairCount[k]!;
      rows.push({ a: lo, b: hi, baskets: count, ...measures(c, lo, hi, count) });
    }
  }
  const score = (r: PairRow) =>
    rankBy === "lift" ? r.lift : rankBy === "support" ? r.support : Math.max(r.confidenceAB, r.confidenceBA);
  rows.sort((x, y) => score(y) - score(x) || y.baskets - x.baskets || x.a - y.a || x.b - y.b);
  return rows.slice(0, Math.max(0, Math.floor(limit)));
}
