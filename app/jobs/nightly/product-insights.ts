/**
 * The nightly's products phase as a pure computation over the one read's baskets and lines (no I/O), so it can run
 * on a thread of its own beside the scoring and the score writes (product-insights-in-worker.server.ts): the pairs
 * first, which need no scores, then what needs each customer's segment.
 */
import { RFM_SEGMENTS } from "../../domain/segments";
import { roundOrNull as round } from "../../domain/math/round";
import {
  basketsFromLines,
  customerHistories,
  productBasketCounts,
  type Baskets,
} from "../../domain/intelligence/baskets";
import {
  companionsOf,
  findCompanions,
  topPairs,
  type Companions,
  type PairRow,
} from "../../domain/intelligence/co-purchase";
import { productSegmentTable, segmentsForProduct } from "../../domain/intelligence/product-segments";
import { suggestNextProducts, SUGGESTION_SOURCES } from "../../domain/intelligence/next-product";
import { stepMarker, type Steps } from "../step-timer";

/** Products kept with their companions and segments in the products summary (the most bought first). */
const PRODUCTS_KEPT = 1000;
const COMPANIONS_KEPT = 8;
const PAIRS_KEPT = 100;

/** The run's baskets and lines, from the one read of the orders. */
export interface BasketInput {
  customers: number;
  /** Per counted order (basket k): the customer's index. */
  basketCustomer: Int32Array;
  /** Per order line with a product: its basket and its product (an index into productIds). */
  lineBasket: Int32Array;
  lineProduct: Int32Array;
  productIds: string[];
  titles: string[];
}

/** The baskets and lines, and each customer's RFM segment. */
export interface ProductInput extends BasketInput {
  /** Customer i's RFM segment (an index into RFM_SEGMENTS; 255: none). */
  segmentIndex: Uint8Array;
}

/** What the products phase gives the run: the suggestion per customer and the summary the Products page reads. */
export interface ProductResults {
  productIds: string[];
  titles: string[];
  suggestion: Int32Array;
  because: Int32Array;
  summary: unknown;
  baskets: number;
}

/**
 * Baskets, pairs bought together (over orders and over each customer's history), the segments that buy each product
 * and a next-product suggestion per customer. CPU only: it runs in a thread of its own at scale (product-insights-worker.ts).
 */
export function computeProductInsights(input: ProductInput, steps: Steps): ProductResults {
  return finishProductInsights(productPairs(input, steps), input.segmentIndex, steps);
}

/** What the phase computes before it needs the segments: baskets, each customer's history, pairs bought together. */
export interface ProductPairs {
  input: BasketInput;
  baskets: Baskets;
  histories: Baskets;
  orderPairs: Companions;
  historyPairs: Companions;
}

/** The first part of the phase: it needs no scores, so it can start as soon as the orders are read. */
export function productPairs(input: BasketInput, steps: Steps): ProductPairs {
  const mark = stepMarker(steps);
  const { customers: n, lineBasket, lineProduct, productIds, basketCustomer } = input;
  const baskets = basketsFromLines(lineBasket, lineProduct, basketCustomer.length, productIds.length);
  const histories = customerHistories(baskets, basketCustomer, n);
  mark("baskets");
  const orderPairs = findCompanions(baskets, { topK: 20 });
  const historyPairs = findCompanions(histories, { topK: 20 });
  mark("pairs");
  return { input, baskets, histories, orderPairs, historyPairs };
}

/** The rest, once each customer's segment is known: segments per product, suggestions, the summary. */
export function finishProductInsights(pairs: ProductPairs, segmentIndex: Uint8Array, steps: Steps): ProductResults {
  const mark = stepMarker(steps);
  const { input, baskets, histories, orderPairs, historyPairs } = pairs;
  const { customers: n, productIds, titles } = input;
  const P = productIds.length;
  const segments = productSegmentTable(histories, segmentIndex, RFM_SEGMENTS.length);
  const next = suggestNextProducts(histories, segmentIndex, RFM_SEGMENTS.length, { storeCompanions: historyPairs });
  mark("next_product");

  const basketCounts = productBasketCounts(baskets);
  const buyers = segments.productBuyers;
  const kept = Array.from({ length: P }, (_, k) => k)
    .sort((a, b) => buyers[b]! - buyers[a]! || a - b)
    .slice(0, PRODUCTS_KEPT);
  const pair = (r: PairRow) => ({
    a: productIds[r.a],
    b: productIds[r.b],
    baskets: r.baskets,
    support: round(r.support, 6),
    confidenceAB: round(r.confidenceAB),
    confidenceBA: round(r.confidenceBA),
    lift: round(r.lift, 3),
  });
  const companion = (rows: ReturnType<typeof companionsOf>) =>
    rows.slice(0, COMPANIONS_KEPT).map((r) => ({
      product: productIds[r.product],
      baskets: r.baskets,
      support: round(r.support, 6),
      confidence: round(r.confidence),
      lift: round(r.lift, 3),
    }));
  // The strongest pairs by each measure (the page ranks by the one the merchant picks).
  const strongest = (c: typeof orderPairs) => {
    // Every kept pair once (ranked by lift), then the top by support and by confidence from the same rows.
    const all = topPairs(c, Number.MAX_SAFE_INTEGER, "lift");
    const bySupport = [...all].sort((x, y) => y.support - x.support || y.baskets - x.baskets).slice(0, PAIRS_KEPT);
    const confidence = (r: (typeof all)[number]) => Math.max(r.confidenceAB, r.confidenceBA);
    const byConfidence = [...all].sort((x, y) => confidence(y) - confidence(x)).slice(0, PAIRS_KEPT);
    return [...new Set([...all.slice(0, PAIRS_KEPT), ...bySupport, ...byConfidence])];
  };
  const orderTop = strongest(orderPairs);
  const historyTop = strongest(historyPairs);
  const suggested = new Int32Array(P);
  for (let c = 0; c < n; c++) if (next.product[c]! >= 0) suggested[next.product[c]!]!++;
  const summary = {
    baskets: baskets.basketCount,
    histories: histories.basketCount,
    productCount: P,
    // Titles of the kept products and of every product in a listed pair.
    titles: Object.fromEntries(
      [...kept, ...[...orderTop, ...historyTop].flatMap((r) => [r.a, r.b])].map((k) => [productIds[k], titles[k]]),
    ),
    pairs: { orders: orderTop.map(pair), histories: historyTop.map(pair) },
    products: kept.map((k) => ({
      id: productIds[k],
      title: titles[k],
      baskets: basketCounts[k],
      buyers: buyers[k],
      suggestedTo: suggested[k],
      withOrders: companion(companionsOf(orderPairs, k)),
      withHistories: companion(companionsOf(historyPairs, k)),
      segments: segmentsForProduct(segments, k)
        .slice(0, 5)
        .map((r) => ({
          ...r,
          segment: RFM_SEGMENTS[r.segment],
          shareOfSegment: round(r.shareOfSegment),
          shareOfBuyers: round(r.shareOfBuyers),
          index: round(r.index, 3),
        })),
    })),
    suggestionSources: Object.fromEntries(
      SUGGESTION_SOURCES.map((name, k) => [name, next.source.reduce((sum, s) => sum + (s === k ? 1 : 0), 0)]),
    ),
  };
  mark("product_summary");
  return { productIds, titles, suggestion: next.product, because: next.because, summary, baskets: baskets.basketCount };
}
