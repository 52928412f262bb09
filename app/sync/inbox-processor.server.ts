/**
 * Applies recorded webhooks (WebhookReceipt rows with status "pending") to the database.
 * - Claims rows atomically (status "processing:<token>"), so several processes can share one database.
 * - Consecutive order upserts of a store are written as one batch; everything else in arrival order.
 * - A payload that can't be understood is marked "failed" with the reason; a database error is retried.
 * - After an uninstall, only compliance topics are still applied.
 * - Applied payloads are cleared: the inbox keeps ids for dedupe, not customer data.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import type { StoreOrder } from "../domain/types";
import { logger } from "../logger.server";
import { platformFor } from "../platforms";
import type { StorePlatform } from "../platforms/platform";
import { applyStoreEvent } from "./apply-event.server";
import { writeOrders } from "./order-writer.server";

const MAX_ATTEMPTS = 5;
const STALE_CLAIM_MS = 5 * 60_000;

export interface InboxProcessorOptions {
  /** The adapter for one store (WooCommerce's is per store: guest ids use a per-store key); default by platform. */
  platformForStore?: (store: { id: string; platform: string }) => StorePlatform;
  batchSize?: number;
  /** bulk_operations/finish arrived for one of the store's operations (backfill or tag push). */
  onBulkOperationFinished?: (storeId: string, operationId: string) => void;
  /**
   * True while webhooks are streaming in. The processor then eases off (to about a fifth of the time) so the
   * receiving side, which Shopify times out after 5 s, keeps the CPU; the backlog drains when it quiets down.
   */
  deliveriesArriving?: () => boolean;
  /** The store row is gone (shop/redact): caches keyed by shop domain must forget it. */
  onStoreRemoved?: (platform: string, domain: string) => void;
}

export class InboxProcessor {
  private running = false;
  private again = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly batchSize: number;

  constructor(
    private readonly db: Db,
    private readonly options: InboxProcessorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
  }

