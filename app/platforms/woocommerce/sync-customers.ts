/**
 * Customers as pages of StoreCustomers. `role=all`: the endpoint's default lists only the `customer` role, but
 * orders also come from subscribers, shop staff and plugin roles. WooCommerce has no `modified_after` for
 * customers, so this is always a full pass (customer.* webhooks and orders keep us current in between).
 */
import type { StoreCustomer } from "../../domain/types";
import { arr, id, str } from "../json";
import { mapWooCustomer } from "./map-customer";
import { paginateById } from "./paginate";
import type { WooClient } from "./rest-client";

export interface WooCustomerPage {
  customers: StoreCustomer[];
  /** The `meta_data` keys and values Ciclo wrote (`_ciclo_*`), per customer id, for diffing write-backs. */
  cicloMeta: Map<string, Record<string, string>>;
  rejected: { externalId: string | null; reason: string }[];
  total: number | null;
}

export async function* syncWooCustomers(
  client: WooClient,
  options: { perPage?: number; metaPrefix?: string } = {},
): AsyncGenerator<WooCustomerPage> {
  const prefix = options.metaPrefix ?? "_ciclo_";
  for await (const page of paginateById(client, "customers", { role: "all" }, options.perPage ?? 100)) {
    const result: WooCustomerPage = { customers: [], cicloMeta: new Map(), rejected: [], total: page.total };
    for (const item of page.items) {
      const customer = mapWooCustomer(item);
      if (!customer) {
        result.rejected.push({ externalId: id(item, "id"), reason: "customer without id" });
        continue;
      }
      result.customers.push(customer);
      const meta = readPrefixedMeta(item, prefix);
      if (Object.keys(meta).length > 0) result.cicloMeta.set(customer.externalId, meta);
    }
    yield result;
  }
}

export function readPrefixedMeta(document: unknown, prefix: string): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const m of arr(document, "meta_data")) {
    const key = str(m, "key");
    const value = str(m, "value");
    if (key !== null && key.startsWith(prefix) && value !== null) meta[key] = value;
  }
  return meta;
}
