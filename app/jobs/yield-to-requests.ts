/**
 * Batch work that runs on the request thread (the tag push, the inbox processor) calls this every few hundred
 * items: it lets the event loop serve waiting requests before the next stretch. A loop over an async iterator
 * that never waits for I/O runs as one unbroken chain of microtasks, however many `await`s it has.
 */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Items between two yields in loops over a page of work (a few milliseconds of work each). A webhook needs several
 * turns of the event loop; with 1,000 items a turn, the start of a 200,000-customer tag push (pages read, files
 * built back to back) held deliveries for up to a second in bench:soak.
 */
export const YIELD_EVERY = 250;

/** `items.map(fn)` with a turn for requests every YIELD_EVERY items (a page of a push is tens of thousands). */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToRequests();
    out[i] = fn(items[i]!);
  }
  return out;
}
