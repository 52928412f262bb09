/**
 * Webhook delivery like Shopify's: HTTPS POST of the JSON payload with the X-Shopify-* headers, signed with
 * HMAC-SHA256 over the raw body using the app's client secret (base64). At-least-once and unordered: tests can
 * ask for duplicates, random delays, held-back-and-shuffled batches, and retries on non-2xx/timeouts (Shopify:
 * 5 s timeout, 8 retries over 4 hours — the schedule can be compressed).
 */
import { createHmac, randomUUID } from "node:crypto";
import { Random } from "../random";
import type { JsonObject } from "./payloads";

export const WEBHOOK_API_VERSION = "2026-07";

/** Shopify's documented behaviour: 8 retries spread over 4 hours (exact intervals are not published). */
export const SHOPIFY_RETRY_SCHEDULE_MS: readonly number[] = [
  10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];
export const SHOPIFY_TIMEOUT_MS = 5_000;

export type WebhookTopic =
  | "orders/create"
  | "orders/updated"
  | "orders/paid"
  | "orders/fulfilled"
  | "orders/cancelled"
  | "orders/delete"
  | "orders/edited"
  | "refunds/create"
  | "customers/create"
  | "customers/update"
  | "customers/delete"
  | "customers_email_marketing_consent/update"
  | "customers/data_request"
  | "customers/redact"
  | "shop/redact"
  | "app/uninstalled"
  | "app/scopes_update"
  | "bulk_operations/finish";

/** Something that happened in a shop, with its payload rendered at that moment. */
export interface WebhookEvent {
  topic: WebhookTopic;
  shopDomain: string;
  payload: JsonObject;
  /** One per event (X-Shopify-Event-Id); a re-delivery of the same event carries the same id. */
  eventId: string;
  triggeredAt: Date;
}

/** Base64 HMAC-SHA256 of the raw body — the X-Shopify-Hmac-Sha256 header. */
export function signWebhook(body: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export type SignatureMode = "valid" | "bad-secret" | "missing";

export interface WebhookRequest {
  method: "POST";
  headers: Record<string, string>;
  body: string;
}

export interface BuildWebhookRequestInput {
  topic: string;
  shopDomain: string;
  /** The JSON payload, or an exact raw body (to sign a pre-serialised or tampered body). */
  payload?: JsonObject;
  body?: string;
  secret: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: Date;
  apiVersion?: string;
  signature?: SignatureMode;
}

/** A ready-to-send signed request (pure apart from generated ids); the ingest benchmark pre-builds thousands. */
export function buildWebhookRequest(input: BuildWebhookRequestInput): WebhookRequest {
  const body = input.body ?? JSON.stringify(input.payload ?? {});
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": input.topic,
    "X-Shopify-Shop-Domain": input.shopDomain,
    "X-Shopify-API-Version": input.apiVersion ?? WEBHOOK_API_VERSION,
    "X-Shopify-Webhook-Id": input.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": input.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": (input.triggeredAt ?? new Date()).toISOString(),
  };
  const mode = input.signature ?? "valid";
  if (mode !== "missing")
    headers["X-Shopify-Hmac-Sha256"] = signWebhook(
      body,
      mode === "bad-secret" ? `${input.secret}-wrong` : input.secret,
    );
  return { method: "POST", headers, body };
}

export interface DeliveryAttempt {
  at: Date;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface DeliveryRecord {
  topic: string;
  shopDomain: string;
  webhookId: string;
  eventId: string;
  duplicate: boolean;
  attempts: DeliveryAttempt[];
  /** "delivered" after a 2xx; "failed" when retries ran out. */
  outcome: "pending" | "delivered" | "failed";
}

export interface WebhookSenderOptions {
  /** Where to POST; a function lets each topic go to its own route. */
  url: string | ((topic: string, shopDomain: string) => string);
  secret: string;
  /** Subscribed topics; others are not delivered. Default: all. */
  topics?: readonly string[];
  apiVersion?: string;
  /** Seed for ids, duplicates and delays (deterministic runs). Without it, ids are crypto UUIDs. */
  seed?: number | string;
  /** Probability that a delivery is sent a second time (default 0). */
  duplicateRate?: number;
  /** "same-ids": the copy repeats X-Shopify-Webhook-Id and Event-Id (a re-delivery); "new-webhook-id": same Event-Id, new Webhook-Id. */
  duplicateMode?: "same-ids" | "new-webhook-id";
  /** Each delivery waits a random 0..maxDelayMs first, so deliveries overtake each other. */
  maxDelayMs?: number;
  /** Delays between attempts after a failure (default Shopify's 8 over ~4 h). */
  retrySchedule?: readonly number[];
  /** Multiplies every retry delay (e.g. 0.0001 to run 4 hours of retries in about a second). */
  retryScale?: number;
  timeoutMs?: number;
  signature?: SignatureMode;
  fetch?: typeof fetch;
}

interface Sendable {
  event: WebhookEvent;
  webhookId: string;
  duplicate: boolean;
}

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly rng: Random | null;
  private readonly inflight = new Set<Promise<void>>();
  private held: Sendable[] | null = null;
  private readonly opts: Required<Omit<WebhookSenderOptions, "seed" | "topics" | "fetch">> &
    Pick<WebhookSenderOptions, "topics" | "fetch">;

