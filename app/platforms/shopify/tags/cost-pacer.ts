/**
 * Client-side mirror of Shopify's leaky bucket, so calls are paced to the restore rate instead of running into
 * THROTTLED. Before each call we take its requested cost from a local estimate of the points available; the
 * estimate refills at the restore rate and is re-synchronised from `extensions.cost.throttleStatus` on every
 * answer (the bucket is shared with the app's other work for this shop, so the server's number wins). A `reserve`
 * of points is left untouched for that other work. The first call goes alone, to learn the plan's numbers.
 */
import type { GraphqlResult } from "../admin-graphql.server";

export interface CostPacerOptions {
  /** Points left in the bucket for the app's other calls to this shop (default 100 = 1 s at Standard). */
  reservePoints?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class CostPacer {
  private available: number | null = null;
  private restoreRate = 0;
  private maximum = 0;
  private updatedAt = 0;
  private inFlightCost = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly reservePoints: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** THROTTLED answers seen (should stay at or near zero). */
  throttledCount = 0;

  constructor(options: CostPacerOptions = {}) {
    this.reservePoints = options.reservePoints ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when a call of `cost` points can be sent; callers are served in order. */
  acquire(cost: number): Promise<void> {
    const turn = this.queue.then(() => this.waitFor(cost));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    if (this.available === null) return;
    const t = this.now();
    this.available = Math.min(this.maximum, this.available + ((t - this.updatedAt) / 1000) * this.restoreRate);
    this.updatedAt = t;
  }

  private async waitFor(cost: number): Promise<void> {
    for (;;) {
      if (this.available === null) {
        // Nothing known yet: one call at a time until the first answer tells us the bucket.
        if (this.inFlightCost === 0) break;
        await this.sleep(5);
        continue;
      }
      this.refill();
      const reserve = Math.min(this.reservePoints, Math.max(0, this.maximum - cost));
      if (this.available - cost >= reserve) {
        this.available -= cost;
        break;
      }
      const missing = cost + reserve - this.available;
      await this.sleep(Math.max(5, Math.ceil((missing / Math.max(1, this.restoreRate)) * 1000)));
    }
    this.inFlightCost += cost;
  }

  /** Records the answer to a call that was sent after acquire(cost). */
  settle(cost: number, result: GraphqlResult<unknown> | null): void {
    this.inFlightCost = Math.max(0, this.inFlightCost - cost);
    const throttled = result?.errors.some((e) => e.extensions?.code === "THROTTLED") ?? false;
    if (throttled) this.throttledCount++;
    const status = result?.extensions?.cost?.throttleStatus;
    if (!status) {
      // No cost extension: give the points back only if the call was refused before being charged.
      if (this.available !== null && throttled) this.available += cost;
      return;
    }
    this.maximum = status.maximumAvailable;
    this.restoreRate = status.restoreRate;
    // Calls still in flight may not be charged in this number yet; count them as charged (conservative).
    this.available = status.currentlyAvailable - this.inFlightCost;
    this.updatedAt = this.now();
  }

  /** What the pacer has learnt: the bucket size and restore rate (0 before the first answer). */
  limits(): { maximumAvailable: number; restoreRate: number } {
    return { maximumAvailable: this.maximum, restoreRate: this.restoreRate };
  }
}

/** Least time (s) the bucket allows for `totalCost` points starting from `available` (keeping `reserve`). */
export function minimumSeconds(totalCost: number, available: number, restoreRate: number, reserve = 0): number {
  return Math.max(0, totalCost - Math.max(0, available - reserve)) / restoreRate;
}
