/**
 * Everything a script or the admin polls about one store, as JSON (/api/status): what is synced, the last and next
 * recompute with its phases, counts, duration and error, and where the tag write-back stands.
 */
import type { Db } from "../db.server";
import { syncStatus, type SyncStatus } from "../sync/sync-status.server";
import { recomputeStatus, type RecomputeStatus } from "./recompute-status.server";
import { readSettings } from "./settings.server";
import { tagSyncStatus, type TagSyncStatus } from "./tag-sync.server";

export interface StoreStatus extends SyncStatus {
  recompute: RecomputeStatus;
  tagPush: TagSyncStatus;
}

export async function storeStatus(db: Db, storeId: string, now = new Date()): Promise<StoreStatus> {
  const [sync, settings, tagPush] = await Promise.all([
    syncStatus(db, storeId),
    readSettings(db, storeId),
    tagSyncStatus(db, storeId),
  ]);
  const recompute = await recomputeStatus(
    db,
    { id: storeId, timezone: sync.store.timezone },
    settings.scheduleHour,
    now,
  );
  return { ...sync, recompute, tagPush };
}
