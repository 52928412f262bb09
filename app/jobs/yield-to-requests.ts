/**
 * Batch work that runs on the request thread (the tag push, the inbox processor) calls this every few thousand
 * items: it lets the event loop serve waiting requests before the next stretch. A loop over an async iterator
 * that never waits for I/O runs as one unbroken chain of microtasks, however many `await`s it has.
 */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Items between two yields in loops over a page of work (about a few milliseconds of work each). */
export const YIELD_EVERY = 1_000;
