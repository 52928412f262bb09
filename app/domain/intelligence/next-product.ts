/**
 * A next-product suggestion for every customer, from what customers like them bought together (item-based
 * collaborative filtering on co-purchase, as in Linden, Smith & York 2003, "Amazon.com recommendations:
 * item-to-item collaborative filtering", restricted to the customer's own segment):
 *
 *   score(b) = Σ over products a in the customer's history of confidence_s(a → b)
 *            = Σ_a n_ab(s) / n_a(s)   over the customers of segment s (their whole histories)
 *
 * i.e. the expected number of "customers in your segment who bought a also bought b" votes. Products the
 * customer already has and excluded products (gift cards, discontinued) are never suggested. The suggestion
 * is the highest score (ties: lower product index); `because` is the history product with the highest single
 * confidence toward it ("because you bought …"). Segments with fewer than `minSegmentCustomers` customers use
 * the whole store's co-purchases; when co-purchase finds nothing, the segment's most bought product the
 * customer lacks is suggested (source "popular"), so everyone with a segment gets something to show.
 * Cost: one companion search per segment (together as much work as one over all histories) plus, per
 * customer, history size × k additions into a reused score array.
 */
import { productBasketCounts, type Baskets } from "./baskets";
import { findCompanions, type Companions } from "./co-purchase";

export const SUGGESTION_SOURCES = ["none", "segment", "store", "popular"] as const;
export type SuggestionSource = (typeof SUGGESTION_SOURCES)[number];

export interface NextProductOptions {
  /** Companions kept per product and segment. Default 10 (a suggestion needs the strong ones only). */
  topK?: number;
  /** Minimum customers who bought both, within the segment. Default 3. */
  minPairCount?: number;
  /** Segments with fewer customers use the store-wide companions. Default 200. */
  minSegmentCustomers?: number;
  /** exclude[p] = 1: never suggest product p. */
  exclude?: ArrayLike<number>;
  /** Fall back to the segment's most bought product. Default true. */
  popularFallback?: boolean;
  /**
   * Store-wide companions over the same histories ranked by confidence, if already computed; otherwise they
   * are computed only when a customer needs them (a small segment, or no segment).
   */
  storeCompanions?: Companions;
}

export interface NextProductSuggestions {
  /** Suggested product per customer, −1 for none. */
  product: Int32Array;
  /** Sum of confidences behind the suggestion (0 for popular or none). */
  score: Float64Array;
  /** History product that pointed to the suggestion most strongly, −1 for none. */
  because: Int32Array;
  /** Index into SUGGESTION_SOURCES. */
  source: Uint8Array;
  /** Companion lists used (per segment, null where the store-wide ones were used), for product pages. */
  segmentCompanions: (Companions | null)[];
  /** null when no customer needed them. */
  storeCompanions: Companions | null;
}

/** A companion list without excluded products, with each entry's confidence precomputed. */
interface Prepared {
  offsets: Int32Array;
  companion: Int32Array;
  confidence: Float64Array;
}

function prepare(c: Companions, excluded: Uint8Array): Prepared {
  const P = c.productCount;
  const offsets = new Int32Array(P + 1);
  const companion = new Int32Array(c.companion.length);
  const confidence = new Float64Array(c.companion.length);
  let out = 0;
  for (let a = 0; a < P; a++) {
    offsets[a] = out;
    for (let j = c.offsets[a]!; j < c.offsets[a + 1]!; j++) {
      const b = c.companion[j]!;
      if (excluded[b] === 1) continue;
      companion[out] = b;
      confidence[out++] = c.pairCount[j]! / c.itemCount[a]!;
    }
  }
  offsets[P] = out;
  return { offsets, companion, confidence };
}

/** Products by descending count (ties: lower index), only those bought at all. */
function popularity(counts: Int32Array): Int32Array {
  let n = 0;
  for (let p = 0; p < counts.length; p++) if (counts[p]! > 0) n++;
  const order = new Int32Array(n);
  for (let p = 0, j = 0; p < counts.length; p++) if (counts[p]! > 0) order[j++] = p;
  return order.sort((x, y) => counts[y]! - counts[x]! || x - y);
}

