/**
 * The parts of a checkout / customer-account session token the survey uses, after the library verified it:
 * `dest` is the shop (`https://shop.myshopify.com` or a bare host), `sub` the logged-in customer's gid (absent
 * for guests).
 */

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/([1-9][0-9]{0,19})$/;

/** The shop's myshopify domain, or null when `dest` is not one. */
export function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  const host = dest
    .replace(/^https:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  return SHOP_HOST.test(host) ? host : null;
}

/** The numeric customer id of a `sub` like `gid://shopify/Customer/123`, or null. */
export function customerIdFromSub(sub: unknown): string | null {
  if (typeof sub !== "string") return null;
  return CUSTOMER_GID.exec(sub)?.[1] ?? null;
}
