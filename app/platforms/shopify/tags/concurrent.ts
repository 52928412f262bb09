/** Runs `work` over `items` with at most `concurrency` at once, yielding results as they complete. */
export async function* mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const done: R[] = [];
  // In an object so TypeScript sees the callbacks' writes.
  const state: { failure: { error: unknown } | null } = { failure: null };
  let next = 0;
  let running = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const startMore = () => {
    while (running < concurrency && next < items.length && !state.failure && !signal?.aborted) {
      const item = items[next++] as T;
      running++;
      work(item).then(
        (r) => {
          running--;
          done.push(r);
          notify();
        },
        (error: unknown) => {
          running--;
          state.failure ??= { error };
          notify();
        },
      );
    }
  };
  startMore();
  while (running > 0 || done.length > 0) {
    if (done.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    while (done.length > 0) yield done.shift() as R;
    if (state.failure) break;
    startMore();
  }
  // Let the calls still running finish before reporting the failure, so nothing is left half-sent unnoticed.
  while (running > 0) await new Promise<void>((resolve) => (wake = resolve));
  while (done.length > 0) yield done.shift() as R;
  if (state.failure) throw state.failure.error;
}
