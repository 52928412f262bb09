/** Rank helpers shared by RFM scoring and CLV percentiles. Ties always get the same rank. */

/**
 * Mid-rank fraction of each value among all values: (count below + half the count equal) / n, in (0, 1).
 * A single-valued column gets 0.5 everywhere. One sort, then one binary search per value over the distinct
 * values only (few for day counts and order counts), within the value's bucket of their range.
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
  // Each value's level: a binary search over the distinct values, started from a bucket of the value range (as
  // many buckets as levels) that narrows it to the few levels in that bucket — a search over all of a million
  // distinct amounts was most of this function's time.
  const out = new Float64Array(n);
  const low = distinct[0]!;
  const span = distinct[levels - 1]! - low;
  const buckets = levels;
  const scale = span > 0 && Number.isFinite(span) ? buckets / span : 0;
  const bucketOf = (v: number) => Math.min(buckets - 1, Math.floor((v - low) * scale));
  // bucketStart[b]: the first level in bucket b or after it.
  const bucketStart = new Int32Array(buckets + 1);
  for (let k = 0; k < levels; k++) {
    const next = bucketOf(distinct[k]!) + 1;
    bucketStart[next] = bucketStart[next]! + 1;
  }
  for (let b = 0; b < buckets; b++) bucketStart[b + 1] = bucketStart[b + 1]! + bucketStart[b]!;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const b = bucketOf(v);
    let lo = 0;
    let hi = levels - 1;
    // A value of the column lies in its bucket's levels (NaN and the like take the whole search, as before).
    if (b >= 0 && b < buckets) {
      lo = bucketStart[b]!;
      hi = Math.max(lo, bucketStart[b + 1]! - 1);
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = fraction[lo]!;
  }
  return out;
}