export function suggestNextProducts(
  histories: Baskets,
  customerSegment: ArrayLike<number>,
  segmentCount: number,
  options: NextProductOptions = {},
): NextProductSuggestions {
  const P = histories.productCount;
  const C = histories.basketCount;
  const S = Math.max(0, Math.floor(segmentCount));
  const topK = options.topK ?? 10;
  const minPairCount = options.minPairCount ?? 3;
  const minSegmentCustomers = options.minSegmentCustomers ?? 200;
  const popularFallback = options.popularFallback ?? true;
  const excluded = new Uint8Array(P);
  if (options.exclude)
    for (let p = 0; p < Math.min(P, options.exclude.length); p++) excluded[p] = options.exclude[p] ? 1 : 0;

  // Customers grouped by segment (counting sort), each group a subset for the companion search.
  const segmentOf = new Int32Array(C);
  const sizes = new Int32Array(S + 1);
  for (let c = 0; c < C; c++) {
    const s = c < customerSegment.length ? customerSegment[c]! : -1;
    segmentOf[c] = Number.isInteger(s) && s >= 0 && s < S ? s : -1;
    if (segmentOf[c]! >= 0) sizes[segmentOf[c]! + 1]!++;
  }
  for (let s = 0; s < S; s++) sizes[s + 1]! += sizes[s]!;
  const members = new Int32Array(sizes[S]!);
  const fill = sizes.slice(0, S);
  for (let c = 0; c < C; c++) if (segmentOf[c]! >= 0) members[fill[segmentOf[c]!]!++] = c;

  const common = { topK, minPairCount, rankBy: "confidence" as const };
  let storeCompanions: Companions | null = options.storeCompanions ?? null;
  let storePrepared: Prepared | null = null;
  const store = (): Prepared =>
    (storePrepared ??= prepare((storeCompanions ??= findCompanions(histories, common)), excluded));
  const storePopular = popularity(productBasketCounts(histories));
  const segmentCompanions: (Companions | null)[] = [];
  const segmentPrepared: (Prepared | null)[] = [];
  const segmentPopular: Int32Array[] = [];
  for (let s = 0; s < S; s++) {
    const subset = members.subarray(sizes[s]!, sizes[s + 1]!);
    const companions = subset.length >= minSegmentCustomers ? findCompanions(histories, { ...common, subset }) : null;
    segmentCompanions.push(companions);
    segmentPrepared.push(companions ? prepare(companions, excluded) : null);
    segmentPopular.push(companions ? popularity(companions.itemCount) : storePopular);
  }

  const product = new Int32Array(C).fill(-1);
  const score = new Float64Array(C);
  const because = new Int32Array(C).fill(-1);
  const source = new Uint8Array(C);
  const owned = new Int32Array(P).fill(-1);
  const scratch = new Float64Array(P);
  const touched = new Int32Array(P);
  const { offsets, items } = histories;

  for (let c = 0; c < C; c++) {
    const s = segmentOf[c]!;
    const fromSegment = s >= 0 ? segmentPrepared[s]! : null;
    const comp = fromSegment ?? store();
    const start = offsets[c]!;
    const end = offsets[c + 1]!;
    for (let k = start; k < end; k++) owned[items[k]!] = c;
    let t = 0;
    for (let k = start; k < end; k++) {
      const a = items[k]!;
      const last = comp.offsets[a + 1]!;
      for (let j = comp.offsets[a]!; j < last; j++) {
        const b = comp.companion[j]!;
        if (owned[b] === c) continue;
        if (scratch[b] === 0) touched[t++] = b;
        scratch[b]! += comp.confidence[j]!;
      }
    }
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < t; i++) {
      const b = touched[i]!;
      const value = scratch[b]!;
      scratch[b] = 0;
      if (value > bestScore || (value === bestScore && b < best)) {
        best = b;
        bestScore = value;
      }
    }
    if (best >= 0) {
      product[c] = best;
      score[c] = bestScore;
      source[c] = fromSegment ? 1 : 2;
      let strongest = 0;
      for (let k = start; k < end; k++) {
        const a = items[k]!;
        for (let j = comp.offsets[a]!; j < comp.offsets[a + 1]!; j++) {
          if (comp.companion[j] !== best) continue;
          if (comp.confidence[j]! > strongest) {
            strongest = comp.confidence[j]!;
            because[c] = a;
          }
          break;
        }
      }
    } else if (popularFallback) {
      const popular = s >= 0 ? segmentPopular[s]! : storePopular;
      for (let i = 0; i < popular.length; i++) {
        const p = popular[i]!;
        if (owned[p] !== c && excluded[p] === 0) {
          product[c] = p;
          source[c] = 3;
          break;
        }
      }
    }
  }
  return { product, score, because, source, segmentCompanions, storeCompanions };
}
