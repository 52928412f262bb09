/** WooCommerce customer JSON (REST v3 and customer.* webhooks) -> StoreCustomer. */
import type { StoreCustomer } from "../../domain/types";
import { id, obj, str } from "../json";
import { wooGmtDate } from "./dates";

/**
 * WooCommerce itself records no marketing consent. The newsletter plugin that does keep it on the customer, under a
 * meta key the REST API shows (keys starting with "_" are hidden from it), is Mailchimp for WooCommerce: "1" when the
 * customer ticked its sign-up box, "0" when they did not or unsubscribed. Without it the consent is unknown (absent),
 * which the journey never takes as a yes.
 */
export const WOO_CONSENT_META_KEY = "mailchimp_woocommerce_is_subscribed";

export function mapWooCustomer(payload: unknown): StoreCustomer | null {
  const customerId = id(payload, "id");
  if (!customerId) return null;
  const billing = obj(payload, "billing");
  const acceptsMarketing = wooMarketingConsent(payload);
  return {
    externalId: customerId,
    email: nonEmpty(str(payload, "email")) ?? nonEmpty(str(billing, "email")),
    firstName: nonEmpty(str(payload, "first_name")) ?? nonEmpty(str(billing, "first_name")),
    lastName: nonEmpty(str(payload, "last_name")) ?? nonEmpty(str(billing, "last_name")),
    createdAt: wooGmtDate(payload, "date_created"),
    updatedAt: wooGmtDate(payload, "date_modified"),
    ...(acceptsMarketing === undefined ? {} : { acceptsMarketing }),
  };
}

/** The consent in the customer's meta_data: true, false, or undefined when the store does not record it. */
export function wooMarketingConsent(payload: unknown): boolean | undefined {
  const meta = (payload as { meta_data?: unknown } | null)?.meta_data;
  if (!Array.isArray(meta)) return undefined;
  const entry = meta.find(
    (m): m is { key: string; value: unknown } =>
      typeof m === "object" && m !== null && (m as { key?: unknown }).key === WOO_CONSENT_META_KEY,
  );
  if (!entry) return undefined;
  const value = String(entry.value ?? "")
    .trim()
    .toLowerCase();
  if (value === "1" || value === "yes" || value === "true") return true;
  if (value === "0" || value === "no" || value === "false") return false;
  return undefined;
}

export function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === "" ? null : value;
}
