/**
 * Wakes whoever waits on a bulk operation in this process when Shopify's bulk_operations/finish webhook for it
 * arrives, so the tag writer looks at a finished operation at once instead of at its next poll. A webhook that
 * lands on another process (or never) costs at most the writer's longest poll interval (5 s by default).
 */
const MAX_ENTRIES = 10_000;

export class BulkOperationSignals {
  private readonly waiting = new Map<string, { wake: (() => void)[]; since: number }>();
  /** Finishes nobody waited for yet (the webhook can beat the writer's first look). */
  private readonly early = new Set<string>();

  constructor(private readonly maxWaitMs = 6 * 3600_000) {}

  /** Resolves when `finished(operationGid)` is called (at once if it already was). */
  wait(operationGid: string): Promise<void> {
    if (this.early.delete(operationGid)) return Promise.resolve();
    this.forgetStale();
    return new Promise((resolve) => {
      const entry = this.waiting.get(operationGid) ?? { wake: [], since: Date.now() };
      entry.wake.push(resolve);
      this.waiting.set(operationGid, entry);
    });
  }

  finished(operationGid: string): void {
    const entry = this.waiting.get(operationGid);
    if (!entry) {
      this.early.add(operationGid);
      // Most finishes are for operations another process waits on: keep only the latest.
      if (this.early.size > MAX_ENTRIES) this.early.delete(this.early.values().next().value!);
      return;
    }
    this.waiting.delete(operationGid);
    for (const wake of entry.wake) wake();
  }

  /** Waiters whose webhook never came gave up polling long ago: drop them. */
  private forgetStale(): void {
    const cutoff = Date.now() - this.maxWaitMs;
    for (const [gid, entry] of this.waiting) if (entry.since < cutoff) this.waiting.delete(gid);
  }
}
