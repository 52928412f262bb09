/**
 * Pushes a store's pending tag changes through its platform's label writer and records what happened.
 * Resumable: an item stays "pending" until the platform confirmed it; confirmed tags go to CustomerLabels, the
 * base of the next diff. A crash mid-push re-sends only unconfirmed items, and re-sending is harmless (adding a
 * tag that is there or removing one that is not changes nothing). Deleted customers and userErrors are recorded
 * with their reason and not retried. An uninstalled store is skipped entirely.
 *
 * Large pushes go page by page; a writer that takes several pages at once (Shopify runs bulk mutations in
 * parallel) gets the next page while the platform is still working on the previous one, so reading, uploading and
 * recording overlap the platform's own work instead of adding to it.
 */
import type { Store } from "@prisma/client";
import type { Db } from "../../db.server";
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import type { Dialect } from "../../db/sql.server";
import { logger } from "../../logger.server";
import { YIELD_EVERY, yieldToRequests } from "../yield-to-requests";

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
  /** Pages the platform may work on at once (default 1). */
  pagesInFlight?: number;
}

export type LabelWriterFactory = (store: Store, prefix: string) => Promise<LabelWriter>;

export interface PushResult {
  skipped?: string;
  applied: number;
  notFound: number;
  userErrors: number;
}

export interface TagOutboxOptions {
  dialect: Dialect;
  /** Items per page; on Shopify one page is one bulk mutation per write kind (default 25 000). */
  pageSize?: number;
  /** Results are recorded in batches: big batches are cheap, small ones lose less work in a crash (default 5 000). */
  flushEvery?: number;
}

const LABEL_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "tags", type: "text" },
  { name: "updatedAt", type: "timestamp" },
];

/** What `record` sets on an outbox item the platform answered for. */
const SETTLED_COLUMNS: Column[] = [
  { name: "state", type: "text" },
  { name: "error", type: "text" },
  { name: "appliedAt", type: "timestamp" },
];
const ATTEMPTED = { attempts: `"attempts" + 1` };

/** A pending item with the customer's confirmed tags (what the platform has now). */
interface PageItem {
  id: string;
  customerId: string;
  customerExternalId: string;
  add: string[];
  remove: string[];
  metafields: string | null;
  confirmed: string[];
}

/** Rows of a page parsed between two turns for requests (see readPage). */
const READ_SLICE_ROWS = 100;

// Keyset pagination on (storeId, state, id): each page is an index range, whatever the outbox's size.
const PAGE_SQL = `
  SELECT o."id", o."customerId", o."customerExternalId", o."add", o."remove", o."metafields", l."tags" AS "confirmed"
  FROM "TagOutboxItem" o
  LEFT JOIN "CustomerLabels" l ON l."storeId" = o."storeId" AND l."customerId" = o."customerId"
  WHERE o."storeId" = $store AND o."state" = 'pending' AND o."id" > $after
  ORDER BY o."id"
  LIMIT $limit`;

export class TagOutbox {
  private readonly pageSize: number;
  private readonly flushEvery: number;

  constructor(
    private readonly db: Db,
    private readonly bulk: BulkWriter,
    private readonly writerFor: LabelWriterFactory,
    private readonly options: TagOutboxOptions,
  ) {
    this.pageSize = options.pageSize ?? 25_000;
    this.flushEvery = options.flushEvery ?? 5_000;
  }

  async pending(storeId: string): Promise<number> {
    return this.db.tagOutboxItem.count({ where: { storeId, state: "pending" } });
  }

  async push(storeId: string): Promise<PushResult> {
    const totals: PushResult = { applied: 0, notFound: 0, userErrors: 0 };
    const store = await this.db.store.findUnique({ where: { id: storeId }, include: { settings: true } });
    if (!store || store.status !== "installed") return { ...totals, skipped: "store is not installed" };
    const prefix = store.settings?.tagPrefix ?? "ciclo:";
    const writers = new Map<string, Promise<LabelWriter>>();
    const writerOf = (p: string) => {
      let writer = writers.get(p);
      if (!writer) writers.set(p, (writer = this.writerFor(store, p)));
      return writer;
    };
    const pagesInFlight = Math.max(1, (await writerOf(prefix)).pagesInFlight ?? 1);

    let failure: { error: unknown } | null = null;
    const fail = (error: unknown) => void (failure ??= { error });
    // Results are recorded one batch at a time, in order, while later pages are still with the platform.
    // What the platform confirmed is recorded even after another page failed: it is true either way.
    let recording = Promise.resolve();
    const record = (batch: LabelResult[], page: Map<string, PageItem>, outcome: Map<string, LabelResult>) => {
      recording = recording.then(() => this.record(storeId, batch, page, outcome, totals)).catch(fail);
      return recording;
    };

    const withPlatform = new Set<Promise<void>>();
    const recorded: Promise<void>[] = [];
    let after = "";
    try {
      while (!failure) {
        // Back-pressure: at most `pagesInFlight` pages with the platform, and as many again waiting to be recorded.
        if (withPlatform.size >= pagesInFlight) await Promise.race(withPlatform);
        if (recorded.length >= 2 * pagesInFlight) await recorded[recorded.length - 2 * pagesInFlight];
        if (failure) break;
        const items = await this.readPage(storeId, after);
        if (items.length === 0) break;
        after = items[items.length - 1]!.id;
        let lastRecord = Promise.resolve();
        const page: Promise<void> = this.pushPage(prefix, items, writerOf, (batch, byId, outcome) => {
          lastRecord = record(batch, byId, outcome);
        })
          .catch(fail)
          .finally(() => withPlatform.delete(page));
        withPlatform.add(page);
        recorded.push(page.then(() => lastRecord));
      }
    } catch (error) {
      fail(error); // reading a page failed
    } finally {
      // A failure stops new pages; the ones in flight finish and record what the platform confirmed, so nothing
      // of this push is still running when it returns (a retry must not overlap it).
      await Promise.all(withPlatform);
      await recording;
    }
    if (failure) throw (failure as { error: unknown }).error;
    logger.info("tag push finished", { storeId, ...totals });
    return totals;
  }

