/**
 * Baskets in compressed sparse row (CSR) form: the distinct products of basket b are
 * `items[offsets[b] .. offsets[b + 1])`. A basket is an order (products bought together) or a customer's whole
 * history (products bought by the same person, at any time). Products and baskets are dense integer indexes
 * the caller assigns (0..productCount-1, 0..basketCount-1), so millions of baskets are a few typed arrays and
 * no objects. Quantities do not matter: a product is in a basket or not.
 */

export interface Baskets {
  basketCount: number;
  productCount: number;
  /** basketCount + 1 entries. */
  offsets: Int32Array;
  /** Distinct product indexes of each basket, in first-seen order. */
  items: Int32Array;
}

function validIndex(value: number, limit: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < limit;
}

/**
 * Baskets from order lines: line k belongs to basket `lineBasket[k]` and is product `lineProduct[k]`.
 * Lines with an invalid basket or product (negative, too large, not an integer, NaN) are skipped;
 * repeated products within a basket count once. Two passes: a counting sort by basket, then de-duplication
 * with a per-product stamp of the last basket that contained it.
 */
export function basketsFromLines(
  lineBasket: ArrayLike<number>,
  lineProduct: ArrayLike<number>,
  basketCount: number,
  productCount: number,
): Baskets {
  const lines = Math.min(lineBasket.length, lineProduct.length);
  const starts = new Int32Array(basketCount + 1);
  for (let k = 0; k < lines; k++) {
    const b = lineBasket[k]!;
    if (validIndex(b, basketCount) && validIndex(lineProduct[k]!, productCount)) starts[b + 1]!++;
  }
  for (let b = 0; b < basketCount; b++) starts[b + 1]! += starts[b]!;
  const raw = new Int32Array(starts[basketCount]!);
  const fill = starts.slice(0, basketCount);
  for (let k = 0; k < lines; k++) {
    const b = lineBasket[k]!;
    const p = lineProduct[k]!;
    if (validIndex(b, basketCount) && validIndex(p, productCount)) raw[fill[b]!++] = p;
  }
  return dedupe(starts, raw, basketCount, productCount);
}

/** Drops repeated products inside each basket (in place on a copy of the offsets). */
function dedupe(starts: Int32Array, raw: Int32Array, basketCount: number, productCount: number): Baskets {
  const stamp = new Int32Array(productCount).fill(-1);
  const offsets = new Int32Array(basketCount + 1);
  let out = 0;
  for (let b = 0; b < basketCount; b++) {
    offsets[b] = out;
    for (let k = starts[b]!; k < starts[b + 1]!; k++) {
      const p = raw[k]!;
      if (stamp[p] !== b) {
        stamp[p] = b;
        raw[out++] = p;
      }
    }
  }
  offsets[basketCount] = out;
  return { basketCount, productCount, offsets, items: out === raw.length ? raw : raw.slice(0, out) };
}

/**
 * Each customer's history as one basket: the distinct products of all their baskets. `basketCustomer[b]` is
 * the customer of basket b (invalid values: the basket belongs to nobody, e.g. an unattributed guest order).
 */
export function customerHistories(baskets: Baskets, basketCustomer: ArrayLike<number>, customerCount: number): Baskets {
  const { basketCount, productCount, offsets, items } = baskets;
  const starts = new Int32Array(customerCount + 1);
  for (let b = 0; b < basketCount; b++) {
    const c = basketCustomer[b]!;
    if (validIndex(c, customerCount)) starts[c + 1]! += offsets[b + 1]! - offsets[b]!;
  }
  for (let c = 0; c < customerCount; c++) starts[c + 1]! += starts[c]!;
  const raw = new Int32Array(starts[customerCount]!);
  const fill = starts.slice(0, customerCount);
  for (let b = 0; b < basketCount; b++) {
    const c = basketCustomer[b]!;
    if (!validIndex(c, customerCount)) continue;
    let at = fill[c]!;
    for (let k = offsets[b]!; k < offsets[b + 1]!; k++) raw[at++] = items[k]!;
    fill[c] = at;
  }
  return dedupe(starts, raw, customerCount, productCount);
}

/** Number of baskets containing each product. */
export function productBasketCounts(baskets: Baskets): Int32Array {
  const counts = new Int32Array(baskets.productCount);
  const items = baskets.items;
  for (let k = 0; k < items.length; k++) counts[items[k]!]!++;
  return counts;
}
