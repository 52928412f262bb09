/** Messages between a benchmark and its Shopify simulator process. */
export interface ShopifyProcessOptions {
  domain: string;
  plan: string;
  /** Customers created in the shop, with ids firstCustomerId, firstCustomerId + 1, … */
  customers: number;
  firstCustomerId: number;
}

export interface ShopifyProcessStats {
  requests: number;
  pointsCharged: number;
  /** Wall time during which at least one bulk operation was queued or running in the shop. */
  bulkBusyMs: number;
  bulkOperations: number;
}

export type ChildRequest =
  { type: "setUp"; options: ShopifyProcessOptions } | { type: "resetStats" } | { type: "stats" } | { type: "close" };

/** id 0: the process is ready; id -1: a bulk_operations/finish event (result = operation gid). */
export interface ChildReply {
  id: number;
  result?: unknown;
  error?: string;
}
