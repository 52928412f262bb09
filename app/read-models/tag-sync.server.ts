/** Where the store's tag write-back stands: changes waiting, and the ones the platform refused (with reasons). */
import type { Db } from "../db.server";
import {
  decodeItems,
  decodeProblems,
  stateOfOutcome,
  type ItemState,
  type OutboxChange,
} from "../jobs/tags/outbox-page";
import { platformDefinition } from "../platforms/registry.server";

export interface TagSyncStatus {
  pending: number;
  failed: number;
  notFound: number;
  /** A few recent refusals, so the merchant sees why. */
  recentProblems: { customerExternalId: string; state: string; error: string | null }[];
}

export async function tagSyncStatus(db: Db, storeId: string): Promise<TagSyncStatus> {
  // Counts from the pages' own tallies: a page per 1,000 changes (a thousand rows after a million-customer first
  // plan), read without their long texts.
  const [byState, withProblems] = await Promise.all([
    db.tagOutboxPage.groupBy({
      by: ["state"],
      where: { storeId },
      _sum: { size: true, applied: true, notFound: true, userErrors: true },
    }),
    db.tagOutboxPage.findMany({
      where: { storeId, problems: { not: null } },
      orderBy: { settledAt: "desc" },
      take: 3,
      select: { problems: true },
    }),
  ]);
  let pending = 0;
  let failed = 0;
  let notFound = 0;
  for (const { state, _sum: sum } of byState) {
    failed += sum.userErrors ?? 0;
    notFound += sum.notFound ?? 0;
    if (state === "pending")
      pending += (sum.size ?? 0) - (sum.applied ?? 0) - (sum.notFound ?? 0) - (sum.userErrors ?? 0);
  }
  // A page lists its refusals in the order they came (the latest last; pages migrated from items: any order).
  const recentProblems = withProblems
    .flatMap((page) => decodeProblems(page.problems).reverse())
    .slice(0, 3)
    .map(({ customerExternalId, state, error }) => ({ customerExternalId, state, error }));
  return { pending, failed, notFound, recentProblems };
}

/** One change of the outbox with what the platform answered for it. */
export interface TagOutboxItem extends OutboxChange {
  state: ItemState;
  error: string | null;
}

/**
 * The store's outbox change by change, in push order: for support tooling and tests, never a request path (it
 * parses every page: ~40 MB of JSON after a million-customer first plan).
 */
export async function tagOutboxItems(db: Db, storeId: string): Promise<TagOutboxItem[]> {
  const pages = await db.tagOutboxPage.findMany({ where: { storeId }, orderBy: { id: "asc" } });
  return pages.flatMap((page) => {
    const reasons = new Map(decodeProblems(page.problems).map((p) => [p.customerExternalId, p.error]));
    return decodeItems(page.items).map((change, i) => ({
      ...change,
      state: stateOfOutcome(page.outcomes[i]!),
      error: reasons.get(change.customerExternalId) ?? null,
    }));
  });
}

/** The customers list in the store's admin, filtered by one of our tags. */
export function adminCustomersUrl(
  store: { platform: string; domain: string },
  tag: string,
  embedded: boolean,
): string | null {
  return platformDefinition(store.platform).customersWithTagUrl(store, tag, embedded);
}
