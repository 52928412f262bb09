/**
 * The periodic reconciliation both platforms plug into: webhooks are not guaranteed (Shopify: "your app shouldn't
 * rely solely on receiving data from webhooks … implement reconciliation jobs"; WooCommerce disables failing
 * webhooks), so every installed store is read back on a schedule and whatever a lost delivery left wrong is fixed.
 * One store after the other keeps the load on us and the platforms low; a failing store does not stop the round.
 */
import type { Db } from "../db.server";
import type { Platform } from "../domain/types";
import { logger } from "../logger.server";

export interface ReconcileStore {
  id: string;
  domain: string;
}

/** One platform's reconciliation of one store (Shopify: platforms/shopify/reconcile.server.ts; WooCommerce: its sync runner). */
export interface StoreReconciler {
  readonly platform: Platform;
  /** Extra conditions for the stores this reconciler takes (e.g. WooCommerce: connected, with credentials). */
  readonly storeFilter?: Record<string, unknown>;
  reconcile(store: ReconcileStore, now: number): Promise<void>;
}

export interface ReconcileScheduleOptions {
  intervalMs?: number;
}

export class ReconcileSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    readonly reconciler: StoreReconciler,
    private readonly options: ReconcileScheduleOptions = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 60 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round over the platform's installed stores (a round still running is joined, not doubled). */
  tick(now = Date.now()): Promise<void> {
    this.running ??= this.round(now).finally(() => (this.running = null));
    return this.running;
  }

  private async round(now: number): Promise<void> {
    const stores = await this.db.store.findMany({
      where: { platform: this.reconciler.platform, status: "installed", ...this.reconciler.storeFilter },
      select: { id: true, domain: true },
    });
    for (const store of stores) {
      try {
        await this.reconciler.reconcile(store, now);
      } catch (error) {
        logger.error("reconcile failed", {
          platform: this.reconciler.platform,
          store: store.domain,
          error: String(error).slice(0, 300),
        });
      }
    }
  }
}
