/** WooCommerce customer JSON (REST v3 and customer.* webhooks) -> StoreCustomer. */
import type { StoreCustomer } from "../../domain/types";
import { id, obj, str } from "../json";
import { wooGmtDate } from "./dates";

export function mapWooCustomer(payload: unknown): StoreCustomer | null {
  const customerId = id(payload, "id");
  if (!customerId) return null;
  const billing = obj(payload, "billing");
  return {
    externalId: customerId,
    email: nonEmpty(str(payload, "email")) ?? nonEmpty(str(billing, "email")),
    firstName: nonEmpty(str(payload, "first_name")) ?? nonEmpty(str(billing, "first_name")),
    lastName: nonEmpty(str(payload, "last_name")) ?? nonEmpty(str(billing, "last_name")),
    createdAt: wooGmtDate(payload, "date_created"),
    updatedAt: wooGmtDate(payload, "date_modified"),
  };
}

export function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === "" ? null : value;
}
