/**
 * WooCommerce webhook delivery, reproduced (WC_Webhook + wc_webhook_execute_queue + Action Scheduler):
 * - a change to a resource queues one async action per (webhook, resource id); while one is pending, further
 *   changes queue nothing, so quick updates collapse into one delivery;
 * - the payload is built when the action runs (so it shows the state at delivery time; `*.deleted` sends
 *   `{id}`; a resource gone by then yields WooCommerce's error document as the payload);
 * - the body is PHP-encoded JSON, signed base64(HMAC-SHA256(body, secret)), sent with the X-WC-Webhook-*
 *   headers; 2xx and 301/302 count as success and reset the failure count; any other answer or a network
 *   error counts a failure, and a failure when the count is already above 5 disables the webhook (the count
 *   is kept, so after re-enabling, one more failure disables it again);
 * - creating a webhook through REST sends the ping `webhook_id=N` synchronously, and ignores its outcome.
 */
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { phpJsonEncode } from "./php-json";
import type { SimStore, SimWebhook, StoreHook } from "./store";

export const USER_AGENT = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.3)";

export interface DeliveryRecord {
  webhookId: number;
  topic: string;
  resourceId: number;
  status: number | null;
  error: string | null;
  deliveryId: string;
}

export interface DispatcherOptions {
  /** Delay before a queued action runs (the peer's queue runner: ~1-3 s; a real WP-Cron: minutes). */
  deliveryDelayMs?: number;
  /** Per delivery (WooCommerce: 60 s). */
  timeoutMs?: number;
  /** Trusted CA for https delivery URLs (test receivers). */
  ca?: string | Buffer;
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly salt = createHash("sha256").update(String(Math.random())).digest("hex");

  constructor(
    private readonly store: SimStore,
    private readonly options: DispatcherOptions = {},
  ) {
    store.onHook((hook) => this.onHook(hook));
  }

  private onHook(hook: StoreHook): void {
    const topic = `${hook.resource}.${hook.event}`;
    for (const webhook of this.store.webhooks.values()) {
      if (webhook.status !== "active" || webhook.topic !== topic) continue;
      if (hook.resource === "order") {
        const order = this.store.orders.get(hook.id);
        if (order && ["draft", "auto-draft", "new"].includes(order.status)) continue; // is_valid_resource
      }
      const pendingKey = `${webhook.id}:${hook.id}`;
      if (this.pending.has(pendingKey)) continue; // one pending action per webhook + resource
      const timer = setTimeout(() => {
        this.pending.delete(pendingKey);
        this.track(this.deliver(webhook.id, hook.id));
      }, this.options.deliveryDelayMs ?? 50);
      this.pending.set(pendingKey, timer);
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Resolves when nothing is queued or being delivered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.inFlight.size > 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private payload(webhook: SimWebhook, resourceId: number): unknown {
    const [resource, event] = webhook.topic.split(".") as [string, string];
    if (event === "deleted") return { id: resourceId };
    if (resource === "order") {
      const order = this.store.orders.get(resourceId);
      return order
        ? this.store.orderDocument(order)
        : { code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID.", data: { status: 404 } };
    }
    const user = this.store.users.get(resourceId);
    const owner = this.store.users.get(webhook.userId);
    return user
      ? this.store.customerDocument(user, owner?.role === "administrator")
      : { code: "woocommerce_rest_invalid_id", message: "Invalid resource id.", data: { status: 404 } };
  }

  private async deliver(webhookId: number, resourceId: number): Promise<void> {
    const webhook = this.store.webhooks.get(webhookId);
    if (!webhook) return; // deleted meanwhile: the action finds nothing to deliver
    const body = phpJsonEncode(this.payload(webhook, resourceId));
    const [resource, event] = webhook.topic.split(".") as [string, string];
    const deliveryId = createHmac("md5", this.salt)
      .update(`${webhook.id}${this.store.clock.nowSeconds()}`)
      .digest("hex");
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": USER_AGENT,
      "X-WC-Webhook-Source": `${this.store.homeUrl}/`,
      "X-WC-Webhook-Topic": webhook.topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event,
      "X-WC-Webhook-Signature": createHmac("sha256", webhook.secret).update(body).digest("base64"),
      "X-WC-Webhook-ID": String(webhook.id),
      "X-WC-Webhook-Delivery-ID": deliveryId,
    };
    const outcome = await post(webhook.deliveryUrl, body, headers, this.options);
    this.deliveries.push({
      webhookId,
      topic: webhook.topic,
      resourceId,
      status: outcome.status,
      error: outcome.error,
      deliveryId,
    });
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 303;
    if (ok) webhook.failureCount = 0;
    else if (webhook.failureCount > 5) webhook.status = "disabled";
    else webhook.failureCount++;
  }

  /** WC_Webhook::deliver_ping: form body, no X-WC-Webhook-* headers. */
  async ping(webhook: SimWebhook): Promise<number | null> {
    const outcome = await post(
      webhook.deliveryUrl,
      `webhook_id=${webhook.id}`,
      { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "User-Agent": USER_AGENT },
      this.options,
    );
    return outcome.status;
  }
}

export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; ca?: string | Buffer },
): Promise<{ status: number | null; error: string | null; body: string }> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, error: "invalid URL", body: "" });
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        timeout: options.timeoutMs ?? 60_000,
        ...(target.protocol === "https:" && options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? null, error: null, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: null, error: e.message, body: "" }));
    req.end(body);
  });
}
