/**
 * Applies recorded webhooks (WebhookReceipt rows with status "pending") to the database.
 * - Claims rows atomically (status "processing:<token>"), so several processes can share one database.
 * - Consecutive order upserts of a store are written as one batch; everything else in arrival order.
 * - Nothing is dropped. A payload that can never apply as it is (not JSON, not an order we can read) is "parked"
 *   with its reason and its payload, until the merchant retries it from the Sync page. Any other failure (the
 *   database, the platform) is transient: the receipt stays pending, payload and all, and is retried with backoff
 *   (5 s doubling up to 15 min) for as long as it takes.
 * - After an uninstall, only compliance topics are still applied.
 * - Applied payloads are cleared: the inbox keeps ids for dedupe, not customer data.
 */
import { parseStorableJson } from "../db/storable-json";
import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import type { StoreOrder } from "../domain/types";
import { logger } from "../logger.server";
import { config } from "../config.server";
import { platformForStore } from "../platforms/registry.server";
import type { StorePlatform } from "../platforms/platform";
import { applyStoreEvent } from "./apply-event.server";
import { writeOrders } from "./order-writer.server";

/**
 * A claimed batch takes milliseconds to seconds; a claim this old belongs to a process that died (claims are
 * released and retried — applying is idempotent, so a slow live process re-applying costs nothing but time).
 */
const STALE_CLAIM_MS = 30_000;
/**
 * Claims are looked at this often, not before every batch: the prefix match on `status` is a scan of every receipt
 * kept (no index serves it on both databases), synchronous on SQLite, and a claim goes stale only after 30 s.
 */
const CLAIM_SWEEP_EVERY_MS = 10_000;

/** Backoff before the next attempt after `attempts` transient failures: 5 s, 10 s, 20 s … at most 15 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

export interface InboxProcessorOptions {
  /**
   * The adapter for one store (WooCommerce's is per store: guest ids use a per-store key); default: the registry's,
   * with the configured key.
   */
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
  /** The clock retries are scheduled on (tests move it). */
  now?: () => Date;
}

export class InboxProcessor {
  private running = false;
  private again = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  private lastClaimSweep = Number.NEGATIVE_INFINITY;
  private readonly batchSize: number;

  constructor(
    private readonly db: Db,
    private readonly options: InboxProcessorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
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
      where: { status: "pending", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: this.now() } }] },
      orderBy: { receivedAt: "asc" },
      take,
      select: { id: true },
    });
    if (candidates.length === 0) return 0;
    const token = `processing:${randomUUID()}`;
    await this.db.webhookReceipt.updateMany({
      where: { id: { in: candidates.map((c) => c.id) }, status: "pending" },
      data: { status: token, processedAt: this.now(), attempts: { increment: 1 } },
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
    const platform = this.options.platformForStore?.(store) ?? platformForStore(store, config().encryptionKey);
    let orderBatch: { ids: string[]; orders: StoreOrder[] } = { ids: [], orders: [] };
    const done: string[] = [];
    const ignored: string[] = [];
    const parked: Array<{ id: string; error: string }> = [];
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
        if (batch.orders.length === 1) {
          const attempts = receipts.find((r) => r.id === batch.ids[0])?.attempts ?? 1;
          retry.push({ id: batch.ids[0]!, attempts, error: String(error) });
          return;
        }
        // One order may be what fails the batch: apply them one by one so the others are not held back.
        for (let k = 0; k < batch.ids.length; k++) {
          orderBatch = { ids: [batch.ids[k]!], orders: [batch.orders[k]!] };
          await flushOrders();
        }
      }
    };

    for (const receipt of receipts) {
      if (storeGone) break;
      let payload: unknown;
      try {
        payload = parseStorableJson(receipt.payload ?? "null");
      } catch {
        parked.push({ id: receipt.id, error: "body is not valid JSON" });
        continue;
      }
      if (store.status === "uninstalled" && !platform.isComplianceTopic(receipt.topic)) {
        ignored.push(receipt.id);
        continue;
      }
      const event = platform.mapWebhook(receipt.topic, payload);
      if (event.kind === "invalid") {
        logger.warn("webhook rejected", { store: store.domain, topic: receipt.topic, reason: event.reason });
        parked.push({ id: receipt.id, error: event.reason });
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

    const now = this.now();
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
    for (const p of parked)
      await this.db.webhookReceipt.update({
        where: { id: p.id },
        data: { status: "parked", error: p.error.slice(0, 500), processedAt: now },
      });
    for (const r of retry) {
      const delay = retryDelayMs(r.attempts);
      logger.warn("webhook apply failed; will retry", {
        store: store.domain,
        attempts: r.attempts,
        retryInMs: delay,
        error: r.error.slice(0, 300),
      });
      await this.db.webhookReceipt.update({
        where: { id: r.id },
        data: { status: "pending", error: r.error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + delay) },
      });
    }
    if (retry.length) this.wakeAfter(Math.min(...retry.map((r) => retryDelayMs(r.attempts))));
  }

  /** A retry is due later: make sure a pass runs then even if no new delivery wakes the processor. */
  private wakeAfter(ms: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, ms + 50);
    this.retryTimer.unref?.();
  }

  /** Puts parked receipts of a store back in line (the merchant's "retry" on the Sync page). */
  async retryParked(storeId: string, ids?: string[]): Promise<number> {
    const { count } = await this.db.webhookReceipt.updateMany({
      where: { storeId, status: "parked", ...(ids ? { id: { in: ids } } : {}) },
      data: { status: "pending", attempts: 0, error: null, nextAttemptAt: null },
    });
    if (count) this.wake();
    return count;
  }

  /** A process that died mid-batch leaves claims behind; give them back after a while. */
  private async releaseStaleClaims(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastClaimSweep < CLAIM_SWEEP_EVERY_MS) return;
    this.lastClaimSweep = now;
    await this.db.webhookReceipt.updateMany({
      where: {
        status: { startsWith: "processing:" },
        processedAt: { lt: new Date(now - STALE_CLAIM_MS) },
      },
      data: { status: "pending" },
    });
  }
}
