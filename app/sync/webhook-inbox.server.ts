/**
 * The receiving half of webhook handling: a verified delivery is recorded (deduplicated on its event id)
 * and acknowledged; the InboxProcessor applies it moments later. Nothing heavy happens inside the request,
 * so Shopify's 5 s timeout is never at risk.
 *
 * Inserts that arrive in the same event-loop turn are committed together (group commit): one transaction
 * and one fsync for many deliveries, which is what lets a single SQLite file take thousands per second.
 */
import type { Db } from "../db.server";
import type { InboxWriter } from "./inbox-writer.server";
import type { Platform } from "../domain/types";

export interface Delivery {
  platform: Platform;
  shopDomain: string;
  dedupeKey: string;
  topic: string;
  rawBody: string;
  triggeredAt: Date | null;
}

export type RecordOutcome = "stored" | "duplicate" | "unknown-store";

interface Pending {
  storeId: string;
  delivery: Delivery;
  resolve: (outcome: RecordOutcome) => void;
  reject: (error: unknown) => void;
}

export class WebhookInbox {
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly stores = new Map<string, string | null>();

  constructor(
    private readonly db: Db,
    private readonly writer: InboxWriter,
    private readonly onStored: () => void = () => {},
  ) {}

  /** Millisecond time of the last stored delivery (the processor eases off while deliveries stream in). */
  lastStoredAt = 0;

  async record(delivery: Delivery): Promise<RecordOutcome> {
    const storeId = await this.storeIdFor(delivery.platform, delivery.shopDomain);
    if (!storeId) return "unknown-store";
    return new Promise<RecordOutcome>((resolve, reject) => {
      this.queue.push({ storeId, delivery, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * Caches every known store's id before the process takes traffic: a restarted process meets a burst of
   * retried deliveries, and without this each store's first one waits for a database read on a cold client.
   */
  async preloadStores(): Promise<void> {
    const stores = await this.db.store.findMany({ select: { id: true, platform: true, domain: true } });
    for (const store of stores) this.stores.set(`${store.platform}:${store.domain}`, store.id);
  }

  /** Forget cached store ids (after install, uninstall or shop/redact). */
  forgetStore(platform: Platform, shopDomain: string): void {
    this.stores.delete(`${platform}:${shopDomain}`);
  }

  private async storeIdFor(platform: Platform, domain: string): Promise<string | null> {
    const key = `${platform}:${domain}`;
    if (this.stores.has(key)) return this.stores.get(key) ?? null;
    const store = await this.db.store.findUnique({
      where: { platform_domain: { platform, domain } },
      select: { id: true },
    });
    // Unknown stores are not cached: an install may create them any moment.
    if (store) this.stores.set(key, store.id);
    return store?.id ?? null;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    if (batch.length === 0) return;
    try {
      const fresh = await this.writer.insert(
        batch.map(({ storeId, delivery: d }) => ({
          storeId,
          dedupeKey: d.dedupeKey,
          topic: d.topic,
          payload: d.rawBody,
          triggeredAt: d.triggeredAt,
        })),
        new Date(),
      );
      batch.forEach((p, i) => p.resolve(fresh[i] ? "stored" : "duplicate"));
      if (fresh.some(Boolean)) {
        this.lastStoredAt = Date.now();
        this.onStored();
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
