/**
 * Everything a webhook/sync test needs, wired like production but on a test database: the app's own webhook
 * verification (shopify-api's `webhooks.validate`, real HMAC checks), the inbox, the processor, and a simulated
 * Shopify shop whose mutations produce the webhooks.
 */
import { handleShopifyWebhook } from "../../app/platforms/shopify/webhook-handler.server";
import {
  createFastWebhookVerifier,
  type VerifyShopifyWebhook,
} from "../../app/platforms/shopify/webhook-verifier.server";
import { BulkOperationSignals } from "../../app/platforms/shopify/bulk-operation-signals";
import { InboxProcessor } from "../../app/sync/inbox-processor.server";
import { WebhookInbox } from "../../app/sync/webhook-inbox.server";
import { createInboxWriter, type InboxWriter } from "../../app/sync/inbox-writer.server";
import { SimulatedShop } from "../../simulators/shopify/store";
import { buildWebhookRequest, type SignatureMode, type WebhookEvent } from "../../simulators/shopify/webhooks";
import { createTestDatabase, type DbKind, type TestDatabase } from "./databases";

export const WEBHOOK_SECRET = "ciclo-test-webhook-secret";

export interface DeliverOptions {
  signature?: SignatureMode;
  /** Send this raw body instead of the event's JSON (tampering, invalid JSON). */
  body?: string;
  /** Sign `signedBody` but send `body` (a body changed after signing). */
  signedBody?: string;
  eventId?: string;
  webhookId?: string;
}

export class ShopifyHarness {
  readonly events: WebhookEvent[] = [];
  readonly inbox: WebhookInbox;
  readonly processor: InboxProcessor;
  /** Woken by bulk_operations/finish, as the app's services wire it for the tag writer. */
  readonly bulkFinished = new BulkOperationSignals();
  private readonly writer: InboxWriter;
  /** Built exactly as app/shopify.server.ts builds it, with the test secret. */
  readonly verify: VerifyShopifyWebhook = createFastWebhookVerifier(WEBHOOK_SECRET);

  private constructor(readonly database: TestDatabase) {
    this.writer = createInboxWriter(database.url);
    this.inbox = new WebhookInbox(database.db, this.writer);
    const inbox = this.inbox;
    this.processor = new InboxProcessor(database.db, {
      onStoreRemoved: (p, d) => inbox.forgetStore(p as "shopify", d),
      onBulkOperationFinished: (_storeId, op) => this.bulkFinished.finished(op),
    });
  }

  static async create(kind: DbKind): Promise<ShopifyHarness> {
    return new ShopifyHarness(await createTestDatabase(kind));
  }

  get db() {
    return this.database.db;
  }

  /** A simulated shop, installed in our database, whose webhook events are captured in `events`. */
  async installShop(domain: string, now = new Date("2026-03-01T10:00:00Z")) {
    const shop = new SimulatedShop({ domain, now, seed: domain });
    shop.onEvent((e) => this.events.push(e));
    const store = await this.db.store.create({
      data: { platform: "shopify", domain, currency: shop.info.currency, timezone: shop.info.timezone },
    });
    return { shop, store };
  }

  /** Delivers one event to the webhook endpoint exactly as Shopify would; returns the HTTP status. */
  async deliver(event: WebhookEvent, options: DeliverOptions = {}): Promise<number> {
    const signed = buildWebhookRequest({
      topic: event.topic,
      shopDomain: event.shopDomain,
      payload: event.payload,
      body: options.signedBody ?? options.body,
      secret: WEBHOOK_SECRET,
      eventId: options.eventId ?? event.eventId,
      webhookId: options.webhookId,
      triggeredAt: event.triggeredAt,
      signature: options.signature,
    });
    const request = new Request("https://ciclo.test/webhooks", {
      method: "POST",
      headers: signed.headers,
      body: options.signedBody !== undefined ? options.body : signed.body,
    });
    const response = await handleShopifyWebhook(request, {
      verify: this.verify,
      inbox: this.inbox,
      onBulkOperationFinished: (gid) => this.bulkFinished.finished(gid),
    });
    return response.status;
  }

  /** Delivers every captured event not yet delivered, in order, then applies them. */
  async deliverAll(): Promise<number[]> {
    const statuses: number[] = [];
    for (const e of this.events.splice(0)) statuses.push(await this.deliver(e));
    await this.processor.drain();
    return statuses;
  }

  takeEvents(): WebhookEvent[] {
    return this.events.splice(0);
  }

  async close() {
    await this.processor.stop();
    this.writer.close();
    await this.database.drop();
  }
}
