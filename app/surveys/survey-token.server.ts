/**
 * Links to the hosted survey page carry a signed, expiring, single-order token. One format family serves
 * Ciclo's own links and the WordPress plugin's (decision 057, `plugin-tokens.ts`):
 *
 *   s1.<storeId>.<orderId>.<expiresEpochSeconds>.<sig>            the plugin's thank-you token (target thank-you)
 *   s2.<storeId>.<orderId>.<target>.<expiresEpochSeconds>.<sig>   Ciclo's links, target thank-you | order-status
 *   sig = base64url(HMAC-SHA256(text before ".<sig>", the store's survey secret)), unpadded.
 *
 * Ids and an expiry only: no e-mail, name or anything personal in the URL. The store id in the token is
 * read before the signature is checked only to find which secret to check it with.
 */
import { createHmac } from "node:crypto";
import { signText, verifySignedText } from "../auth/signed-text";
import { SURVEY_TARGETS, type SurveyTarget } from "../domain/surveys/catalogue";
import { verifySurveyToken as verifyPluginSurveyToken } from "../platforms/woocommerce/plugin-tokens";

export interface SurveyTokenClaims {
  storeId: string;
  /** Numeric order id. */
  orderId: string;
  target: SurveyTarget;
  expiresAt: Date;
}

export type SurveyTokenCheck =
  { ok: true; claims: SurveyTokenClaims } | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

/** How long an e-mailed link stays valid unless the caller says otherwise. */
export const DEFAULT_SURVEY_LINK_DAYS = 30;
const MAX_TOKEN_LENGTH = 300;
const CICLO_TOKEN = /^s2\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,19})\.(thank-you|order-status)\.(\d{1,12})$/;
const ANY_TOKEN = /^s[12]\.([A-Za-z0-9_-]{1,64})\./;

/** The store id a token claims, unverified: only for looking up the secret to verify it with. */
export function claimedStoreId(token: string): string | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  return ANY_TOKEN.exec(token)?.[1] ?? null;
}

export function signSurveyToken(claims: SurveyTokenClaims, secret: string): string {
  if (!SURVEY_TARGETS.includes(claims.target)) throw new Error(`unknown survey target ${claims.target}`);
  const payload = `s2.${claims.storeId}.${claims.orderId}.${claims.target}.${Math.floor(claims.expiresAt.getTime() / 1000)}`;
  if (!CICLO_TOKEN.test(payload)) throw new Error("store id or order id cannot go in a survey token");
  return signText(payload, secret);
}

export function verifySurveyToken(token: string, secret: string, now: Date): SurveyTokenCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  if (token.startsWith("s1.")) {
    const checked = verifyPluginSurveyToken(token, secret, now);
    if (checked.ok) return { ok: true, claims: { ...checked.value, target: "thank-you" } };
    const reason =
      checked.reason === "expired" ? "expired" : checked.reason === "bad signature" ? "bad-signature" : "malformed";
    return { ok: false, reason };
  }
  const checked = verifySignedText(token, secret);
  if (!checked.ok) return checked;
  const match = CICLO_TOKEN.exec(checked.payload);
  if (!match) return { ok: false, reason: "malformed" };
  const expiresAt = new Date(Number(match[4]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return {
    ok: true,
    claims: { storeId: match[1]!, orderId: match[2]!, target: match[3] as SurveyTarget, expiresAt },
  };
}

/**
 * The secret a store's survey links are signed with. WooCommerce stores: the per-store secret the plugin holds
 * (issued at connect, sealed in Store.embedSecret), so the plugin's thank-you tokens verify. Every other store:
 * a key derived from the app's encryption key and the store id, so no extra secret has to be stored and one
 * store's links never verify for another.
 */
export function deriveSurveySecret(encryptionKey: Buffer, storeId: string): string {
  return createHmac("sha256", encryptionKey).update(`ciclo/survey-token/v1/${storeId}`).digest("base64url");
}
