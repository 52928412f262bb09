/**
 * Offset pagination that survives a collection changing under it. WooCommerce pages by LIMIT/OFFSET; with
 * `orderby=id&order=asc` new objects land at the end (harmless) and modified ones keep their place, but an
 * object trashed or deleted mid-pass shifts everything after it one place back, so a plain `page=N` walk
 * silently skips one. Each page after the first therefore starts one item early, on the last id we saw (the
 * anchor). If the anchor has moved back, we step back a page and drop what we already had (ids only grow).
 * Cost: one repeated item per page, no extra requests unless a shift actually happened.
 */
import { int, isObject } from "../json";
import type { WooClient, WooParams } from "./rest-client";

export interface RawPage {
  items: Record<string, unknown>[];
  /** X-WP-Total of the request that produced this page. */
  total: number | null;
  /** The store's clock at this response. */
  serverDate: Date | null;
}

const MAX_STEP_BACKS = 50;

export async function* paginateById(
  client: WooClient,
  path: string,
  params: WooParams,
  perPage = 100,
): AsyncGenerator<RawPage> {
  if (perPage < 2 || perPage > 100) throw new Error("perPage must be between 2 and 100 (WooCommerce's maximum)");
  let end = 0; // offset just past the last item received
  let lastId = 0;
  let stepBacks = 0;
  for (;;) {
    const offset = end === 0 ? 0 : end - 1;
    const res = await client.get<unknown>(path, { ...params, per_page: perPage, offset, orderby: "id", order: "asc" });
    const items = Array.isArray(res.data) ? res.data.filter(isObject) : [];
    if (offset > 0) {
      const anchor = items.length > 0 ? (int(items[0], "id") ?? 0) : Number.POSITIVE_INFINITY;
      if (anchor > lastId) {
        // Something before our position left the collection: go back a page and filter what we already have.
        if (++stepBacks > MAX_STEP_BACKS) throw new Error(`${path}: the collection keeps shifting; try again later`);
        end = Math.max(0, end - perPage);
        continue;
      }
    }
    const fresh = items.filter((item) => (int(item, "id") ?? 0) > lastId);
    for (const item of fresh) lastId = Math.max(lastId, int(item, "id") ?? 0);
    if (fresh.length > 0 || offset === 0) yield { items: fresh, total: res.total, serverDate: res.serverDate };
    end = offset + items.length;
    if (items.length < perPage || (res.total !== null && end >= res.total)) return;
  }
}
