/**
 * The admin outside Shopify: the plugin's wp-admin page frames `/woo/embed?token=…`, a signed
 * 120-second token (decision 057). We verify it with the store's embed secret, refuse a token that claims to live
 * longer than that, refuse a nonce seen before (by any process: the nonces are in the database), and
 * set our own signed session cookie; the Polaris admin then runs without App Bridge. The cookie is
 * SameSite=None; Secure because it lives in a third-party iframe inside wp-admin.
 */
import { createCookie, type Cookie } from "@remix-run/node";
import type { Store } from "@prisma/client";
import type { Db } from "../../db.server";
import { verifyEmbedToken } from "./index";
import { purposeKey } from "../../security/keys.server";
import type { SecretBox } from "../../security/secret-box.server";

export const WOO_SESSION_HOURS = 8;

interface SessionValue {
  storeId: string;
  wpUserId: string;
  expiresAt: number;
}

/**
 * The longest an embed token may live, however far its signed expiry says: the plugin signs 120 s; a little more
 * for clock skew. A token signed to last for days (a leaked secret, a misbehaving plugin) is refused.
 */
export const MAX_EMBED_TOKEN_SECONDS = 150;

/**
 * Nonces of embed tokens already used, in the database so every app process refuses a replay (a token used on
 * one server cannot be used again on another), kept until the token would have expired anyway.
 */
export class EmbedNonces {
  constructor(private readonly db: Db) {}

  /** False when the nonce was used before (by any process). */
  async consume(storeId: string, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.db.usedNonce.deleteMany({ where: { expiresAt: { lte: now } } });
    try {
      await this.db.usedNonce.create({ data: { id: `embed:${storeId}:${nonce}`, expiresAt } });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") return false; // unique: seen before
      throw error;
    }
  }
}

export function wooSessionCookie(encryptionKey: Buffer): Cookie {
  return createCookie("ciclo_woo", {
    httpOnly: true,
    secure: true,
    sameSite: "none",
    // Partitioned (CHIPS): the cookie lives only under the wp-admin site that framed the sign-in, so a page on
    // any other site (a forged form, a top-level visit) never carries it.
    partitioned: true,
    path: "/",
    maxAge: WOO_SESSION_HOURS * 3600,
    secrets: [purposeKey(encryptionKey, "woo-admin-session-cookie").toString("base64url")],
  });
}

export interface WooEmbedDeps {
  db: Db;
  box: SecretBox;
  nonces: EmbedNonces;
  cookie: Cookie;
}

export type EmbedStart =
  { ok: true; store: Store; setCookie: string } | { ok: false; status: 400 | 401; reason: string };

export async function startEmbedSession(token: string, deps: WooEmbedDeps, now = new Date()): Promise<EmbedStart> {
  const storeId = /^e1\.([A-Za-z0-9_-]{1,64})\./.exec(token)?.[1];
  if (!storeId) return { ok: false, status: 400, reason: "malformed token" };
  const store = await deps.db.store.findUnique({ where: { id: storeId } });
  if (!store || store.platform !== "woocommerce" || store.status !== "installed" || !store.embedSecret)
    return { ok: false, status: 401, reason: "this store is not connected to Ciclo" };
  const verified = verifyEmbedToken(token, deps.box.open(store.embedSecret), now);
  if (!verified.ok) return { ok: false, status: 401, reason: verified.reason };
  if (verified.value.storeId !== store.id) return { ok: false, status: 401, reason: "bad signature" };
  if (verified.value.expiresAt.getTime() - now.getTime() > MAX_EMBED_TOKEN_SECONDS * 1000)
    return { ok: false, status: 401, reason: "this sign-in link is valid for too long; update the Ciclo plugin" };
  if (!(await deps.nonces.consume(store.id, verified.value.nonce, verified.value.expiresAt, now)))
    return { ok: false, status: 401, reason: "this sign-in link was already used; reload the Ciclo page in WordPress" };
  const value: SessionValue = {
    storeId: store.id,
    wpUserId: verified.value.wpUserId,
    expiresAt: now.getTime() + WOO_SESSION_HOURS * 3600_000,
  };
  return { ok: true, store, setCookie: await deps.cookie.serialize(value) };
}

/** The admin context for a WooCommerce session cookie, or null (then fall through to Shopify/demo auth). */
export async function adminContextForWoo(
  request: Request,
  deps: Pick<WooEmbedDeps, "db" | "cookie">,
  now = new Date(),
): Promise<{ store: Store; embedded: false } | null> {
  const value = (await deps.cookie.parse(request.headers.get("cookie"))) as Partial<SessionValue> | null;
  if (!value || typeof value.storeId !== "string" || typeof value.expiresAt !== "number") return null;
  if (value.expiresAt <= now.getTime()) return null;
  const store = await deps.db.store.findUnique({ where: { id: value.storeId } });
  if (!store || store.platform !== "woocommerce" || store.status !== "installed") return null;
  return { store, embedded: false };
}
