/**
 * The tag outbox's writer for Shopify stores: the ShopifyTagWriter over the shop's Admin API, one per tag prefix
 * a push needs. The writers of one push share one budget of bulk-round slots and one rate-limit pacer (the shop's
 * limits are not per prefix). Pushes to one shop do not overlap (one job per store at a time), so a budget per push
 * is the shop's. A bulk round ends when its bulk_operations/finish webhook reaches this process (or at the
 * writer's next poll).
 */
import type { LabelWriterFactory } from "../../jobs/tags/tag-outbox.server";
import { mapInTurns } from "../../jobs/yield-to-requests";
import type { BulkOperationSignals } from "./bulk-operation-signals";
import type { AdminGraphql } from "./admin-graphql.server";
import { ShopifyTagWriter, shopWriteBudget, toWriterChange, type ShopWriteBudget, type TagWriterOptions } from "./tags";

export interface ShopifyLabelWriterDeps {
  adminFor: (shop: string) => Promise<AdminGraphql>;
  bulkFinished?: BulkOperationSignals;
  /** Writer settings other than the prefix (tests, benchmarks). */
  writer?: Omit<TagWriterOptions, "prefix" | "bulkSlots">;
}

export function createShopifyLabelWriterFactory(deps: ShopifyLabelWriterDeps): LabelWriterFactory {
  // One push asks for its writers with one store object: key the shared budget on it.
  const perPush = new WeakMap<object, ShopWriteBudget>();
  const { bulkFinished } = deps;
  return async (store, prefix) => {
    const graphql = await deps.adminFor(store.domain);
    let budget = perPush.get(store);
    if (!budget) perPush.set(store, (budget = shopWriteBudget(deps.writer)));
    const writer = new ShopifyTagWriter({
      ...deps.writer,
      prefix,
      bulkSlots: budget.slots,
      bulk: { ...(bulkFinished && { waitForFinish: (gid: string) => bulkFinished.wait(gid) }), ...deps.writer?.bulk },
    });
    const { pacer } = budget;
    return {
      // A page is tens of thousands of changes, converted on the request thread: in turns.
      apply: async function* (changes) {
        yield* writer.apply(await mapInTurns(changes, toWriterChange), graphql, { pacer });
      },
      pagesInFlight: writer.pagesInFlight,
    };
  };
}
