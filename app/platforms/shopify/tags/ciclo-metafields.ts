/**
 * The optional `ciclo.*` customer metafields (Settings -> "also write metafields"), for Flow and e-mail tools:
 * segment, stage, CLV, P(alive), the expected next-order date and the product to suggest next, with Shopify
 * metafield types.
 */
import type { CustomerLabelChange, CustomerMetafieldValue } from "./types";

export const CICLO_METAFIELD_TYPES: Record<string, string> = {
  segment: "single_line_text_field",
  stage: "single_line_text_field",
  clv: "number_decimal",
  p_alive: "number_decimal",
  next_order: "date",
  next_product: "single_line_text_field",
};

/** Shopify's single-line text metafields hold at most 255 characters and no line breaks. */
export function singleLine(text: string): string {
  return [...text.replace(/\s+/g, " ").trim()].slice(0, 255).join("");
}

export interface CicloMetafieldInput {
  segment: string;
  stage: string;
  /** Decimal string in the shop currency, e.g. "182.40". */
  clv: string;
  pAlive: number | null;
  nextOrder: Date | null;
  /** The product to suggest next (its title), or null. */
  nextProduct?: string | null;
}

/** The desired metafields as a JSON object with a fixed key order (compared as text with the last confirmed). */
export function cicloMetafieldsJson(input: CicloMetafieldInput): string {
  const out: Record<string, string> = { segment: input.segment, stage: input.stage, clv: input.clv };
  if (input.pAlive !== null && Number.isFinite(input.pAlive)) out.p_alive = input.pAlive.toFixed(3);
  if (input.nextOrder) out.next_order = input.nextOrder.toISOString().slice(0, 10);
  const next = input.nextProduct ? singleLine(input.nextProduct) : "";
  if (next) out.next_product = next;
  return JSON.stringify(out);
}

export function toMetafieldValues(record: Record<string, string>): CustomerMetafieldValue[] {
  return Object.entries(record)
    .filter(([key]) => key in CICLO_METAFIELD_TYPES)
    .map(([key, value]) => ({ key, type: CICLO_METAFIELD_TYPES[key]!, value }));
}

/** An outbox change (metafields as key -> value) as the writer's change (typed metafield values). */
export function toWriterChange(change: {
  customerExternalId: string;
  add: string[];
  remove: string[];
  metafields?: Record<string, string>;
}): CustomerLabelChange {
  return {
    customerExternalId: change.customerExternalId,
    add: change.add,
    remove: change.remove,
    ...(change.metafields ? { metafields: toMetafieldValues(change.metafields) } : {}),
  };
}
