/**
 * Pushes a store's pending tag changes through its platform's label writer and records what happened.
 * Resumable: an item stays "pending" until the platform confirmed it; confirmed tags go to CustomerLabels, the
 * base of the next diff. A crash mid-push re-sends only unconfirmed items, and re-sending is harmless (adding a
 * tag that is there or removing one that is not changes nothing). Deleted customers and userErrors are recorded
 * with their reason and not retried. An uninstalled store is skipped entirely.
 */
import type { Store } from "@prisma/client";
import type { Db } from "../../db.server";
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import { logger } from "../../logger.server";

export interface LabelChange {
  customerExternalId: string;
  add: string[];
  remove: string[];
  /** Label values beyond tags (Shopify's optional `ciclo.*` metafields), key -> value. */
  metafields?: Record<string, string>;
}

export interface LabelResult {
  customerExternalId: string;
  status: "applied" | "not_found" | "user_error";
  reason?: string;
}

/** The platform side: Shopify tags, WooCommerce customer meta. */
export interface LabelWriter {
  apply(changes: LabelChange[]): AsyncIterable<LabelResult>;
}

export type LabelWriterFactory = (store: Store, prefix: string) => Promise<LabelWriter>;

export interface PushResult {
  skipped?: string;
  applied: number;
  notFound: number;
  userErrors: number;
}

const LABEL_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "tags", type: "text" },
  { name: "updatedAt", type: "timestamp" },
];

// One page becomes one bulk mutation on Shopify: large pages mean few operations.
const PAGE = 50_000;
/** Results are recorded in batches: big batches are cheap, small ones lose less work in a crash. */
const FLUSH_EVERY = 5_000;

export class TagOutbox {
  constructor(
    private readonly db: Db,
    private readonly bulk: BulkWriter,
    private readonly writerFor: LabelWriterFactory,
    private readonly flushEvery = FLUSH_EVERY,
  ) {}

  async pending(storeId: string): Promise<number> {
    return this.db.tagOutboxItem.count({ where: { storeId, state: "pending" } });
  }

  async push(storeId: string): Promise<PushResult> {
    const result: PushResult = { applied: 0, notFound: 0, userErrors: 0 };
    const store = await this.db.store.findUnique({ where: { id: storeId }, include: { settings: true } });
    if (!store || store.status !== "installed") return { ...result, skipped: "store is not installed" };
    const prefix = store.settings?.tagPrefix ?? "ciclo:";
    for (;;) {
      const items = await this.db.tagOutboxItem.findMany({
        where: { storeId, state: "pending" },
        orderBy: { id: "asc" },
        take: PAGE,
      });
      if (items.length === 0) break;
      const confirmed = new Map<string, string[]>();
      for (let i = 0; i < items.length; i += 500) {
        const labels = await this.db.customerLabels.findMany({
          where: { storeId, customerId: { in: items.slice(i, i + 500).map((item) => item.customerId) } },
          select: { customerId: true, tags: true },
        });
        for (const l of labels) confirmed.set(l.customerId, JSON.parse(l.tags) as string[]);
      }
      const byExternal = new Map(items.map((i) => [i.customerExternalId, i]));
      // Tags under an older prefix (the merchant changed it) are still ours to remove: one writer per prefix.
      const groups = new Map<string, LabelChange[]>([[prefix, []]]);
      const groupFor = (p: string) => {
        let list = groups.get(p);
        if (!list) groups.set(p, (list = []));
        return list;
      };
      for (const item of items) {
        const add = JSON.parse(item.add) as string[];
        const remove = JSON.parse(item.remove) as string[];
        groupFor(prefix).push({
          customerExternalId: item.customerExternalId,
          add,
          remove: remove.filter((t) => t.startsWith(prefix)),
          ...(item.metafields ? { metafields: JSON.parse(item.metafields) as Record<string, string> } : {}),
        });
        for (const old of remove.filter((t) => !t.startsWith(prefix))) {
          const oldPrefix = old.slice(0, old.indexOf(":") + 1) || old;
          groupFor(oldPrefix).push({ customerExternalId: item.customerExternalId, add: [], remove: [old] });
        }
      }
      const outcome = new Map<string, LabelResult>();
      // Old-prefix removals first: an item is recorded (in the current-prefix pass) only after they were sent,
      // so a crash in between leaves the item pending and the whole change is sent again.
      const order = [...groups.keys()].sort((a, b) => Number(a === prefix) - Number(b === prefix));
      for (const groupPrefix of order) {
        const writer = await this.writerFor(store, groupPrefix);
        let batch: LabelResult[] = [];
        for await (const r of writer.apply(groups.get(groupPrefix)!)) {
          // A customer in two groups: the first failure wins, otherwise applied.
          const seen = outcome.get(r.customerExternalId);
          if (!seen || seen.status === "applied") outcome.set(r.customerExternalId, r);
          if (groupPrefix !== prefix) continue;
          batch.push(r);
          if (batch.length >= this.flushEvery) {
            await this.record(storeId, batch, byExternal, confirmed, outcome, result);
            batch = [];
          }
        }
        if (groupPrefix === prefix) await this.record(storeId, batch, byExternal, confirmed, outcome, result);
      }
      // Every item has a current-prefix change (possibly empty), so all reported items are settled above.
      if ([...byExternal.keys()].every((id) => !outcome.has(id))) break; // the writer reported nothing: stop
    }
    logger.info("tag push finished", { storeId, ...result });
    return result;
  }

