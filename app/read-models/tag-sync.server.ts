/** Where the store's tag write-back stands: changes waiting, and the ones the platform refused (with reasons). */
import type { Db } from "../db.server";
import { platformDefinition } from "../platforms/registry.server";

export interface TagSyncStatus {
  pending: number;
  failed: number;
  notFound: number;
  /** A few recent refusals, so the merchant sees why. */
  recentProblems: { customerExternalId: string; state: string; error: string | null }[];
}

export async function tagSyncStatus(db: Db, storeId: string): Promise<TagSyncStatus> {
  // Counts only the small states (index storeId,state); "applied" can be millions and says nothing new.
  const [pending, failed, notFound, recentProblems] = await Promise.all([
    db.tagOutboxItem.count({ where: { storeId, state: "pending" } }),
    db.tagOutboxItem.count({ where: { storeId, state: "user_error" } }),
    db.tagOutboxItem.count({ where: { storeId, state: "not_found" } }),
    db.tagOutboxItem.findMany({
      where: { storeId, state: { in: ["user_error", "not_found"] } },
      orderBy: { appliedAt: "desc" },
      take: 3,
      select: { customerExternalId: true, state: true, error: true },
    }),
  ]);
  return { pending, failed, notFound, recentProblems };
}

/** The customers list in the store's admin, filtered by one of our tags. */
export function adminCustomersUrl(
  store: { platform: string; domain: string },
  tag: string,
  embedded: boolean,
): string | null {
  return platformDefinition(store.platform).customersWithTagUrl(store, tag, embedded);
}
