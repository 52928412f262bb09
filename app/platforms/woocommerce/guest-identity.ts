/**
 * Guest checkouts (customer_id 0) have no WooCommerce customer, so Ciclo groups them by billing e-mail.
 * The id must not reveal the address, so it is an HMAC of the normalized e-mail with a key the caller owns
 * (one key per store: the same shopper in two stores cannot be linked). Guests are never written back to.
 *
 * Normalization: Unicode NFC, trim, lower-case the whole address. Nothing provider-specific (no dot or
 * "+tag" folding): that would merge different people at providers where those characters are significant.
 */
import { createHmac } from "node:crypto";

export const GUEST_ID_PREFIX = "guest:";

export function normalizeGuestEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const normalized = email.normalize("NFC").trim().toLowerCase();
  // A usable address has exactly one "@" with text on both sides; anything else cannot group orders.
  return /^[^@\s]+@[^@\s]+$/.test(normalized) ? normalized : null;
}

/** `guest:` + 32 hex chars (128 bits of HMAC-SHA256), or null when the e-mail is missing or unusable. */
export function guestCustomerId(email: string | null | undefined, key: Buffer | string): string | null {
  const normalized = normalizeGuestEmail(email);
  if (normalized === null) return null;
  const digest = createHmac("sha256", key).update(normalized, "utf8").digest("hex");
  return GUEST_ID_PREFIX + digest.slice(0, 32);
}

export function isGuestCustomerId(externalId: string): boolean {
  return externalId.startsWith(GUEST_ID_PREFIX);
}
