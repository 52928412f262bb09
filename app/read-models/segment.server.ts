/**
 * The Segment page: what the segment means, how big and valuable it is (latest snapshot vs a week earlier),
 * its members (sorted, filtered, paginated in the database), the tag that carries it to the store, and how
 * the tag write-back is doing.
 */
import type { Db } from "../db.server";
import { segmentBySlug, type SegmentInfo } from "../domain/names";
import type { MemberQuery } from "./member-query";
import { segmentMembers, type MemberPage } from "./segment-members.server";
import { readSettings } from "./settings.server";
import { shiftDay } from "../db/sql-values";
import type { StoreView } from "./store-view";
import { adminCustomersUrl, tagSyncStatus, type TagSyncStatus } from "./tag-sync.server";
import { latestRedactionAt } from "../sync/redaction.server";

export interface SegmentPageData {
  store: StoreView;
  segment: SegmentInfo;
  snapshotDay: string | null;
  customers: number;
  customersWeekAgo: number | null;
  revenueMinor: string;
  avgClvMinor: string;
  /** Share of all scored customers and of all revenue. */
  customerShare: number | null;
  revenueShare: number | null;
  members: MemberPage;
  query: MemberQuery;
  tag: string;
  tagPushed: boolean;
  shopifyCustomersUrl: string | null;
  tagSync: TagSyncStatus;
  predictive: boolean;
}

export async function loadSegmentPage(
  db: Db,
  store: StoreView,
  slug: string,
  query: MemberQuery,
  embedded: boolean,
): Promise<SegmentPageData | null> {
  const segment = segmentBySlug(slug);
  if (!segment) return null;
  const [settings, latest, tagSync, lastRun, lastRedaction] = await Promise.all([
    readSettings(db, store.id),
    db.segmentSnapshot.findFirst({ where: { storeId: store.id }, orderBy: { day: "desc" }, select: { day: true } }),
    tagSyncStatus(db, store.id),
    db.recomputeRun.findFirst({
      where: { storeId: store.id, state: "completed" },
      orderBy: { startedAt: "desc" },
      select: { id: true, clvStatus: true, finishedAt: true },
    }),
    // Member pages list names and e-mails: a customers/redact (in any process) must not be served from memory.
    latestRedactionAt(db, store.id),
  ]);
  const members = await segmentMembers(
    db,
    store.id,
    slug,
    query,
    `${lastRun?.id ?? "none"}|${lastRun?.finishedAt?.toISOString() ?? ""}|${latest?.day ?? ""}|${lastRedaction?.toISOString() ?? ""}`,
  );
  const day = latest?.day ?? null;
  const weekAgo = day
    ? await db.segmentSnapshot.findFirst({
        where: { storeId: store.id, segment: slug, day: { lte: shiftDay(day, -7) } },
        orderBy: { day: "desc" },
      })
    : null;
  const all = day ? await db.segmentSnapshot.findMany({ where: { storeId: store.id, day } }) : [];
  const row = all.find((s) => s.segment === slug);
  const totalCustomers = all.reduce((sum, s) => sum + s.customers, 0);
  const totalRevenue = all.reduce((sum, s) => sum + s.revenueMinor, 0n);
  const tag = `${settings.tagPrefix}rfm-${slug}`;
  return {
    store,
    segment,
    snapshotDay: day,
    customers: row?.customers ?? 0,
    customersWeekAgo: weekAgo?.customers ?? null,
    revenueMinor: (row?.revenueMinor ?? 0n).toString(),
    avgClvMinor: (row?.avgClvMinor ?? 0n).toString(),
    customerShare: totalCustomers > 0 ? (row?.customers ?? 0) / totalCustomers : null,
    revenueShare: totalRevenue > 0n ? Number(row?.revenueMinor ?? 0n) / Number(totalRevenue) : null,
    members,
    query,
    tag,
    tagPushed: settings.tagFamilies.includes("rfm"),
    shopifyCustomersUrl: adminCustomersUrl(store, tag, embedded),
    tagSync,
    predictive: lastRun?.clvStatus === "predictive",
  };
}
