/**
 * The tokens the WordPress plugin (extensions/woocommerce/ciclo/includes/tokens.php) signs with the per-store
 * secret Ciclo issued at connect time. No personal data: ids, an expiry and (embed) a nonce.
 *
 *   embed:  "e1.<storeId>.<wpUserId>.<expiresEpochSeconds>.<nonce>.<sig>"   (120 s)
 *   survey: "s1.<storeId>.<orderId>.<expiresEpochSeconds>.<sig>"            (30 days)
 *   sig = base64url(HMAC-SHA256(the text before ".<sig>", secret)), unpadded.
 *
 * The caller rejects replayed embed nonces (remember them until they expire).
 */
import { signText, verifySignedText } from "../../auth/signed-text";

export type EmbedToken = { storeId: string; wpUserId: string; expiresAt: Date; nonce: string };
export type SurveyToken = { storeId: string; orderId: string; expiresAt: Date };
type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

const EMBED = /^e1\.([A-Za-z0-9_-]{1,64})\.(\d{1,20})\.(\d{1,12})\.([0-9a-f]{32})$/;
const SURVEY = /^s1\.([A-Za-z0-9_-]{1,64})\.(\d{1,20})\.(\d{1,12})$/;

function split(token: string, secret: string): Verified<string> {
  const checked = verifySignedText(token, secret);
  if (!checked.ok) return { ok: false, reason: checked.reason === "malformed" ? "malformed token" : "bad signature" };
  return { ok: true, value: checked.payload };
}

export function verifyEmbedToken(token: string, secret: string, now: Date): Verified<EmbedToken> {
  const checked = split(token, secret);
  if (!checked.ok) return checked;
  const m = EMBED.exec(checked.value);
  if (!m) return { ok: false, reason: "malformed token" };
  const expiresAt = new Date(Number(m[3]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, value: { storeId: m[1]!, wpUserId: m[2]!, expiresAt, nonce: m[4]! } };
}

export function verifySurveyToken(token: string, secret: string, now: Date): Verified<SurveyToken> {
  const checked = split(token, secret);
  if (!checked.ok) return checked;
  const m = SURVEY.exec(checked.value);
  if (!m) return { ok: false, reason: "malformed token" };
  const expiresAt = new Date(Number(m[3]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, value: { storeId: m[1]!, orderId: m[2]!, expiresAt } };
}

/** For tests and the demo store: the same tokens the plugin makes. */
export function signSurveyToken(storeId: string, orderId: string, secret: string, expiresAt: Date): string {
  const payload = `s1.${storeId}.${orderId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return signText(payload, secret);
}
