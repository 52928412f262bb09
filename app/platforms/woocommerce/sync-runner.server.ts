/**
 * WooCommerce backfill, increments and reconciliation, recorded as BackfillRun rows (trigger "install" or
 * "reconcile"), writing through the same idempotent, newest-wins writers as webhooks.
 *
 * Checkpoint: a completed run's `startedAt` is set to the store's own clock at the start of its order pass
 * (the Date header of the first response). The next run reads `modified_after` = that minus OVERLAP_MS (decision
 * 053), so a run that crashed is simply run again from the last completed checkpoint: re-reading is harmless.
 * Customers have no `modified_after`: they are read in full at install and when a reconcile asks for them.
 */
import type { BackfillRun, Store } from "@prisma/client";
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import {
  OVERLAP_MS,
  reconcile,
  wooTopicSecret,
  syncWooCustomers,
  syncWooOrders,
  WooApiError,
  type EnsureWebhooksReport,
  type WooClient,
  type WooOrderPage,
} from "./index";
import type { SecretBox } from "../../security/secret-box.server";
import { storeCustomers, writeOrders } from "../../sync/order-writer.server";
import { restoreOrders } from "../../sync/apply-event.server";
import { wooClientForStore, wooDeliveryUrl, wooGuestKey, type WooClientTuning } from "./store-keys.server";

export type WooRunTrigger = "install" | "reconcile";

export interface WooSyncDeps {
  db: Db;
  box: SecretBox;
  encryptionKey: Buffer;
  appUrl: string;
  clientTuning?: WooClientTuning;
  /** Overrides how a client is made (the benchmark counts requests on it). */
  clientFor?: (store: Store) => WooClient;
  /** A run finished: segments can be recomputed. */
  onCompleted?: (run: BackfillRun) => void;
}

export interface WooRunOptions {
  /** Also read all customers (default: yes for "install", no for "reconcile"). */
  customers?: boolean;
  /** Orders per page (2..100). */
  perPage?: number;
}

export interface WooRunSummary {
  run: BackfillRun;
  webhooks: EnsureWebhooksReport | null;
  requests: number;
}

const ACTIVE = ["queued", "running"];

export class WooSyncRunner {
  private readonly inFlight = new Map<string, Promise<WooRunSummary>>();

  constructor(private readonly deps: WooSyncDeps) {}

  /** One run per store at a time: a second call while one runs gets the same promise. */
  run(storeId: string, trigger: WooRunTrigger, options: WooRunOptions = {}): Promise<WooRunSummary> {
    const running = this.inFlight.get(storeId);
    if (running) return running;
    const promise = this.execute(storeId, trigger, options).finally(() => this.inFlight.delete(storeId));
    this.inFlight.set(storeId, promise);
    return promise;
  }

  /** The `modified_after` the next run starts from, or null when no run completed yet (full backfill). */
  async checkpoint(storeId: string): Promise<Date | null> {
    const last = await this.deps.db.backfillRun.findFirst({
      where: { storeId, state: "completed", trigger: { in: ["install", "reconcile"] } },
      orderBy: { startedAt: "desc" },
    });
    return last ? new Date(last.startedAt.getTime() - OVERLAP_MS) : null;
  }

  /** After a restart: runs left "running" by a dead process are failed and run again from the checkpoint. */
  async resumeAll(): Promise<number> {
    const stale = await this.deps.db.backfillRun.findMany({
      where: { state: { in: ACTIVE }, store: { platform: "woocommerce", status: "installed" } },
      select: { id: true, storeId: true, trigger: true },
    });
    for (const run of stale) {
      await this.deps.db.backfillRun.update({
        where: { id: run.id },
        data: { state: "failed", error: "interrupted; resumed from the last checkpoint", finishedAt: new Date() },
      });
      void this.run(run.storeId, run.trigger === "install" ? "install" : "reconcile").catch(() => {});
    }
    return stale.length;
  }

