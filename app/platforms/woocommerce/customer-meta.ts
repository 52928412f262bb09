/**
 * Segment write-back: Ciclo's labels as customer `meta_data` under the `_ciclo_` prefix, through
 * `POST /customers/batch` (WooCommerce accepts at most 100 items per request and answers 413 above that).
 *
 * What WooCommerce does with `meta_data` on update (WC_Data::update_meta_data): each `{key, value}` without an
 * id replaces the value of that key (and removes duplicate rows of the same key); `value: null` deletes the key;
 * keys not sent are left alone. So we send only our own keys, never meta ids, and only the keys that changed.
 *
 * Underscore keys are "protected" in WordPress: stock WooCommerce silently skips them on write and hides them
 * on read. The Ciclo plugin (extensions/woocommerce) unprotects exactly the `_ciclo_` user meta keys. We check
 * each updated customer in the batch response, so a store without the plugin is reported, not ignored.
 */
import { arr, id, isObject, str } from "../json";
import { isGuestCustomerId } from "./guest-identity";
import type { WooClient } from "./rest-client";

export const CICLO_META_PREFIX = "_ciclo_";
export const BATCH_LIMIT = 100;

export interface CicloCustomerLabels {
  segment: string | null;
  stage: string | null;
  /** Customer lifetime value as a decimal string in the store currency, e.g. "182.40". */
  clv: string | null;
  tags: readonly string[];
  /** The product to suggest next (its title); absent or null = none (the key is deleted). */
  nextProduct?: string | null;
}

export interface CustomerMetaChange {
  customerExternalId: string;
  next: CicloCustomerLabels;
  /** What Ciclo last wrote for this customer (null: never written / unknown, write everything). */
  previous: CicloCustomerLabels | null;
}

export interface WriteCustomerMetaResult {
  requests: number;
  written: string[];
  unchanged: number;
  skippedGuests: number;
  failed: { customerExternalId: string; reason: string }[];
  /** True when the store accepted the request but dropped `_ciclo_` keys (plugin missing). */
  metaDroppedByStore: boolean;
}

/** The meta entries for a label set: null values delete the key. Tags are sorted and comma-joined. */
export function cicloMetaEntries(labels: CicloCustomerLabels): Record<string, string | null> {
  const tags = [...new Set(labels.tags.map((t) => t.trim()).filter(Boolean))].sort();
  return {
    [`${CICLO_META_PREFIX}segment`]: labels.segment,
    [`${CICLO_META_PREFIX}stage`]: labels.stage,
    [`${CICLO_META_PREFIX}clv`]: labels.clv,
    [`${CICLO_META_PREFIX}tags`]: tags.length > 0 ? tags.join(",") : null,
    [`${CICLO_META_PREFIX}next_product`]: labels.nextProduct?.trim() || null,
  };
}

/** Only the keys whose value changes. */
export function metaDiff(
  next: CicloCustomerLabels,
  previous: CicloCustomerLabels | null,
): { key: string; value: string | null }[] {
  const want = cicloMetaEntries(next);
  const had = previous ? cicloMetaEntries(previous) : null;
  const diff: { key: string; value: string | null }[] = [];
  for (const [key, value] of Object.entries(want)) {
    // On a first write we don't know what the store holds (an earlier connection, another install): send every
    // key, nulls included, so stale `_ciclo_*` meta is cleared rather than left behind.
    if (had === null || had[key] !== value) diff.push({ key, value });
  }
  return diff;
}

export async function writeCustomerMeta(
  client: WooClient,
  changes: readonly CustomerMetaChange[],
): Promise<WriteCustomerMetaResult> {
  const result: WriteCustomerMetaResult = {
    requests: 0,
    written: [],
    unchanged: 0,
    skippedGuests: 0,
    failed: [],
    metaDroppedByStore: false,
  };
  const updates: { id: number; meta_data: { key: string; value: string | null }[] }[] = [];
  for (const change of changes) {
    if (isGuestCustomerId(change.customerExternalId) || !/^\d+$/.test(change.customerExternalId)) {
      result.skippedGuests++;
      continue;
    }
    const diff = metaDiff(change.next, change.previous);
    if (diff.length === 0) {
      result.unchanged++;
      continue;
    }
    updates.push({ id: Number(change.customerExternalId), meta_data: diff });
  }
  for (let start = 0; start < updates.length; start += BATCH_LIMIT) {
    const chunk = updates.slice(start, start + BATCH_LIMIT);
    const byId = new Map(chunk.map((u) => [String(u.id), u]));
    const res = await client.post<unknown>("customers/batch", { update: chunk }, { idempotent: true });
    result.requests++;
    const answered = new Set<string>();
    for (const item of arr(res.data, "update")) {
      const customerId = id(item, "id");
      if (!customerId || !byId.has(customerId)) continue;
      answered.add(customerId);
      const error = isObject(item) && isObject(item["error"]) ? item["error"] : null;
      if (error) {
        result.failed.push({
          customerExternalId: customerId,
          reason: str(error, "message") ?? str(error, "code") ?? "error",
        });
        continue;
      }
      const missing = missingKeys(item, byId.get(customerId)!.meta_data);
      if (missing.length > 0) {
        result.metaDroppedByStore = true;
        result.failed.push({
          customerExternalId: customerId,
          reason: `the store dropped ${missing.join(", ")} (WordPress protects _-prefixed meta; activate the Ciclo plugin)`,
        });
        continue;
      }
      result.written.push(customerId);
    }
    for (const customerId of byId.keys()) {
      if (!answered.has(customerId))
        result.failed.push({ customerExternalId: customerId, reason: "not in the batch response" });
    }
  }
  return result;
}

/** Keys we set to a value that the returned document does not show with that value. */
function missingKeys(document: unknown, sent: { key: string; value: string | null }[]): string[] {
  const shown = new Map<string, unknown>();
  for (const m of arr(document, "meta_data")) {
    const key = str(m, "key");
    if (key !== null && isObject(m)) shown.set(key, m["value"]);
  }
  return sent.filter((s) => s.value !== null && shown.get(s.key) !== s.value).map((s) => s.key);
}

/** CustomerLabels.metafields back into labels; null when we never wrote this customer's meta. */
export function previousLabels(metafields: string | null | undefined): CicloCustomerLabels | null {
  if (!metafields) return null;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(metafields) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (key: string) => {
    const value = meta[`${CICLO_META_PREFIX}${key}`];
    return typeof value === "string" ? value : null;
  };
  if (!Object.keys(meta).some((k) => k.startsWith(CICLO_META_PREFIX))) return null;
  return {
    segment: text("segment"),
    stage: text("stage"),
    clv: text("clv"),
    tags: (text("tags") ?? "").split(",").filter(Boolean),
    nextProduct: text("next_product"),
  };
}