  constructor(options: WebhookSenderOptions) {
    this.rng = options.seed === undefined ? null : new Random(`webhooks/${options.seed}`);
    this.opts = {
      url: options.url,
      secret: options.secret,
      topics: options.topics,
      apiVersion: options.apiVersion ?? WEBHOOK_API_VERSION,
      duplicateRate: options.duplicateRate ?? 0,
      duplicateMode: options.duplicateMode ?? "same-ids",
      maxDelayMs: options.maxDelayMs ?? 0,
      retrySchedule: options.retrySchedule ?? SHOPIFY_RETRY_SCHEDULE_MS,
      retryScale: options.retryScale ?? 1,
      timeoutMs: options.timeoutMs ?? SHOPIFY_TIMEOUT_MS,
      signature: options.signature ?? "valid",
      fetch: options.fetch,
    };
  }

  /** Sets how later deliveries are signed (negative tests). */
  setSignatureMode(mode: SignatureMode): void {
    this.opts.signature = mode;
  }

  /** Subscribes to a shop's events; returns an unsubscribe function. */
  attach(source: { onEvent(listener: (e: WebhookEvent) => void): () => void }): () => void {
    return source.onEvent((e) => this.send(e));
  }

  private id(): string {
    return this.rng ? this.rng.uuid() : randomUUID();
  }

  private random(): number {
    return this.rng ? this.rng.next() : Math.random();
  }

  /** Queues one event for delivery (plus a duplicate, by chance). */
  send(event: WebhookEvent): void {
    if (this.opts.topics && !this.opts.topics.includes(event.topic)) return;
    const first: Sendable = { event, webhookId: this.id(), duplicate: false };
    const items = [first];
    if (this.opts.duplicateRate > 0 && this.random() < this.opts.duplicateRate) {
      items.push({
        event,
        webhookId: this.opts.duplicateMode === "same-ids" ? first.webhookId : this.id(),
        duplicate: true,
      });
    }
    for (const item of items) {
      if (this.held) this.held.push(item);
      else this.dispatch(item);
    }
  }

  /** Holds deliveries back until release() — to build a batch that then arrives out of order. */
  hold(): void {
    this.held ??= [];
  }

  /** Releases held deliveries, shuffled by default, one after another or all at once. */
  release(opts: { shuffle?: boolean; sequential?: boolean } = {}): Promise<void> {
    const batch = this.held ?? [];
    this.held = null;
    if (opts.shuffle !== false) {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j] as Sendable, batch[i] as Sendable];
      }
    }
    if (opts.sequential) {
      const run = (async () => {
        for (const item of batch) await this.deliver(item);
      })();
      this.track(run);
      return run;
    }
    for (const item of batch) this.dispatch(item);
    return this.idle();
  }

  /** Resolves when every queued delivery (including retries) has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private dispatch(item: Sendable): void {
    this.track(this.deliver(item));
  }

  private async deliver(item: Sendable): Promise<void> {
    const { event } = item;
    const record: DeliveryRecord = {
      topic: event.topic,
      shopDomain: event.shopDomain,
      webhookId: item.webhookId,
      eventId: event.eventId,
      duplicate: item.duplicate,
      attempts: [],
      outcome: "pending",
    };
    this.deliveries.push(record);
    if (this.opts.maxDelayMs > 0) await sleep(this.random() * this.opts.maxDelayMs);
    const request = buildWebhookRequest({
      topic: event.topic,
      shopDomain: event.shopDomain,
      payload: event.payload,
      secret: this.opts.secret,
      webhookId: item.webhookId,
      eventId: event.eventId,
      triggeredAt: event.triggeredAt,
      apiVersion: this.opts.apiVersion,
      signature: this.opts.signature,
    });
    const url = typeof this.opts.url === "function" ? this.opts.url(event.topic, event.shopDomain) : this.opts.url;
    const schedule = this.opts.retrySchedule;
    for (let attempt = 0; attempt <= schedule.length; attempt++) {
      if (attempt > 0) await sleep((schedule[attempt - 1] as number) * this.opts.retryScale);
      const ok = await this.attempt(url, request, record);
      if (ok) {
        record.outcome = "delivered";
        return;
      }
    }
    record.outcome = "failed";
  }

  private async attempt(url: string, request: WebhookRequest, record: DeliveryRecord): Promise<boolean> {
    const started = performance.now();
    const at = new Date();
    try {
      const doFetch = this.opts.fetch ?? fetch;
      const res = await doFetch(url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual", // Shopify treats redirects as failures
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.attempts.push({
        at,
        status: res.status,
        error: null,
        ms: performance.now() - started,
      });
      return res.status >= 200 && res.status < 300;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      record.attempts.push({
        at,
        status: null,
        error: message,
        ms: performance.now() - started,
      });
      return false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
