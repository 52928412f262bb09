/**
 * Periodic reconciliation: make sure the webhooks are on again, then read everything modified since the last
 * watermark. Webhooks first, so that changes from now on are delivered while the increment covers the gap.
 */
import type { WooWebhookTopic } from "./map-webhook";
import { ensureWebhooks, type EnsureWebhooksReport } from "./webhooks";
import type { WooClient } from "./rest-client";
import { syncWooOrders, type WooOrderPage } from "./sync-orders";

export interface ReconcileOptions {
  guestKey: Buffer | string;
  /** Ciclo's webhook endpoint for this store and its secret; omit both to skip the webhook check. */
  webhooks?: {
    deliveryUrl: string;
    secret: string | ((topic: WooWebhookTopic) => string);
    /** Re-send the secrets to active webhooks too (e.g. moving them to per-topic secrets). */
    rotateSecret?: boolean;
  };
  perPage?: number;
}

export interface Reconciliation {
  webhooks: EnsureWebhooksReport | null;
  /** Orders modified since `since` (trashed ones included); save the last page's nextModifiedAfter. */
  pages: AsyncGenerator<WooOrderPage>;
}

export async function reconcile(client: WooClient, since: Date, options: ReconcileOptions): Promise<Reconciliation> {
  const webhooks = options.webhooks
    ? await ensureWebhooks(client, options.webhooks.deliveryUrl, options.webhooks.secret, {
        rotateSecret: options.webhooks.rotateSecret,
      })
    : null;
  return {
    webhooks,
    pages: syncWooOrders(client, {
      guestKey: options.guestKey,
      modifiedAfter: since,
      includeTrash: true,
      ...(options.perPage ? { perPage: options.perPage } : {}),
    }),
  };
}
