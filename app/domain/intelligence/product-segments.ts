/**
 * Which segments buy a product: for each product and segment, how many of the segment's customers ever
 * bought it. One pass over the customers' histories into a products × segments count table (5,000 × 11 is
 * 55,000 integers), then per product:
 *   share of segment = buyers in the segment / customers in the segment
 *   share of buyers  = buyers in the segment / all buyers of the product
 *   index            = share of segment / share of all customers who bought it (1 = as often as everyone,
 *                      2 = twice as often: the segment's lift for the product)
 */
import type { Baskets } from "./baskets";

export interface ProductSegmentTable {
  productCount: number;
  segmentCount: number;
  /** buyers[p * segmentCount + s]. */
  buyers: Int32Array;
  /** Customers per segment (with or without purchases of any product listed). */
  segmentCustomers: Int32Array;
  /** Customers who bought each product, across segments. */
  productBuyers: Int32Array;
  customers: number;
}

export interface ProductSegmentRow {
  segment: number;
  buyers: number;
  shareOfSegment: number;
  shareOfBuyers: number;
  index: number;
}

/** `histories` from customerHistories; `customerSegment[c]` a segment index (others are left out). */
export function productSegmentTable(
  histories: Baskets,
  customerSegment: ArrayLike<number>,
  segmentCount: number,
): ProductSegmentTable {
  const P = histories.productCount;
  const S = Math.max(0, Math.floor(segmentCount));
  const buyers = new Int32Array(P * S);
  const segmentCustomers = new Int32Array(S);
  const productBuyers = new Int32Array(P);
  let customers = 0;
  const n = Math.min(histories.basketCount, customerSegment.length);
  for (let c = 0; c < n; c++) {
    const s = customerSegment[c]!;
    if (!(Number.isInteger(s) && s >= 0 && s < S)) continue;
    segmentCustomers[s]!++;
    customers++;
    for (let k = histories.offsets[c]!; k < histories.offsets[c + 1]!; k++) {
      const p = histories.items[k]!;
      buyers[p * S + s]!++;
      productBuyers[p]!++;
    }
  }
  return { productCount: P, segmentCount: S, buyers, segmentCustomers, productBuyers, customers };
}

/** Segments that buy a product, highest index first (ties: more buyers, then segment order). */
export function segmentsForProduct(table: ProductSegmentTable, product: number): ProductSegmentRow[] {
  if (!(Number.isInteger(product) && product >= 0 && product < table.productCount)) return [];
  const total = table.productBuyers[product]!;
  const overall = table.customers > 0 ? total / table.customers : 0;
  const rows: ProductSegmentRow[] = [];
  for (let s = 0; s < table.segmentCount; s++) {
    const buyers = table.buyers[product * table.segmentCount + s]!;
    const size = table.segmentCustomers[s]!;
    if (buyers === 0) continue;
    const shareOfSegment = size > 0 ? buyers / size : 0;
    rows.push({
      segment: s,
      buyers,
      shareOfSegment,
      shareOfBuyers: total > 0 ? buyers / total : 0,
      index: overall > 0 ? shareOfSegment / overall : 0,
    });
  }
  return rows.sort((x, y) => y.index - x.index || y.buyers - x.buyers || x.segment - y.segment);
}
