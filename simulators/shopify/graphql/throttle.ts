/**
 * Leaky-bucket throttle per app+shop, as Shopify documents for the GraphQL Admin API: a request needs its
 * requested cost available, the bucket is then refunded the difference to the actual cost, and it refills
 * continuously at the plan's restore rate up to the bucket size.
 *
 * Restore rates from shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (checked for 2026):
 * Standard 100/s, Advanced 200/s, Plus 1000/s. Bucket sizes (maximumAvailable) are 20 x the restore rate
 * (2000 / 4000 / 20000), the ratio Shopify has always used (1000 at 50/s before the 2024 increase).
 */
import type { ShopPlan } from "../model";

export interface PlanLimits {
  maximumAvailable: number;
  restoreRate: number;
}

export const PLAN_LIMITS: Record<ShopPlan, PlanLimits> = {
  standard: { maximumAvailable: 2000, restoreRate: 100 },
  advanced: { maximumAvailable: 4000, restoreRate: 200 },
  plus: { maximumAvailable: 20000, restoreRate: 1000 },
};

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    private readonly limits: PlanLimits,
    /** Milliseconds; injectable so tests can move time. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = limits.maximumAvailable;
    this.updatedAt = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.updatedAt) / 1000;
    this.available = Math.min(this.limits.maximumAvailable, this.available + elapsed * this.limits.restoreRate);
    this.updatedAt = t;
  }

  /** Takes `cost` points if available; false (nothing taken) when the request must be throttled. */
  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back the difference between requested and actual cost. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.limits.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Empties (or sets) the bucket — for tests. */
  setAvailable(points: number): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.limits.maximumAvailable, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.limits.maximumAvailable,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.limits.restoreRate,
    };
  }
}
