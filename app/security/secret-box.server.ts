/**
 * Secrets at rest (OAuth tokens, WooCommerce keys): AES-256-GCM with a random 96-bit IV and a 128-bit tag per
 * value, stored as "enc:v2:<base64(iv | tag | ciphertext)>", so a plaintext value is recognisable and can be
 * migrated.
 * - v2: the key is derived from the master key for this purpose only (keys.server.ts).
 * - v1 (before per-purpose keys): the master key itself; still opened, never written.
 * The tag length is pinned: GCM accepts tags as short as 4 bytes, and a short tag can be forged by trying.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { purposeKey } from "./keys.server";

const V2 = "enc:v2:";
const V1 = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private readonly key: Buffer;
  private readonly legacyKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error("SecretBox needs a 32-byte key");
    this.key = purposeKey(masterKey, "secret-box/v2");
    this.legacyKey = masterKey;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return V2 + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
  }

  open(sealed: string): string {
    const key = sealed.startsWith(V2) ? this.key : sealed.startsWith(V1) ? this.legacyKey : null;
    if (!key) throw new Error("value is not sealed");
    const raw = Buffer.from(sealed.slice(V2.length), "base64");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed value is truncated");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  }

  /** Sealed with the master key itself (before per-purpose keys): worth re-sealing when next written. */
  static isLegacy(value: string): boolean {
    return value.startsWith(V1);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(V2) || value.startsWith(V1);
  }
}