  /**
   * One page of pending items, read through the bulk reader 100 rows at a time: the push runs on the request
   * thread, and parsing a whole 25,000-row page in one go (Prisma's row mapping, then the JSON) held it for several
   * hundred milliseconds; at 500 rows a turn the push's first pages still kept webhooks waiting ~1 s in bench:soak
   * (a webhook needs several turns, and each turn was a 500-row slice plus the collector).
   */
  private async readPage(storeId: string, after: string): Promise<PageItem[]> {
    const items: PageItem[] = [];
    const params = { store: storeId, after, limit: this.pageSize };
    for await (const batch of this.bulk.reader.rows(PAGE_SQL, params, READ_SLICE_ROWS)) {
      for (const [id, customerId, customerExternalId, add, remove, metafields, confirmed] of batch)
        items.push({
          id: String(id),
          customerId: String(customerId),
          customerExternalId: String(customerExternalId),
          add: JSON.parse(String(add)) as string[],
          remove: JSON.parse(String(remove)) as string[],
          metafields: metafields === null ? null : String(metafields),
          confirmed: confirmed ? (JSON.parse(String(confirmed)) as string[]) : [],
        });
      await new Promise((r) => setImmediate(r)); // let requests in between batches
    }
    return items;
  }

  /** Sends one page to the platform; hands results to `record` in batches, in the order they come back. */
  private async pushPage(
    prefix: string,
    items: PageItem[],
    writerOf: (prefix: string) => Promise<LabelWriter>,
    record: (batch: LabelResult[], items: Map<string, PageItem>, outcome: Map<string, LabelResult>) => void,
  ): Promise<void> {
    const byExternal = new Map(items.map((i) => [i.customerExternalId, i]));
    // Tags under an older prefix (the merchant changed it) are still ours to remove: one writer per prefix.
    const groups = new Map<string, LabelChange[]>([[prefix, []]]);
    const groupFor = (p: string) => {
      let list = groups.get(p);
      if (!list) groups.set(p, (list = []));
      return list;
    };
    for (const [k, item] of items.entries()) {
      if (k > 0 && k % YIELD_EVERY === 0) await yieldToRequests();
      groupFor(prefix).push({
        customerExternalId: item.customerExternalId,
        add: item.add,
        remove: item.remove.filter((t) => t.startsWith(prefix)),
        ...(item.metafields ? { metafields: JSON.parse(item.metafields) as Record<string, string> } : {}),
      });
      for (const old of item.remove.filter((t) => !t.startsWith(prefix))) {
        const oldPrefix = old.slice(0, old.indexOf(":") + 1) || old;
        groupFor(oldPrefix).push({ customerExternalId: item.customerExternalId, add: [], remove: [old] });
      }
    }
    const outcome = new Map<string, LabelResult>();
    // Old-prefix removals first: an item is recorded (in the current-prefix pass) only after they were sent,
    // so a crash in between leaves the item pending and the whole change is sent again.
    const order = [...groups.keys()].sort((a, b) => Number(a === prefix) - Number(b === prefix));
    for (const groupPrefix of order) {
      const writer = await writerOf(groupPrefix);
      let batch: LabelResult[] = [];
      try {
        let seen = 0;
        for await (const r of writer.apply(groups.get(groupPrefix)!)) {
          if (++seen % YIELD_EVERY === 0) await yieldToRequests();
          // A customer in two groups: the first failure wins, otherwise applied.
          const earlier = outcome.get(r.customerExternalId);
          if (!earlier || earlier.status === "applied") outcome.set(r.customerExternalId, r);
          if (groupPrefix !== prefix) continue;
          batch.push(r);
          if (batch.length >= this.flushEvery) {
            record(batch, byExternal, outcome);
            batch = [];
          }
        }
      } finally {
        // Also when the writer failed part-way: what it confirmed before is recorded.
        if (batch.length > 0) record(batch, byExternal, outcome);
      }
    }
  }

  private async record(
    storeId: string,
    results: LabelResult[],
    items: Map<string, PageItem>,
    outcome: Map<string, LabelResult>,
    totals: PushResult,
  ): Promise<void> {
    if (results.length === 0) return;
    const now = new Date();
    const settled: unknown[][] = [];
    const labels: unknown[][] = [];
    const labelsWithMeta: unknown[][] = [];
    for (const r of results) {
      const item = items.get(r.customerExternalId);
      if (!item) continue;
      const final = outcome.get(r.customerExternalId) ?? r;
      if (final.status === "applied") {
        settled.push([item.id, "applied", null, now]);
        const remove = new Set(item.remove);
        const tags = new Set(item.confirmed.filter((t) => !remove.has(t)));
        for (const t of item.add) tags.add(t);
        const row = [storeId, item.customerId, JSON.stringify([...tags].sort()), now];
        // Confirmed metafields become the base of the next diff; without any, the stored ones are left alone.
        if (item.metafields) labelsWithMeta.push([...row, item.metafields]);
        else labels.push(row);
        totals.applied++;
      } else {
        if (final.status === "not_found") totals.notFound++;
        else totals.userErrors++;
        settled.push([item.id, final.status, (final.reason ?? final.status).slice(0, 500), now]);
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
    await this.bulk.update(
      { table: "TagOutboxItem", key: { name: "id", type: "text" }, set: SETTLED_COLUMNS, assign: ATTEMPTED },
      settled,
    );
  }
}
