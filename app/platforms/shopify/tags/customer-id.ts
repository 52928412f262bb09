/** Customer ids as Shopify's GraphQL wants them. */

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d+)$/;

/** "123" or "gid://shopify/Customer/123" -> "gid://shopify/Customer/123"; null for anything else. */
export function customerGid(externalId: string): string | null {
  if (/^\d+$/.test(externalId)) return `gid://shopify/Customer/${externalId}`;
  return CUSTOMER_GID.test(externalId) ? externalId : null;
}
