/**
 * Connecting a WooCommerce store: the store URL leads to WooCommerce's key exchange; the callback
 * receives the keys, checks they can read orders, and stores them sealed together with fresh per-store webhook
 * and embed secrets; then the webhooks are registered and the plugin told its secret. Manual key entry runs the
 * same checks. Keys that can't read orders are never stored; the reason is shown to the merchant.
 */
import type { Store } from "@prisma/client";
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import {
  buildAuthorizeUrl,
  checkCredentials,
  createWooClient,
  ensureWebhooks,
  normalizeStoreUrl,
  parseKeyExchangeCallback,
  WooApiError,
  type EnsureWebhooksReport,
} from "./index";
import type { SecretBox } from "../../security/secret-box.server";
import { ConnectAttempts, ConnectOutcomes, type ConnectOutcome } from "./connect-attempt.server";
import { connectPlugin, type PluginConnection } from "./plugin-connection.server";
import { newStoreSecret, sealKeys, wooDeliveryUrl, type WooClientTuning, type WooKeys } from "./store-keys.server";

export interface WooConnectDeps {
  db: Db;
  box: SecretBox;
  encryptionKey: Buffer;
  /** Ciclo's public URL; the key-exchange callback must be https there. */
  appUrl: string;
  clientTuning?: WooClientTuning;
  /** After a store is connected (first time or again): start its backfill. */
  onConnected?: (store: Store, firstTime: boolean) => void | Promise<void>;
}

export type ConnectResult =
  | {
      ok: true;
      store: Store;
      firstTime: boolean;
      webhooks: EnsureWebhooksReport | { error: string };
      plugin: PluginConnection;
    }
  | { ok: false; reason: string };

export const APP_NAME = "Ciclo";

export class WooConnectService {
  readonly attempts: ConnectAttempts;
  readonly outcomes = new ConnectOutcomes();

  constructor(private readonly deps: WooConnectDeps) {
    this.attempts = new ConnectAttempts(deps.encryptionKey);
  }

  /** Where to send the merchant to approve Ciclo; throws with a readable message on a bad store URL. */
  authorizeUrl(storeUrlInput: string, now = new Date()): string {
    const storeUrl = normalizeStoreUrl(storeUrlInput);
    const app = this.deps.appUrl.replace(/\/+$/, "");
    return buildAuthorizeUrl({
      storeUrl,
      appName: APP_NAME,
      userId: this.attempts.issue(storeUrl, now),
      returnUrl: `${app}/woo/return`,
      callbackUrl: `${app}/woo/callback`,
    });
  }

  /**
   * The key-exchange POST. WooCommerce deletes the key unless we answer exactly 200, and redirects the merchant
   * to the return page only then; so keys that can't read orders still get a 200 (the key stays unused in
   * WooCommerce, and the return page shows why), while a forged or malformed callback gets a 400.
   */
  async handleCallback(rawBody: string, now = new Date()): Promise<{ status: 200 | 400; message: string }> {
    let userId: string | null = null;
    try {
      const parsed = JSON.parse(rawBody) as unknown;
      if (parsed && typeof parsed === "object" && "user_id" in parsed) userId = String(parsed.user_id);
    } catch {
      return { status: 400, message: "callback body is not JSON" };
    }
    if (!userId) return { status: 400, message: "user_id missing" };
    const attempt = this.attempts.verify(userId, now);
    if (!attempt.ok) return { status: 400, message: attempt.reason };
    const parsed = parseKeyExchangeCallback(rawBody, userId);
    if (!parsed.ok) {
      this.outcomes.record(attempt.value.nonce, { ok: false, reason: parsed.reason });
      return { status: 400, message: parsed.reason };
    }
    const result = await this.connectWithKeys(attempt.value.storeUrl, parsed.value);
    this.outcomes.record(attempt.value.nonce, result.ok ? { ok: true, storeId: result.store.id } : result);
    return { status: 200, message: result.ok ? "connected" : result.reason };
  }

