/**
 * Keeping Ciclo's seven webhooks registered and active. WooCommerce disables a webhook after more than five
 * consecutive failed deliveries (and keeps its failure count, so one more failure after re-enabling disables it
 * again); merchants can pause or delete webhooks by hand. `ensureWebhooks` lists the store's webhooks, and for
 * each topic with Ciclo's delivery URL: creates it when missing (WooCommerce pings the URL synchronously, so
 * the endpoint must already answer 2xx), re-activates it with the current secret when paused or disabled, and
 * leaves active ones alone (WooCommerce never returns secrets, so they cannot be compared; pass `rotateSecret`
 * to re-send the secret to all of them). Run `reconcile` afterwards for what happened while they were off.
 */
import { int, isObject, str } from "../json";
import { WOO_WEBHOOK_TOPICS, type WooWebhookTopic } from "./map-webhook";
import type { WooClient } from "./rest-client";

export interface WooWebhookState {
  id: number;
  topic: string;
  status: string;
  deliveryUrl: string;
}

export interface EnsureWebhooksReport {
  created: WooWebhookTopic[];
  reactivated: { topic: WooWebhookTopic; previousStatus: string }[];
  unchanged: WooWebhookTopic[];
  /** Requests made (1 list page per 100 webhooks, plus one per change). */
  requests: number;
}

export interface EnsureWebhooksOptions {
  /** Name prefix shown in WooCommerce > Settings > Advanced > Webhooks. */
  namePrefix?: string;
  rotateSecret?: boolean;
  topics?: readonly WooWebhookTopic[];
}

export async function listWebhooks(client: WooClient): Promise<{ webhooks: WooWebhookState[]; requests: number }> {
  const webhooks: WooWebhookState[] = [];
  let requests = 0;
  for (let page = 1; ; page++) {
    const res = await client.get<unknown>("webhooks", { per_page: 100, page, status: "all" });
    requests++;
    const items = Array.isArray(res.data) ? res.data.filter(isObject) : [];
    for (const item of items) {
      const webhookId = int(item, "id");
      const topic = str(item, "topic");
      if (webhookId === null || topic === null) continue;
      webhooks.push({
        id: webhookId,
        topic,
        status: str(item, "status") ?? "",
        deliveryUrl: str(item, "delivery_url") ?? "",
      });
    }
    if (items.length < 100 || (res.totalPages !== null && page >= res.totalPages)) return { webhooks, requests };
  }
}

/**
 * `secret`: one secret for every webhook, or each topic's own (Ciclo registers per-topic secrets so a delivery
 * cannot be replayed under another topic; see webhook-signature.ts).
 */
export async function ensureWebhooks(
  client: WooClient,
  deliveryUrl: string,
  secret: string | ((topic: WooWebhookTopic) => string),
  options: EnsureWebhooksOptions = {},
): Promise<EnsureWebhooksReport> {
  const secretFor = typeof secret === "string" ? () => secret : secret;
  if (!secret || (options.topics ?? WOO_WEBHOOK_TOPICS).some((topic) => !secretFor(topic)))
    throw new Error("a webhook secret is required");
  const namePrefix = options.namePrefix ?? "Ciclo";
  const listed = await listWebhooks(client);
  const report: EnsureWebhooksReport = { created: [], reactivated: [], unchanged: [], requests: listed.requests };
  for (const topic of options.topics ?? WOO_WEBHOOK_TOPICS) {
    const ours = listed.webhooks.filter((w) => w.topic === topic && sameUrl(w.deliveryUrl, deliveryUrl));
    // Prefer an active one; duplicates (e.g. from a crashed earlier run) are left for the merchant to see.
    const existing = ours.find((w) => w.status === "active") ?? ours[0];
    if (!existing) {
      await client.post("webhooks", {
        name: `${namePrefix} ${topic}`,
        topic,
        delivery_url: deliveryUrl,
        secret: secretFor(topic),
        status: "active",
      });
      report.requests++;
      report.created.push(topic);
    } else if (existing.status !== "active" || options.rotateSecret) {
      await client.put(`webhooks/${existing.id}`, { status: "active", secret: secretFor(topic) });
      report.requests++;
      if (existing.status !== "active") report.reactivated.push({ topic, previousStatus: existing.status });
      else report.unchanged.push(topic);
    } else {
      report.unchanged.push(topic);
    }
  }
  return report;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}
