/**
 * Order ids arrive as GraphQL ids (`gid://shopify/Order/123`, from the extension) or bare numbers (hosted page,
 * WooCommerce). Both are reduced to the numeric id so a retry that spells the id differently still hits the
 * same idempotency key.
 */

const MAX_ORDER_ID_LENGTH = 64;
// Thank-you pages have been seen to report `OrderIdentity` gids; the number is the order's id either way.
const SHOPIFY_ORDER_GID = /^gid:\/\/shopify\/(?:Order|OrderIdentity)\/([1-9][0-9]{0,19})$/;
const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;

/** The numeric order id as a string, or null when the input is not an order id. */
export function normalizeOrderId(input: unknown): string | null {
  if (typeof input !== "string" || input.length > MAX_ORDER_ID_LENGTH) return null;
  if (NUMERIC_ID.test(input)) return input;
  const match = SHOPIFY_ORDER_GID.exec(input);
  return match ? match[1]! : null;
}
