/** Milliseconds per step of a phase, reported in the run's counts (where a phase's time goes). */
export type Steps = Record<string, number>;

/** Adds the time `work` takes to `steps[name]` (a step may run many times, e.g. once per chunk). */
export async function timeStep<T>(steps: Steps, name: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    steps[name] = (steps[name] ?? 0) + Math.round(performance.now() - started);
  }
}
