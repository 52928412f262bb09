/** Rank helpers shared by RFM scoring and CLV percentiles. Ties always get the same rank. */

/**
 * Mid-rank fraction of each value among all values: (count below + half the count equal) / n, in (0, 1).
 * A single-valued column gets 0.5 everywhere.
 */
export function midrankFractions(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const below = lowerBound(sorted, v);
    const upTo = upperBound(sorted, v, below);
    out[i] = (below + 0.5 * (upTo - below)) / n;
  }
  return out;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: Float64Array, v: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
