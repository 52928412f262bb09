/** Reads one customer's current tags (null when the customer no longer exists in the store). */
import type { AdminGraphql } from "../admin-graphql.server";
import { customerGid } from "./customer-id";
import { CUSTOMER_TAGS_LOOKUP } from "./documents";

export async function readCustomerTags(graphql: AdminGraphql, customerExternalId: string): Promise<string[] | null> {
  const id = customerGid(customerExternalId);
  if (!id) return null;
  const result = await graphql<{ customer: { id: string; tags: string[] } | null }>(CUSTOMER_TAGS_LOOKUP, { id });
  if (result.errors.length > 0)
    throw new Error(`customer lookup failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.data?.customer?.tags ?? null;
}
