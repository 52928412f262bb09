/** What the tag writer is asked to do and what it reports, per customer. */

export interface CustomerMetafieldValue {
  key: string;
  /** A Shopify metafield type, e.g. "single_line_text_field", "number_decimal", "date". */
  type: string;
  value: string;
}

export interface CustomerLabelChange {
  /** Shopify customer id: numeric ("7010000000001") or gid ("gid://shopify/Customer/7010000000001"). */
  customerExternalId: string;
  add: string[];
  remove: string[];
  /** Written in the configured metafield namespace (default "ciclo"). */
  metafields?: CustomerMetafieldValue[];
}

export type ChangeStatus = "applied" | "not_found" | "user_error";

export interface ChangeResult {
  customerExternalId: string;
  status: ChangeStatus;
  /** Why, when not applied (Shopify's userError messages, or why the writer refused the change). */
  reason?: string;
}

export type WritePath = "direct" | "bulk";
