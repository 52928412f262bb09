/**
 * A connect attempt travels through WooCommerce's key exchange as its `user_id`, which WooCommerce echoes back
 * unchanged in the callback body and on the return URL. We make it self-contained and signed
 * (`<base64url store URL>.<issued epoch s>.<nonce>.<sig>`), so no table of pending attempts is needed and a
 * callback cannot name a store URL we did not start with.
 */
import { createHmac, randomBytes } from "node:crypto";
import { sameSignature } from "../../auth/signed-text";
import { purposeKey } from "../../security/keys.server";

const ATTEMPT_TTL_MS = 60 * 60_000; // the merchant may take a while on the authorize screen

export interface ConnectAttempt {
  storeUrl: string;
  issuedAt: Date;
  nonce: string;
}

export class ConnectAttempts {
  private readonly key: Buffer;

  constructor(encryptionKey: Buffer) {
    this.key = purposeKey(encryptionKey, "woo-connect-attempt");
  }

  issue(storeUrl: string, now = new Date()): string {
    const payload = [
      Buffer.from(storeUrl, "utf8").toString("base64url"),
      String(Math.floor(now.getTime() / 1000)),
      randomBytes(9).toString("base64url"),
    ].join(".");
    return `${payload}.${this.sign(payload)}`;
  }

  verify(token: string, now = new Date()): { ok: true; value: ConnectAttempt } | { ok: false; reason: string } {
    const parts = token.split(".");
    if (parts.length !== 4) return { ok: false, reason: "unknown connect attempt" };
    const [url, issued, nonce, sig] = parts as [string, string, string, string];
    if (!sameSignature(sig, this.sign(`${url}.${issued}.${nonce}`)))
      return { ok: false, reason: "unknown connect attempt" };
    const issuedAt = new Date(Number(issued) * 1000);
    if (!/^\d+$/.test(issued) || now.getTime() - issuedAt.getTime() > ATTEMPT_TTL_MS)
      return { ok: false, reason: "this connect attempt expired; start again" };
    return { ok: true, value: { storeUrl: Buffer.from(url, "base64url").toString("utf8"), issuedAt, nonce } };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url").slice(0, 32);
  }
}

export type ConnectOutcome = { ok: true; storeId: string } | { ok: false; reason: string };

/**
 * What the callback concluded, for the return page the merchant lands on next. Process memory is enough: the
 * callback and the redirect happen within seconds; a lost entry falls back to "look the store up".
 */
export class ConnectOutcomes {
  private readonly outcomes = new Map<string, { outcome: ConnectOutcome | null; at: number }>();

  /** Marks an attempt's callback as taken; false when it was taken before (a replayed callback). */
  claim(nonce: string): boolean {
    this.forgetOld();
    if (this.outcomes.has(nonce)) return false;
    this.outcomes.set(nonce, { outcome: null, at: Date.now() });
    return true;
  }

  record(nonce: string, outcome: ConnectOutcome): void {
    this.forgetOld();
    this.outcomes.set(nonce, { outcome, at: Date.now() });
  }

  get(nonce: string): ConnectOutcome | null {
    return this.outcomes.get(nonce)?.outcome ?? null;
  }

  private forgetOld(): void {
    const now = Date.now();
    for (const [key, entry] of this.outcomes) if (now - entry.at > ATTEMPT_TTL_MS) this.outcomes.delete(key);
  }
}
