/** Keeps this thread computing for `ms`, with no turn of its event loop: a step of real work, as the tests need it. */
export function computeFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // computing
  }
}
