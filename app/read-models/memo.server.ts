/**
 * Aggregates that only change when the nightly recompute (or a survey answer) changes them are computed once
 * per version and kept in memory: the first request after a recompute pays for the GROUP BY over a million
 * customer scores, every later one is a lookup. The version is read on each request (one indexed row), so a
 * new run is picked up at once and no stale numbers are served. Bounded, least recently used first out.
 */
interface Entry {
  version: string;
  value: Promise<unknown>;
}

export class VersionedMemo {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 200) {}

  get<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Refresh recency.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    const entry = { version, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failed computation must not be cached.
    value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /**
   * Stale-while-revalidate by age, for numbers that change with every survey answer: a value younger than
   * `maxAgeMs` is served as is; an older one is still served while a fresh one is computed in the background.
   */
  fresh<T>(key: string, maxAgeMs: number, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - Number(hit.version) < maxAgeMs) return hit.value as Promise<T>;
    if (!hit) return this.get(key, String(now), compute);
    hit.version = String(now); // one refresh at a time; others keep getting the old value meanwhile
    compute().then(
      (value) => this.entries.set(key, { version: String(now), value: Promise.resolve(value) }),
      () => undefined, // keep the old value; the next request after maxAgeMs tries again
    );
    return hit.value as Promise<T>;
  }

  clear(prefix = ""): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** One process-wide memo for the admin's aggregates, keyed "<storeId>:<what>". */
export const adminMemo = new VersionedMemo();
/** Segment member pages, keyed by store, segment and query; versioned by the recompute run. */
export const memberPageMemo = new VersionedMemo(1000);