  private async execute(storeId: string, trigger: WooRunTrigger, options: WooRunOptions): Promise<WooRunSummary> {
    const { db } = this.deps;
    const store = await db.store.findUniqueOrThrow({ where: { id: storeId } });
    const client = this.deps.clientFor?.(store) ?? wooClientForStore(store, this.deps.box, this.deps.clientTuning);
    const since = trigger === "install" ? null : await this.checkpoint(storeId);
    const guestKey = wooGuestKey(this.deps.encryptionKey, storeId);
    let run = await db.backfillRun.create({ data: { storeId, trigger, since, state: "running" } });
    let webhooks: EnsureWebhooksReport | null = null;
    try {
      let pages: AsyncGenerator<WooOrderPage>;
      if (since) {
        const secret = store.webhookSecret ? this.deps.box.open(store.webhookSecret) : null;
        const reconciled = await reconcile(client, since, {
          guestKey,
          ...(secret
            ? {
                webhooks: {
                  deliveryUrl: wooDeliveryUrl(this.deps.appUrl, storeId),
                  secret: (topic: string) => wooTopicSecret(secret, topic),
                  // Stores connected before per-topic secrets: re-send every webhook its topic's secret once.
                  rotateSecret: !store.webhookTopicSecrets,
                },
              }
            : {}),
          ...(options.perPage ? { perPage: options.perPage } : {}),
        });
        webhooks = reconciled.webhooks;
        if (secret && !store.webhookTopicSecrets)
          await db.store.update({ where: { id: storeId }, data: { webhookTopicSecrets: true } });
        pages = reconciled.pages;
      } else {
        pages = syncWooOrders(client, { guestKey, ...(options.perPage ? { perPage: options.perPage } : {}) });
      }
      let storeClockAtStart: Date | null = null;
      for await (const page of pages) {
        storeClockAtStart ??= new Date(page.nextModifiedAfter.getTime() + OVERLAP_MS);
        // An order listed outside the trash is in the store: a deletion we hold for it was a trash since restored
        // (its webhook may have been missed while webhooks were off).
        await restoreOrders(
          db,
          storeId,
          page.orders.filter((o) => o.wooStatus !== "trash"),
        );
        await writeOrders(
          db,
          storeId,
          page.orders.filter((o) => o.wooStatus === "trash"),
        );
        run = await db.backfillRun.update({
          where: { id: run.id },
          data: {
            objectCount: run.objectCount ?? page.total,
            ordersDone: { increment: page.orders.length },
            rowsDone: { increment: page.orders.length + page.rejected.length },
            malformedLines: { increment: page.rejected.length },
            ...(page.rejected.length && !run.malformedSample
              ? {
                  malformedSample: page.rejected
                    .slice(0, 5)
                    .map((r) => `${r.externalId}: ${r.reason}`)
                    .join("; "),
                }
              : {}),
          },
        });
      }
      if (options.customers ?? trigger === "install") await this.syncCustomers(client, storeId);
      run = await db.backfillRun.update({
        where: { id: run.id },
        data: {
          state: "completed",
          finishedAt: new Date(),
          // The checkpoint (see the file comment); an empty increment keeps the previous one plus nothing lost.
          startedAt: storeClockAtStart ?? since ?? run.startedAt,
        },
      });
      this.deps.onCompleted?.(run);
    } catch (error) {
      const message = error instanceof WooApiError ? error.message : String(error).slice(0, 300);
      logger.error("woo sync failed", { store: store.domain, trigger, error: message });
      run = await db.backfillRun.update({
        where: { id: run.id },
        data: { state: "failed", error: message.slice(0, 500), finishedAt: new Date() },
      });
    }
    return { run, webhooks, requests: client.requestCount };
  }

  private async syncCustomers(client: WooClient, storeId: string): Promise<void> {
    // Customers erased under GDPR are never re-created (as in the webhook path).
    for await (const page of syncWooCustomers(client)) await storeCustomers(this.deps.db, storeId, page.customers);
  }
}
