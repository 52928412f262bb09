/**
 * One master key (CICLO_ENCRYPTION_KEY), a separate key per purpose: encrypting secrets at rest, signing cookies,
 * signing connect attempts and hashing redacted ids each use a key derived with HKDF-SHA256 (RFC 5869) and a
 * purpose label, so no key is used by two algorithms and one purpose's outputs tell nothing about another's key.
 *
 * Two older derivations are kept because their outputs are stored or sent out and must stay the same: WooCommerce
 * guest ids (HMAC(master, "woo-guest:<store>")) and hosted-survey link secrets (HMAC(master,
 * "ciclo/survey-token/v1/<store>")). Both already key an HMAC on a purpose label, never on data.
 */
import { hkdfSync } from "node:crypto";

export type KeyPurpose = "secret-box/v2" | "woo-admin-session-cookie" | "woo-connect-attempt" | "redaction-hash/v2";

const SALT = Buffer.from("ciclo/key-derivation/v1");

export function purposeKey(master: Buffer, purpose: KeyPurpose): Buffer {
  if (master.length < 32) throw new Error("the master key must be at least 32 bytes");
  return Buffer.from(hkdfSync("sha256", master, SALT, purpose, 32));
}
