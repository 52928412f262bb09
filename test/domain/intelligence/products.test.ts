import { describe, expect, it } from "vitest";
import { basketsFromLines, customerHistories, productBasketCounts } from "../../../app/domain/intelligence/baskets";
import { companionsOf, findCompanions, topPairs } from "../../../app/domain/intelligence/co-purchase";
import { productSegmentTable, segmentsForProduct } from "../../../app/domain/intelligence/product-segments";
import { SUGGESTION_SOURCES, suggestNextProducts } from "../../../app/domain/intelligence/next-product";
import { SeededRandom } from "../../../app/domain/math/random";

/** Baskets as lists of products → order lines. */
function linesOf(baskets: number[][]) {
  const basket: number[] = [];
  const product: number[] = [];
  baskets.forEach((items, b) => items.forEach((p) => (basket.push(b), product.push(p))));
  return { basket, product };
}

function basketList(b: ReturnType<typeof basketsFromLines>): number[][] {
  return Array.from({ length: b.basketCount }, (_, i) =>
    Array.from(b.items.subarray(b.offsets[i]!, b.offsets[i + 1]!)),
  );
}

/**
 * Products: 0 bread, 1 butter, 2 jam, 3 milk, 4 eggs. Six orders:
 *   b0 {0,1}  b1 {0,1,2}  b2 {0,2}  b3 {1,3}  b4 {0,1}  b5 {3,4}
 * N = 6; n0 = 4, n1 = 4, n2 = 2, n3 = 2, n4 = 1.
 * Pair counts: (0,1) = 3 (b0,b1,b4); (0,2) = 2 (b1,b2); (1,2) = 1; (1,3) = 1; (3,4) = 1.
 * With minPairCount 2 only (0,1) and (0,2) remain:
 *   (0,1): support 3/6 = 0.5, confidence 0→1 = 3/4, 1→0 = 3/4, lift 3·6/(4·4) = 1.125
 *   (0,2): support 2/6,       confidence 0→2 = 2/4, 2→0 = 2/2, lift 2·6/(4·2) = 1.5
 * Product 4 (n = 1) is pruned, so b5 drops to {3} and is skipped; the kept baskets b0..b4 have sizes
 * 2, 3, 2, 2, 2, so the counter does Σ k(k−1) = 2 + 6 + 2 + 2 + 2 = 14 increments.
 */
const ORDERS = [
  [0, 1],
  [0, 1, 2],
  [0, 2],
  [1, 3],
  [0, 1],
  [3, 4],
];

describe("baskets", () => {
  it("builds CSR baskets from lines, skipping invalid lines and repeated products", () => {
    const basket = [0, 0, 0, 1, 2, 2, -1, 1, 5, 0.5, 1];
    const product = [3, 1, 3, 2, 9, 0, 1, NaN, 1, 1, 2];
    const baskets = basketsFromLines(basket, product, 3, 5);
    expect(basketList(baskets)).toEqual([[3, 1], [2], [0]]);
    expect(Array.from(productBasketCounts(baskets))).toEqual([1, 1, 1, 1, 0]);
    expect(basketList(basketsFromLines([], [], 0, 5))).toEqual([]);
  });

  it("merges each customer's baskets into one history", () => {
    const { basket, product } = linesOf(ORDERS);
    const orders = basketsFromLines(basket, product, 6, 5);
    // Customers: b0,b3 → c0; b1 → c1; b2,b5 → c2; b4 → nobody (guest without e-mail).
    const histories = customerHistories(orders, [0, 1, 2, 0, -1, 2], 3);
    expect(basketList(histories)).toEqual([
      [0, 1, 3],
      [0, 1, 2],
      [0, 2, 3, 4],
    ]);
  });
});

