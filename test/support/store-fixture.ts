/**
 * A store in our database filled from a simulated shop's history through the real mapping and writer
 * (Shopify REST payloads -> mapRestOrder -> writeOrders), for tests of the nightly pipeline.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../../app/db.server";
import type { StoreOrder } from "../../app/domain/types";
import { mapRestOrder } from "../../app/platforms/shopify/map-webhook";
import { writeOrders } from "../../app/sync/order-writer.server";
import { restOrder } from "../../simulators/shopify/payloads";
import type { SimulatedShop } from "../../simulators/shopify/store";

/** `limit`: import only the first orders (a history import still under way). */
export async function importShop(db: Db, shop: SimulatedShop, storeId?: string, options: { limit?: number } = {}) {
  const store = storeId
    ? await db.store.findUniqueOrThrow({ where: { id: storeId } })
    : await db.store.create({
        data: { platform: "shopify", domain: shop.domain, currency: shop.info.currency, timezone: shop.info.timezone },
      });
  const orders: StoreOrder[] = [];
  for (const o of shop.orders.values()) {
    const mapped = mapRestOrder(
      restOrder(o, shop.info, o.customerId === null ? null : (shop.customers.get(o.customerId) ?? null)),
    );
    if ("reason" in mapped) throw new Error(mapped.reason);
    orders.push(mapped);
  }
  const imported = orders.slice(0, options.limit ?? orders.length);
  for (let i = 0; i < imported.length; i += 500) await writeOrders(db, store.id, imported.slice(i, i + 500));
  return { store, orders };
}

/**
 * The orders of customers the nightly counts (the domain's rule as stored: counted and not fully refunded), processed
 * by the reference instant, as a Prisma filter: what tests compare the nightly's read with.
 */
export function countedOrders(storeId: string, reference: Date): Prisma.OrderWhereInput {
  return {
    storeId,
    customerId: { not: null },
    deletedAt: null,
    countsForValue: true,
    processedAt: { lte: reference },
    OR: [{ netMinor: { gt: 0 } }, { grossMinor: 0 }],
  };
}
