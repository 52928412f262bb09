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

/** mark(name): the time since the previous mark (or since the marker was made) is added to the step `name`. */
export function stepMarker(steps: Steps): (name: string) => void {
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    steps[name] = (steps[name] ?? 0) + Math.round(now - last);
    last = now;
  };
}