  private async record(
    storeId: string,
    results: LabelResult[],
    items: Map<string, { id: string; customerId: string; add: string; remove: string; metafields: string | null }>,
    confirmed: Map<string, string[]>,
    outcome: Map<string, LabelResult>,
    totals: PushResult,
  ): Promise<void> {
    if (results.length === 0) return;
    const now = new Date();
    const applied: string[] = [];
    const labels: unknown[][] = [];
    const labelsWithMeta: unknown[][] = [];
    for (const r of results) {
      const item = items.get(r.customerExternalId);
      if (!item) continue;
      const final = outcome.get(r.customerExternalId) ?? r;
      if (final.status === "applied") {
        applied.push(item.id);
        const remove = new Set(JSON.parse(item.remove) as string[]);
        const tags = new Set((confirmed.get(item.customerId) ?? []).filter((t) => !remove.has(t)));
        for (const t of JSON.parse(item.add) as string[]) tags.add(t);
        const row = [storeId, item.customerId, JSON.stringify([...tags].sort()), now];
        // Confirmed metafields become the base of the next diff; without any, the stored ones are left alone.
        if (item.metafields) labelsWithMeta.push([...row, item.metafields]);
        else labels.push(row);
        totals.applied++;
      } else {
        if (final.status === "not_found") totals.notFound++;
        else totals.userErrors++;
        await this.bulk.execute(
          `UPDATE "TagOutboxItem" SET "state" = ?, "error" = ?, "attempts" = "attempts" + 1, "appliedAt" = ? WHERE "id" = ?`,
          final.status,
          (final.reason ?? final.status).slice(0, 500),
          now,
          item.id,
        );
      }
    }
    await this.bulk.write(
      { table: "CustomerLabels", columns: LABEL_COLUMNS, conflict: ["storeId", "customerId"], generateIds: true },
      labels,
    );
    await this.bulk.write(
      {
        table: "CustomerLabels",
        columns: [...LABEL_COLUMNS, { name: "metafields", type: "text" }],
        conflict: ["storeId", "customerId"],
        generateIds: true,
      },
      labelsWithMeta,
    );
    for (let i = 0; i < applied.length; i += 500) {
      const ids = applied.slice(i, i + 500);
      await this.bulk.execute(
        `UPDATE "TagOutboxItem" SET "state" = 'applied', "appliedAt" = ?, "attempts" = "attempts" + 1 WHERE "id" IN (${ids.map(() => "?").join(", ")})`,
        now,
        ...ids,
      );
    }
  }
}
