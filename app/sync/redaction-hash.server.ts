/**
 * A keyed hash of a redacted customer's (or order's) id: enough to recognise late webhooks for them, not enough to
 * recover who they were. New hashes use the redaction key derived from the master key (keys.server.ts); hashes
 * written before that were keyed on the master key itself and are still recognised (redactionHashes).
 */
import { createHmac } from "node:crypto";
import { config } from "../config.server";
import { purposeKey } from "../security/keys.server";

let cached: { master: Buffer; key: Buffer } | null = null;
function redactionKey(): Buffer {
  const master = config().encryptionKey;
  if (cached?.master !== master) cached = { master, key: purposeKey(master, "redaction-hash/v2") };
  return cached.key;
}

export function redactionHash(storeId: string, id: string): string {
  return createHmac("sha256", redactionKey()).update(`${storeId}:${id}`).digest("base64url");
}

/** Every hash a redaction of this id may have been stored under (current first, then the pre-HKDF one). */
export function redactionHashes(storeId: string, id: string): string[] {
  const legacy = createHmac("sha256", config().encryptionKey).update(`${storeId}:${id}`).digest("base64url");
  return [redactionHash(storeId, id), legacy];
}
