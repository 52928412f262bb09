/**
 * Text signed with a shared secret, as "<payload>.<sig>" where sig = base64url(HMAC-SHA256(payload, secret)),
 * unpadded: Ciclo's survey links and the WordPress plugin's tokens. Signatures are compared in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const signature = (payload: string, secret: string) => createHmac("sha256", secret).update(payload).digest("base64url");

export function signText(payload: string, secret: string): string {
  return `${payload}.${signature(payload, secret)}`;
}

/** The payload when the signature is right. */
export function verifySignedText(
  token: string,
  secret: string,
): { ok: true; payload: string } | { ok: false; reason: "malformed" | "bad-signature" } {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return { ok: false, reason: "malformed" };
  const payload = token.slice(0, dot);
  if (!sameSignature(token.slice(dot + 1), signature(payload, secret))) return { ok: false, reason: "bad-signature" };
  return { ok: true, payload };
}

/** Constant-time comparison of a received signature with the expected one. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
