/**
 * Periodic reconciliation (decision 055): every hour each connected WooCommerce store gets its webhooks
 * re-enabled if WooCommerce disabled them, and a `modified_after` increment from the last checkpoint; once a day
 * the increment also re-reads customers (they have no `modified_after`).
 */
import type { Db } from "../db.server";
import { logger } from "../logger.server";
import type { WooSyncRunner } from "./sync-runner.server";

export interface ReconcileScheduleOptions {
  intervalMs?: number;
  customersEveryMs?: number;
}

export class WooReconcileSchedule {
  private timer: NodeJS.Timeout | null = null;
  private readonly customersReadAt = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly runner: WooSyncRunner,
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

  /** One round over all connected stores, one after the other (keeps the load on us and them low). */
  async tick(now = Date.now()): Promise<void> {
    const stores = await this.db.store.findMany({
      where: { platform: "woocommerce", status: "installed", credentials: { not: null } },
      select: { id: true, domain: true },
    });
    for (const store of stores) {
      const last = this.customersReadAt.get(store.id) ?? 0;
      const customers = now - last >= (this.options.customersEveryMs ?? 24 * 60 * 60_000);
      try {
        const { run } = await this.runner.run(store.id, "reconcile", { customers });
        if (customers && run.state === "completed") this.customersReadAt.set(store.id, now);
      } catch (error) {
        logger.error("woo reconcile failed", { store: store.domain, error: String(error).slice(0, 300) });
      }
    }
  }
}
