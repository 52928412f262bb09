/**
 * Safety net: Ciclo only ever writes or removes tags in its own namespace. A change touching any tag without the
 * configured prefix is refused as a whole (never partly applied), so a bug upstream cannot strip a merchant's tags.
 */
import type { CustomerLabelChange } from "./types";

export const DEFAULT_TAG_PREFIX = "ciclo:";
/** Shopify's tag length limit. */
export const MAX_TAG_LENGTH = 255;

/** Why this change must not be sent, or null when it is safe. */
export function refusalReason(change: CustomerLabelChange, prefix: string): string | null {
  if (prefix.trim() === "") return "refused: the tag prefix is empty";
  const all = [...change.add, ...change.remove];
  const foreign = all.find((t) => !t.startsWith(prefix));
  if (foreign !== undefined) return `refused: tag '${foreign}' does not start with the prefix '${prefix}'`;
  const withComma = all.find((t) => t.includes(","));
  // Shopify splits tag strings on commas, so "ciclo:a,vip" would add the merchant-space tag "vip".
  if (withComma !== undefined) return `refused: tag '${withComma}' contains a comma`;
  const tooLong = all.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong !== undefined)
    return `refused: tag '${tooLong.slice(0, 40)}…' is longer than ${MAX_TAG_LENGTH} characters`;
  const removed = new Set(change.remove.map((t) => t.toLowerCase()));
  const both = change.add.find((t) => removed.has(t.toLowerCase()));
  if (both !== undefined) return `refused: tag '${both}' is both added and removed`;
  return null;
}