  /** What the return page shows for `?success=…&user_id=…`. */
  async returnOutcome(params: URLSearchParams, now = new Date()): Promise<ConnectOutcome> {
    const userId = params.get("user_id") ?? "";
    const attempt = this.attempts.verify(userId, now);
    if (!attempt.ok) return { ok: false, reason: attempt.reason };
    if (params.get("success") !== "1") return { ok: false, reason: "Access was not approved in WooCommerce." };
    const recorded = this.outcomes.get(attempt.value.nonce);
    if (recorded) return recorded;
    // Another process took the callback: a store updated since the attempt began means it succeeded.
    const store = await this.deps.db.store.findFirst({
      where: { platform: "woocommerce", baseUrl: attempt.value.storeUrl, updatedAt: { gte: attempt.value.issuedAt } },
    });
    return store
      ? { ok: true, storeId: store.id }
      : { ok: false, reason: "WooCommerce did not send working keys. Try again, or enter keys by hand." };
  }

  /** Manual key entry, and the second half of the key exchange. */
  async connectWithKeys(storeUrlInput: string, keys: WooKeys): Promise<ConnectResult> {
    let storeUrl: string;
    try {
      storeUrl = normalizeStoreUrl(storeUrlInput);
    } catch (error) {
      return { ok: false, reason: `That store address is not valid: ${(error as Error).message}.` };
    }
    if (!/^ck_[0-9a-f]{40}$/.test(keys.consumerKey) || !/^cs_[0-9a-f]{40}$/.test(keys.consumerSecret))
      return { ok: false, reason: "Keys look like ck_… and cs_… followed by 40 hexadecimal characters." };
    const client = createWooClient({ maxRetries: 1, ...this.deps.clientTuning, storeUrl, ...keys });
    const check = await checkCredentials(client);
    if (!check.ok) return { ok: false, reason: capitalize(check.reason) };

    const { db, box } = this.deps;
    const domain = storeDomain(storeUrl);
    const existing = await db.store.findUnique({ where: { platform_domain: { platform: "woocommerce", domain } } });
    // Keep the secrets of a store that reconnects: the plugin and the webhooks already hold them.
    const webhookSecret = existing?.webhookSecret ?? box.seal(newStoreSecret());
    const embedSecret = existing?.embedSecret ?? box.seal(newStoreSecret());
    const data = {
      baseUrl: storeUrl,
      credentials: sealKeys(box, keys),
      webhookSecret,
      embedSecret,
      status: "installed",
      uninstalledAt: null,
      scopes: "read_write",
    };
    const store = existing
      ? await db.store.update({ where: { id: existing.id }, data })
      : await db.store.create({ data: { platform: "woocommerce", domain, name: domain, ...data } });

    let webhooks: EnsureWebhooksReport | { error: string };
    try {
      webhooks = await ensureWebhooks(client, wooDeliveryUrl(this.deps.appUrl, store.id), box.open(webhookSecret), {
        rotateSecret: !existing?.webhookSecret,
      });
    } catch (error) {
      const message = error instanceof WooApiError ? error.message : "unexpected error";
      webhooks = { error: `webhooks could not be registered (${message}); reconciliation will retry` };
      logger.warn("woo webhook registration failed", { store: domain, error: message });
    }
    const plugin = await connectPlugin(
      storeUrl,
      keys,
      { storeId: store.id, secret: box.open(embedSecret), appUrl: this.deps.appUrl },
      { ca: this.deps.clientTuning?.ca },
    );
    logger.info("woo store connected", { store: domain, firstTime: !existing, plugin: plugin.connected });
    await this.deps.onConnected?.(store, !existing);
    return { ok: true, store, firstTime: !existing, webhooks, plugin };
  }
}

/** `Store.domain`: the site's host, plus its path for WordPress installed in a folder. */
export function storeDomain(normalizedStoreUrl: string): string {
  const url = new URL(normalizedStoreUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`.toLowerCase();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