describe("findCompanions", () => {
  const { basket, product } = linesOf(ORDERS);
  const orders = basketsFromLines(basket, product, 6, 5);

  it("matches the hand-computed support, confidence and lift", () => {
    const c = findCompanions(orders, { minPairCount: 2 });
    expect(c.basketCount).toBe(6);
    expect(c.pairIncrements).toBe(14);
    expect(companionsOf(c, 0)).toEqual([
      { product: 1, baskets: 3, support: 0.5, confidence: 0.75, lift: 1.125 },
      { product: 2, baskets: 2, support: 2 / 6, confidence: 0.5, lift: 1.5 },
    ]);
    expect(companionsOf(c, 2)).toEqual([{ product: 0, baskets: 2, support: 2 / 6, confidence: 1, lift: 1.5 }]);
    expect(companionsOf(c, 3)).toEqual([]);
    expect(companionsOf(c, 4)).toEqual([]);
    expect(companionsOf(c, 99)).toEqual([]);
  });

  it("ranks by lift when asked, and lists each pair once store-wide", () => {
    const c = findCompanions(orders, { minPairCount: 2, rankBy: "lift" });
    expect(companionsOf(c, 0).map((r) => r.product)).toEqual([2, 1]);
    expect(topPairs(c, 10).map((p) => [p.a, p.b, p.lift])).toEqual([
      [0, 2, 1.5],
      [0, 1, 1.125],
    ]);
    expect(topPairs(c, 10, "support").map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(topPairs(c, 1)).toHaveLength(1);
    expect(topPairs(c, 10)[0]).toMatchObject({ confidenceAB: 0.5, confidenceBA: 1 });
  });

  it("applies a relative minimum support and keeps only the top k, ties to the lower product", () => {
    // minSupport 0.4 of 6 baskets → at least 3: only (0,1).
    expect(topPairs(findCompanions(orders, { minSupport: 0.4, minPairCount: 1 }), 10).map((p) => [p.a, p.b])).toEqual([
      [0, 1],
    ]);
    // minPairCount 1, top 1: product 1's companions 0 (3) beat 2 and 3 (1 each).
    const top1 = findCompanions(orders, { minPairCount: 1, topK: 1 });
    expect(companionsOf(top1, 1).map((r) => r.product)).toEqual([0]);
    // Product 3: companions 1 and 4 tie at 1 basket each → the lower index wins.
    expect(companionsOf(top1, 3).map((r) => r.product)).toEqual([1]);
    expect(findCompanions(orders, { topK: 0 }).companion.length).toBe(0);
  });

  it("handles empty baskets, a single basket and a subset", () => {
    const empty = findCompanions(basketsFromLines([], [], 0, 3));
    expect(empty.basketCount).toBe(0);
    expect(topPairs(empty, 5)).toEqual([]);
    const single = findCompanions(basketsFromLines([0, 0], [1, 2], 1, 3), { minPairCount: 1 });
    expect(companionsOf(single, 1)).toEqual([{ product: 2, baskets: 1, support: 1, confidence: 1, lift: 1 }]);
    // Only b3 and b5: (1,3) and (3,4) once each.
    const subset = findCompanions(orders, { minPairCount: 1, subset: [3, 5, 99, -1] });
    expect(subset.basketCount).toBe(2);
    expect(companionsOf(subset, 3).map((r) => r.product)).toEqual([1, 4]);
  });

  it("agrees with a brute-force count on random baskets", () => {
    const random = new SeededRandom(7);
    const P = 30;
    const lists: number[][] = [];
    for (let b = 0; b < 400; b++) {
      const size = 1 + Math.floor(random.uniform() * 5);
      lists.push(Array.from({ length: size }, () => Math.floor(random.uniform() ** 2 * P)));
    }
    const { basket, product } = linesOf(lists);
    const c = findCompanions(basketsFromLines(basket, product, lists.length, P), { minPairCount: 2, topK: P });
    const sets = lists.map((l) => new Set(l));
    for (let a = 0; a < P; a++) {
      const expected: [number, number][] = [];
      for (let b = 0; b < P; b++) {
        if (b === a) continue;
        const count = sets.filter((s) => s.has(a) && s.has(b)).length;
        if (count >= 2 && sets.filter((s) => s.has(a)).length >= 2) expected.push([b, count]);
      }
      expected.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      expect(companionsOf(c, a).map((r) => [r.product, r.baskets])).toEqual(expected);
    }
  });
});

describe("segments that buy a product", () => {
  it("matches the hand-computed shares and index", () => {
    // Segment 0: c0..c3, segment 1: c4..c7; only segment 1 buys product 3 (c4, c5, c6).
    // Product 3: 3 buyers of 8 customers overall (0.375); segment 1: 3 of 4 (0.75) → index 2.
    const histories = customerHistories(
      basketsFromLines(
        ...(Object.values(linesOf([[0, 1], [0, 1, 2], [0, 2], [0], [3, 4], [3, 4], [3], []])) as [number[], number[]]),
        8,
        5,
      ),
      [0, 1, 2, 3, 4, 5, 6, 7],
      8,
    );
    const table = productSegmentTable(histories, [0, 0, 0, 0, 1, 1, 1, 1], 2);
    expect(segmentsForProduct(table, 3)).toEqual([
      { segment: 1, buyers: 3, shareOfSegment: 0.75, shareOfBuyers: 1, index: 2 },
    ]);
    // Product 0: 4 buyers, all in segment 0 → 4/4 of the segment, overall 4/8 → index 2.
    expect(segmentsForProduct(table, 0)[0]).toMatchObject({ segment: 0, index: 2 });
    expect(segmentsForProduct(table, -3)).toEqual([]);
    expect(productSegmentTable(histories, [], 2).customers).toBe(0);
  });
});

describe("suggestNextProducts", () => {
  /**
   * Segment 0: c0 {0,1}, c1 {0,1,2}, c2 {0,2}, c3 {0}. Counts n0 = 4, n1 = 2, n2 = 2; pairs (0,1) = 2,
   *   (0,2) = 2, (1,2) = 1.
   *   c3 {0}:   1 scores 2/4, 2 scores 2/4 → tie → product 1, because 0, score 0.5.
   *   c0 {0,1}: 2 scores conf(0→2) + conf(1→2) = 2/4 + 1/2 = 1 → product 2, because 0 (first of equals).
   *   c2 {0,2}: 1 scores 2/4 + 1/2 = 1 → product 1.
   *   c1 has everything the segment buys → nothing (the popular fallback finds nothing new either).
   * Segment 1: c4 {3,4}, c5 {3,4}, c6 {3}, c7 {} ; n3 = 3, n4 = 2, pair (3,4) = 2.
   *   c6 → 4 with confidence 2/3; c7 (no history) → the segment's most bought product, 3 (popular).
   */
  const histories = customerHistories(
    basketsFromLines(
      ...(Object.values(linesOf([[0, 1], [0, 1, 2], [0, 2], [0], [3, 4], [3, 4], [3], []])) as [number[], number[]]),
      8,
      5,
    ),
    [0, 1, 2, 3, 4, 5, 6, 7],
    8,
  );
  const segment = [0, 0, 0, 0, 1, 1, 1, 1];

  it("suggests what customers in the same segment bought together, never what the customer has", () => {
    const s = suggestNextProducts(histories, segment, 2, { minPairCount: 1, minSegmentCustomers: 1 });
    expect(Array.from(s.product)).toEqual([2, -1, 1, 1, -1, -1, 4, 3]);
    expect(Array.from(s.because)).toEqual([0, -1, 0, 0, -1, -1, 3, -1]);
    expect(Array.from(s.source, (k) => SUGGESTION_SOURCES[k])).toEqual([
      "segment",
      "none",
      "segment",
      "segment",
      "none",
      "none",
      "segment",
      "popular",
    ]);
    expect(s.score[0]).toBe(1);
    expect(s.score[3]).toBe(0.5);
    expect(s.score[6]).toBeCloseTo(2 / 3, 15);
  });

  it("skips excluded products and falls back to store-wide companions for small segments", () => {
    const excluded = suggestNextProducts(histories, segment, 2, {
      minPairCount: 1,
      minSegmentCustomers: 1,
      exclude: [0, 1, 0, 0, 0],
    });
    expect(excluded.product[3]).toBe(2);
    const small = suggestNextProducts(histories, segment, 2, { minPairCount: 1, minSegmentCustomers: 5 });
    expect(SUGGESTION_SOURCES[small.source[6]!]).toBe("store");
    expect(small.product[6]).toBe(4);
    expect(small.segmentCompanions).toEqual([null, null]);
  });

  it("copes with customers without a segment and an empty store", () => {
    const s = suggestNextProducts(histories, [0, 0, 0, 0, 9, NaN, -1], 2, { minPairCount: 1, minSegmentCustomers: 1 });
    expect(SUGGESTION_SOURCES[s.source[6]!]).toBe("store");
    const empty = suggestNextProducts(customerHistories(basketsFromLines([], [], 0, 0), [], 0), [], 0);
    expect(empty.product.length).toBe(0);
  });
});
