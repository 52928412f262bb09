/**
 * Periodic reconciliation (decision 055) through the shared ReconcileSchedule: every hour each connected
 * WooCommerce store gets its webhooks re-enabled if WooCommerce disabled them, and a `modified_after` increment from
 * the last checkpoint; once a day the increment also re-reads customers (they have no `modified_after`).
 */
import type { Db } from "../../db.server";
import { ReconcileSchedule, type ReconcileStore, type StoreReconciler } from "../../sync/reconcile-schedule.server";
import type { WooSyncRunner } from "./sync-runner.server";

export interface ReconcileScheduleOptions {
  intervalMs?: number;
  customersEveryMs?: number;
}

class WooStoreReconciler implements StoreReconciler {
  readonly platform = "woocommerce" as const;
  readonly storeFilter = { credentials: { not: null } };
  private readonly customersReadAt = new Map<string, number>();

  constructor(
    private readonly runner: WooSyncRunner,
    private readonly options: ReconcileScheduleOptions,
  ) {}

  async reconcile(store: ReconcileStore, now: number): Promise<void> {
    const last = this.customersReadAt.get(store.id) ?? 0;
    const customers = now - last >= (this.options.customersEveryMs ?? 24 * 60 * 60_000);
    const { run } = await this.runner.run(store.id, "reconcile", { customers });
    if (customers && run.state === "completed") this.customersReadAt.set(store.id, now);
  }
}

export class WooReconcileSchedule extends ReconcileSchedule {
  constructor(db: Db, runner: WooSyncRunner, options: ReconcileScheduleOptions = {}) {
    super(db, new WooStoreReconciler(runner, options), options);
  }
}
