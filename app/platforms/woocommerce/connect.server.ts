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
  wooTopicSecret,
  type EnsureWebhooksReport,
} from "./index";
import { assertPublicHost } from "../../security/outbound.server";
import { KeyedRateLimiter, type RateLimitDecision } from "../../security/rate-limiter";
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

/** Shown for every address Ciclo will not contact: nothing about why (resolution, range, open ports). */
export const ADDRESS_REFUSED = "Ciclo can't connect to that address. Enter your store's public web address.";

/**
 * Connect attempts make Ciclo contact an address someone typed in: a few per minute per client, and a ceiling for
 * everyone together, so the form cannot be used to make Ciclo send traffic at volume.
 */
const PER_CLIENT = { refillPerSecond: 1 / 60, capacity: 10, maxKeys: 10_000 };
const OVERALL = { refillPerSecond: 1, capacity: 60 };

export class WooConnectService {
  readonly attempts: ConnectAttempts;
  readonly outcomes = new ConnectOutcomes();
  private readonly perClient = new KeyedRateLimiter(PER_CLIENT);
  private readonly overall = new KeyedRateLimiter(OVERALL);

  constructor(private readonly deps: WooConnectDeps) {
    this.attempts = new ConnectAttempts(deps.encryptionKey);
  }

  /** Takes one connect attempt for a client (its address); refused ones answer 429 with Retry-After. */
  admit(clientKey: string): RateLimitDecision {
    const own = this.perClient.take(clientKey || "unknown");
    if (!own.allowed) return own;
    return this.overall.take("*");
  }

  private get allowPrivate(): boolean {
    return this.deps.clientTuning?.allowPrivateAddresses ?? false;
  }

  /** The connect form's address field filled from a link (?store_url=…): normalised, or with the reason it is not. */
  prefill(storeUrlInput: string): { storeUrl: string; error: string | null } {
    try {
      return { storeUrl: normalizeStoreUrl(storeUrlInput), error: null };
    } catch (error) {
      return { storeUrl: storeUrlInput, error: `That store address is not valid: ${(error as Error).message}.` };
    }
  }

  /** authorizeUrl, after checking that the address is one Ciclo may contact later (the key-exchange callback). */
  async startAuthorization(
    storeUrlInput: string,
    now = new Date(),
  ): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
    let storeUrl: string;
    try {
      storeUrl = normalizeStoreUrl(storeUrlInput);
    } catch (error) {
      return { ok: false, reason: `That store address is not valid: ${(error as Error).message}.` };
    }
    if (!(await this.publicAddress(storeUrl))) return { ok: false, reason: ADDRESS_REFUSED };
    return { ok: true, url: this.authorizeUrl(storeUrl, now) };
  }

  private async publicAddress(storeUrl: string): Promise<boolean> {
    try {
      await assertPublicHost(storeUrl, this.allowPrivate);
      return true;
    } catch {
      return false;
    }
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
    // One callback per attempt: a replayed callback must not make Ciclo contact the store again.
    if (!this.outcomes.claim(attempt.value.nonce))
      return { status: 400, message: "this connect attempt was already used" };
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
    if (!(await this.publicAddress(storeUrl))) return { ok: false, reason: ADDRESS_REFUSED };
    const client = createWooClient({ maxRetries: 1, ...this.deps.clientTuning, storeUrl, ...keys });
    const check = await checkCredentials(client);
    if (!check.ok) {
      // The connection itself may refuse the address (a name that re-resolved since the check above).
      if (check.reason === "the store could not be reached" && !(await this.publicAddress(storeUrl)))
        return { ok: false, reason: ADDRESS_REFUSED };
      return { ok: false, reason: capitalize(check.reason) };
    }

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
      const storeSecret = box.open(webhookSecret);
      webhooks = await ensureWebhooks(
        client,
        wooDeliveryUrl(this.deps.appUrl, store.id),
        (topic) => wooTopicSecret(storeSecret, topic),
        { rotateSecret: !existing?.webhookSecret || !existing.webhookTopicSecrets },
      );
      await db.store.update({ where: { id: store.id }, data: { webhookTopicSecrets: true } });
    } catch (error) {
      const message = error instanceof WooApiError ? error.message : "unexpected error";
      webhooks = { error: `webhooks could not be registered (${message}); reconciliation will retry` };
      logger.warn("woo webhook registration failed", { store: domain, error: message });
    }
    const plugin = await connectPlugin(
      storeUrl,
      keys,
      { storeId: store.id, secret: box.open(embedSecret), appUrl: this.deps.appUrl },
      { ca: this.deps.clientTuning?.ca, allowPrivateAddresses: this.allowPrivate },
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
