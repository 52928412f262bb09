/**
 * Backfill and incremental sync of orders as an async iterator of pages of StoreOrders.
 *
 * - `GET /orders?per_page=100&orderby=id&order=asc` with anchored offsets (paginate.ts): ids never change, so
 *   the order is stable while orders are created and edited during the pass (`orderby=modified` is not: an
 *   edit moves an order to the end and shifts the rest, and `orderby=date` ties within a second).
 * - Increments: `modified_after` + `dates_are_gmt=true`. WooCommerce compares whole seconds and excludes the
 *   bound itself, and saves an order before its transaction is visible, so the next increment starts
 *   OVERLAP_MS before the store's own clock (Date header) at the start of this pass. Re-reading a few orders
 *   is harmless (upserts are idempotent, newest wins); missing one is not.
 * - `status=any` (WooCommerce's default) leaves out trashed orders. Increments make a second pass with
 *   `status=trash`, so orders trashed while webhooks were off are seen (mapped as voided).
 * - Refunds come with each order (amounts exact); `refundDetails: true` also reads `/orders/{id}/refunds`
 *   for exact refund dates, one request per refunded order.
 */
import { arr, id, isObject } from "../json";
import { toWooGmtParam } from "./dates";
import { mapWooOrder, type WooStoreOrder } from "./map-order";
import { paginateById } from "./paginate";
import type { WooClient, WooParams } from "./rest-client";

export const OVERLAP_MS = 60_000;

export interface WooOrderSyncOptions {
  guestKey: Buffer | string;
  /** Increment: only orders modified after this instant. Omit for a full backfill. */
  modifiedAfter?: Date | null;
  /** Default 100, WooCommerce's maximum. */
  perPage?: number;
  /** Also read trashed orders (default: on for increments, off for a backfill, where they never count). */
  includeTrash?: boolean;
  /** Read `/orders/{id}/refunds` for orders with refunds, for exact refund dates. Default false. */
  refundDetails?: boolean;
}

export interface WooOrderPage {
  orders: WooStoreOrder[];
  /** Orders we could not map, with the reason (kept out, reported). */
  rejected: { externalId: string | null; reason: string }[];
  /** X-WP-Total of the pass this page belongs to. */
  total: number | null;
  /** Save after the last page and pass as the next `modifiedAfter` (store clock minus OVERLAP_MS). */
  nextModifiedAfter: Date;
}

export async function* syncWooOrders(client: WooClient, options: WooOrderSyncOptions): AsyncGenerator<WooOrderPage> {
  const base: WooParams = {};
  if (options.modifiedAfter) {
    base["modified_after"] = toWooGmtParam(options.modifiedAfter);
    base["dates_are_gmt"] = true;
  }
  const statuses = (options.includeTrash ?? Boolean(options.modifiedAfter)) ? ["any", "trash"] : ["any"];
  let startedAt: Date | null = null;
  for (const status of statuses) {
    for await (const page of paginateById(client, "orders", { ...base, status }, options.perPage ?? 100)) {
      startedAt ??= page.serverDate ?? new Date();
      const result: WooOrderPage = {
        orders: [],
        rejected: [],
        total: page.total,
        nextModifiedAfter: new Date(startedAt.getTime() - OVERLAP_MS),
      };
      for (const item of page.items) {
        const details =
          options.refundDetails && arr(item, "refunds").length > 0 ? await refundsOf(client, item) : undefined;
        const order = mapWooOrder(item, { guestKey: options.guestKey, refundDetails: details });
        if ("reason" in order) result.rejected.push({ externalId: id(item, "id"), reason: order.reason });
        else result.orders.push(order);
      }
      yield result;
    }
  }
}

async function refundsOf(client: WooClient, order: Record<string, unknown>): Promise<unknown[]> {
  const orderId = id(order, "id");
  if (!orderId) return [];
  const res = await client.get<unknown>(`orders/${orderId}/refunds`, { per_page: 100 });
  return Array.isArray(res.data) ? res.data.filter(isObject) : [];
}
