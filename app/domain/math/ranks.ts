/** Rank helpers shared by RFM scoring and CLV percentiles. Ties always get the same rank. */

/**
 * Mid-rank fraction of each value among all values: (count below + half the count equal) / n, in (0, 1).
 * A single-valued column gets 0.5 everywhere. One sort, then one binary search per value over the distinct
 * values only (few for day counts and order counts).
 */
export function midrankFractions(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const distinct = new Float64Array(n);
  const fraction = new Float64Array(n);
  let levels = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    distinct[levels] = sorted[start]!;
    fraction[levels++] = (start + 0.5 * (end - start)) / n;
    start = end;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = levels - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = fraction[lo]!;
  }
  return out;
}