  /** Ask for a pass soon; cheap to call on every stored webhook. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = new Promise((resolve) => setTimeout(() => void this.loop().finally(resolve), 5));
  }

  /** Process until nothing is pending (tests, benchmarks, shutdown). */
  async drain(): Promise<void> {
    await this.idle;
    while ((await this.processBatch()) > 0) {
      /* keep going */
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.idle;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        for (;;) {
          const started = performance.now();
          if (this.stopped || (await this.processBatch()) === 0) break;
          const took = performance.now() - started;
          // Yield between batches so request handling stays responsive; back off while deliveries stream in.
          if (this.options.deliveriesArriving?.()) await new Promise((r) => setTimeout(r, 4 * took));
          else await new Promise((r) => setImmediate(r));
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      logger.error("inbox processing failed", { error: String(error) });
    } finally {
      this.running = false;
    }
  }

  /** Claims and applies one batch; returns how many receipts it handled. */
  async processBatch(): Promise<number> {
    await this.releaseStaleClaims();
    // Small batches while deliveries stream in keep each pause of the event loop short.
    const take = this.options.deliveriesArriving?.() ? Math.min(20, this.batchSize) : this.batchSize;
    const candidates = await this.db.webhookReceipt.findMany({
      where: { status: "pending" },
      orderBy: { receivedAt: "asc" },
      take,
      select: { id: true },
    });
    if (candidates.length === 0) return 0;
    const token = `processing:${randomUUID()}`;
    await this.db.webhookReceipt.updateMany({
      where: { id: { in: candidates.map((c) => c.id) }, status: "pending" },
      data: { status: token, processedAt: new Date(), attempts: { increment: 1 } },
    });
    const claimed = await this.db.webhookReceipt.findMany({
      where: { status: token },
      orderBy: { receivedAt: "asc" },
      include: { store: { select: { id: true, domain: true, platform: true, status: true } } },
    });

    const byStore = new Map<string, typeof claimed>();
    for (const r of claimed) byStore.set(r.storeId, [...(byStore.get(r.storeId) ?? []), r]);
    for (const receipts of byStore.values()) await this.applyForStore(receipts);
    return claimed.length;
  }

  private async applyForStore(
    receipts: Array<{
      id: string;
      topic: string;
      payload: string | null;
      attempts: number;
      store: { id: string; domain: string; platform: string; status: string };
    }>,
  ): Promise<void> {
    const store = receipts[0]!.store;
    const platform = this.options.platformForStore?.(store) ?? platformFor(store.platform);
    let orderBatch: { ids: string[]; orders: StoreOrder[] } = { ids: [], orders: [] };
    const done: string[] = [];
    const ignored: string[] = [];
    const failed: Array<{ id: string; error: string }> = [];
    const retry: Array<{ id: string; attempts: number; error: string }> = [];
    let storeGone = false;

    const flushOrders = async () => {
      if (orderBatch.orders.length === 0) return;
      const batch = orderBatch;
      orderBatch = { ids: [], orders: [] };
      try {
        await writeOrders(this.db, store.id, batch.orders);
        done.push(...batch.ids);
      } catch (error) {
        const attempts = receipts.find((r) => r.id === batch.ids[0])?.attempts ?? 1;
        for (const id of batch.ids) retry.push({ id, attempts, error: String(error) });
      }
    };

    for (const receipt of receipts) {
      if (storeGone) break;
      let payload: unknown;
      try {
        payload = JSON.parse(receipt.payload ?? "null");
      } catch {
        failed.push({ id: receipt.id, error: "body is not valid JSON" });
        continue;
      }
      if (store.status === "uninstalled" && !platform.isComplianceTopic(receipt.topic)) {
        ignored.push(receipt.id);
        continue;
      }
      const event = platform.mapWebhook(receipt.topic, payload);
      if (event.kind === "invalid") {
        logger.warn("webhook rejected", { store: store.domain, topic: receipt.topic, reason: event.reason });
        failed.push({ id: receipt.id, error: event.reason });
        continue;
      }
      if (event.kind === "ignored") {
        ignored.push(receipt.id);
        continue;
      }
      if (event.kind === "order.upsert") {
        orderBatch.ids.push(receipt.id);
        orderBatch.orders.push(event.order);
        continue;
      }
      await flushOrders();
      try {
        await applyStoreEvent(
          {
            db: this.db,
            storeId: store.id,
            shopDomain: store.domain,
            onBulkOperationFinished: (op) => this.options.onBulkOperationFinished?.(store.id, op),
          },
          event,
        );
        done.push(receipt.id);
        if (event.kind === "shop.redact") {
          storeGone = true; // its receipts went with it
          this.options.onStoreRemoved?.(store.platform, store.domain);
        }
      } catch (error) {
        retry.push({ id: receipt.id, attempts: receipt.attempts, error: String(error) });
      }
    }
    await flushOrders();
    if (storeGone) return;

    const now = new Date();
    if (done.length)
      await this.db.webhookReceipt.updateMany({
        where: { id: { in: done } },
        data: { status: "processed", payload: null, processedAt: now },
      });
    if (ignored.length)
      await this.db.webhookReceipt.updateMany({
        where: { id: { in: ignored } },
        data: { status: "ignored", payload: null, processedAt: now },
      });
    for (const f of failed)
      await this.db.webhookReceipt.update({
        where: { id: f.id },
        data: { status: "failed", payload: null, error: f.error.slice(0, 500), processedAt: now },
      });
    for (const r of retry) {
      logger.error("webhook apply failed", { store: store.domain, attempts: r.attempts, error: r.error.slice(0, 300) });
      await this.db.webhookReceipt.update({
        where: { id: r.id },
        data:
          r.attempts >= MAX_ATTEMPTS
            ? { status: "failed", payload: null, error: r.error.slice(0, 500), processedAt: now }
            : { status: "pending", error: r.error.slice(0, 500) },
      });
    }
  }

  /** A process that died mid-batch leaves claims behind; give them back after a while. */
  private async releaseStaleClaims(): Promise<void> {
    await this.db.webhookReceipt.updateMany({
      where: { status: { startsWith: "processing:" }, processedAt: { lt: new Date(Date.now() - STALE_CLAIM_MS) } },
      data: { status: "pending" },
    });
  }
}
