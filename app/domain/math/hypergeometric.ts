/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 by its power series.
 *
 * The CLV models only call this after an Euler transformation (2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z))
 * that turns the large, overflowing parameters (r+x, b+x for a customer with x = 1000 purchases) into small ones,
 * so the series here stays of moderate size and is summed directly. Convergence slows as z -> 1
 * (terms ~ z^k); the iteration cap keeps the worst case bounded.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  if (z === 0) return 1;
  if (!(z > 0 && z < 1)) return NaN;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (term === 0 || Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}
