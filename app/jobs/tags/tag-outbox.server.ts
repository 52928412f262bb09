/**
 * Pushes a store's pending tag changes through its platform's label writer and records what happened.
 * The outbox holds the changes in pages of up to 1,000 (outbox-page.ts); a push page is the next `pageSize`
 * unanswered items of them, in page order. Resumable: an item is sent until the platform answered it (its outcome
 * character); confirmed tags go to CustomerLabels, the base of the next diff. A crash mid-push re-sends only
 * unconfirmed items, and re-sending is harmless (adding a tag that is there or removing one that is not changes
 * nothing). Deleted customers and userErrors are recorded with their reason and not retried. An uninstalled store
 * is skipped entirely.
 *
 * Large pushes go page by page; a writer that takes several pages at once (Shopify runs bulk mutations in
 * parallel) gets the next page while the platform is still working on the previous one, so reading, uploading and
 * recording overlap the platform's own work instead of adding to it.
 */
import type { Store } from "@prisma/client";
import type { Db } from "../../db.server";
import type { BulkReader } from "../../db/bulk-reader.server";
import { sequentialId, type BulkWriter, type Column } from "../../db/bulk-writer.server";
import { inJsonArray, type Dialect } from "../../db/sql.server";
import { logger } from "../../logger.server";
import { YIELD_EVERY, yieldToRequests } from "../yield-to-requests";
import {
  decodeItems,
  decodeProblems,
  encodeItems,
  outcomeCode,
  PAGE_ITEMS,
  WAITING,
  type OutboxChange,
  type OutboxProblem,
} from "./outbox-page";

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
  /** Items per push page; on Shopify one push page is one bulk mutation per write kind (default 25 000). */
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

/** A pending outbox page as the push holds it while its items are with the platform. */
interface OpenPage extends PageAnswers {
  id: string;
  /** The row's version this state was read or written at (a redaction meanwhile moves it on). */
  version: number;
  /** Each item's position, by customer: a redaction may take an item out of the page while the push runs. */
  position: Map<string, number>;
}

/** What a page records of its items' answers. */
interface PageAnswers {
  outcomes: string[];
  applied: number;
  notFound: number;
  userErrors: number;
  problems: OutboxProblem[];
}

/** An unanswered item, with the customer's confirmed tags (what the platform has now). */
interface PageItem {
  page: OpenPage;
  change: OutboxChange;
  confirmed: string[];
}

/** Outbox pages read at a time (their customers' confirmed tags in one query); each parsed on a turn of its own. */
const PAGES_PER_READ = 5;
/** Rows of confirmed tags parsed between two turns for requests. */
const LABEL_ROWS_PER_TURN = 500;

// Keyset pagination on (storeId, state, id): each read is an index range, whatever the outbox's size.
const PAGES_SQL = `
  SELECT "id", "version", "outcomes", "applied", "notFound", "userErrors", "problems", "items" FROM "TagOutboxPage"
  WHERE "storeId" = $store AND "state" = 'pending' AND "id" > $after
  ORDER BY "id"
  LIMIT $limit`;
const labelsSql = (dialect: Dialect) => `
  SELECT "customerId", "tags" FROM "CustomerLabels"
  WHERE "storeId" = $store AND ${inJsonArray(dialect, `"customerId"`, "ids")}`;

/**
 * Queues changes outside a nightly plan (which writes its own pages as it goes), in pages of `PAGE_ITEMS`, in the
 * order given.
 */
export async function queueTagChanges(
  db: Db,
  storeId: string,
  changes: readonly OutboxChange[],
  runId: string | null = null,
): Promise<void> {
  const pages = [];
  for (let start = 0; start < changes.length; start += PAGE_ITEMS) {
    const page = changes.slice(start, start + PAGE_ITEMS);
    pages.push({
      id: sequentialId(),
      storeId,
      runId,
      size: page.length,
      items: encodeItems(page),
      outcomes: WAITING.repeat(page.length),
    });
  }
  await db.tagOutboxPage.createMany({ data: pages });
}

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

  /** Items not answered yet. */
  async pending(storeId: string): Promise<number> {
    const { _sum: sum } = await this.db.tagOutboxPage.aggregate({
      where: { storeId, state: "pending" },
      _sum: { size: true, applied: true, notFound: true, userErrors: true },
    });
    return (sum.size ?? 0) - (sum.applied ?? 0) - (sum.notFound ?? 0) - (sum.userErrors ?? 0);
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
    const unanswered = new UnansweredItems(this.bulk.reader, storeId);
    try {
      while (!failure) {
        // Back-pressure: at most `pagesInFlight` pages with the platform, and as many again waiting to be recorded.
        if (withPlatform.size >= pagesInFlight) await Promise.race(withPlatform);
        if (recorded.length >= 2 * pagesInFlight) await recorded[recorded.length - 2 * pagesInFlight];
        if (failure) break;
        const items = await unanswered.take(this.pageSize);
        if (items.length === 0) break;
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

  /** Sends one page to the platform; hands results to `record` in batches, in the order they come back. */
  private async pushPage(
    prefix: string,
    items: PageItem[],
    writerOf: (prefix: string) => Promise<LabelWriter>,
    record: (batch: LabelResult[], items: Map<string, PageItem>, outcome: Map<string, LabelResult>) => void,
  ): Promise<void> {
    const byExternal = new Map(items.map((i) => [i.change.customerExternalId, i]));
    // Tags under an older prefix (the merchant changed it) are still ours to remove: one writer per prefix.
    const groups = new Map<string, LabelChange[]>([[prefix, []]]);
    const groupFor = (p: string) => {
      let list = groups.get(p);
      if (!list) groups.set(p, (list = []));
      return list;
    };
    for (const [k, { change }] of items.entries()) {
      if (k > 0 && k % YIELD_EVERY === 0) await yieldToRequests();
      groupFor(prefix).push({
        customerExternalId: change.customerExternalId,
        add: change.add,
        remove: change.remove.filter((t) => t.startsWith(prefix)),
        ...(change.metafields ? { metafields: JSON.parse(change.metafields) as Record<string, string> } : {}),
      });
      for (const old of change.remove.filter((t) => !t.startsWith(prefix))) {
        const oldPrefix = old.slice(0, old.indexOf(":") + 1) || old;
        groupFor(oldPrefix).push({ customerExternalId: change.customerExternalId, add: [], remove: [old] });
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

  /**
   * Records a batch of answers: each touched page's outcomes and tallies (a page with nothing left waiting is
   * settled), then the confirmed tags in CustomerLabels. An item is recorded once. A page is written only at the
   * version this push last read or wrote: when a redaction changed it meanwhile, the page is read again and only
   * its remaining customers' answers are recorded, and confirmed tags written back for a customer a redaction took
   * out in between are deleted again.
   */
  private async record(
    storeId: string,
    results: LabelResult[],
    items: Map<string, PageItem>,
    outcome: Map<string, LabelResult>,
    totals: PushResult,
  ): Promise<void> {
    if (results.length === 0) return;
    const now = new Date();
    const byPage = new Map<OpenPage, [PageItem, LabelResult][]>();
    for (const r of results) {
      const item = items.get(r.customerExternalId);
      if (!item) continue;
      const answers = byPage.get(item.page) ?? [];
      answers.push([item, outcome.get(r.customerExternalId) ?? r]);
      byPage.set(item.page, answers);
    }
    const confirmed: PageItem[] = [];
    for (const [page, answers] of byPage) {
      for (;;) {
        const { state, answered } = answer(page, answers);
        if (answered.length === 0) break;
        const { count } = await this.db.tagOutboxPage.updateMany({
          where: { id: page.id, version: page.version },
          data: {
            state: state.outcomes.includes(WAITING) ? "pending" : "settled",
            outcomes: state.outcomes.join(""),
            applied: state.applied,
            notFound: state.notFound,
            userErrors: state.userErrors,
            problems: state.problems.length > 0 ? JSON.stringify(state.problems) : null,
            settledAt: now,
            version: page.version + 1,
          },
        });
        if (count === 0) {
          if (await this.reload(page)) continue;
          break; // the page is gone (replaced by a new plan, or redacted to nothing): nothing of it to record
        }
        Object.assign(page, state, { version: page.version + 1 });
        for (const [item, final] of answered) {
          if (final.status === "applied") {
            totals.applied++;
            confirmed.push(item);
          } else if (final.status === "not_found") totals.notFound++;
          else totals.userErrors++;
        }
        break;
      }
    }
    // Only tags written back can need undoing; a page moved meanwhile is read again by its next write anyway.
    if (confirmed.length === 0) return;
    await this.writeConfirmed(storeId, confirmed, now);
    const recorded = [...new Set(confirmed.map((item) => item.page))];
    const current = await this.db.tagOutboxPage.findMany({
      where: { id: { in: recorded.map((p) => p.id) } },
      select: { id: true, version: true },
    });
    const versions = new Map(current.map((p) => [p.id, p.version]));
    const moved = recorded.filter((p) => versions.get(p.id) !== p.version);
    for (const page of moved) await this.reload(page);
    const redacted = confirmed.filter(
      (item) => moved.includes(item.page) && !item.page.position.has(item.change.customerExternalId),
    );
    if (redacted.length > 0)
      await this.db.customerLabels.deleteMany({
        where: { storeId, customerId: { in: redacted.map((item) => item.change.customerId) } },
      });
  }

  /** The confirmed tags (and metafields) of applied changes: the base of the next night's diff. */
  private async writeConfirmed(storeId: string, applied: PageItem[], now: Date): Promise<void> {
    const labels: unknown[][] = [];
    const labelsWithMeta: unknown[][] = [];
    for (const { change, confirmed } of applied) {
      const remove = new Set(change.remove);
      const tags = new Set(confirmed.filter((t) => !remove.has(t)));
      for (const t of change.add) tags.add(t);
      const row = [storeId, change.customerId, JSON.stringify([...tags].sort()), now];
      // Confirmed metafields become the base of the next diff; without any, the stored ones are left alone.
      if (change.metafields) labelsWithMeta.push([...row, change.metafields]);
      else labels.push(row);
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
  }

  /** The page as stored now; false when it is gone. */
  private async reload(page: OpenPage): Promise<boolean> {
    const row = await this.db.tagOutboxPage.findUnique({ where: { id: page.id } });
    if (!row) {
      page.position.clear();
      return false;
    }
    Object.assign(page, openPage(row).page);
    return true;
  }
}

/** The page's answers with this batch's added: the item of each answered customer still in it and still waiting. */
function answer(
  page: OpenPage,
  answers: [PageItem, LabelResult][],
): { state: PageAnswers; answered: [PageItem, LabelResult][] } {
  const state: PageAnswers = {
    outcomes: [...page.outcomes],
    applied: page.applied,
    notFound: page.notFound,
    userErrors: page.userErrors,
    problems: [...page.problems],
  };
  const answered: [PageItem, LabelResult][] = [];
  for (const [item, final] of answers) {
    const at = page.position.get(item.change.customerExternalId);
    if (at === undefined || state.outcomes[at] !== WAITING) continue;
    state.outcomes[at] = outcomeCode(final.status);
    if (final.status === "applied") state.applied++;
    else {
      if (final.status === "not_found") state.notFound++;
      else state.userErrors++;
      const error = (final.reason ?? final.status).slice(0, 500);
      state.problems.push({ customerExternalId: item.change.customerExternalId, state: final.status, error });
    }
    answered.push([item, final]);
  }
  return { state, answered };
}

/** A page row's state as the push holds it. */
function openPage(row: {
  id: string;
  version: number;
  outcomes: string;
  applied: number;
  notFound: number;
  userErrors: number;
  problems: string | null;
  items: string;
}): { page: OpenPage; changes: OutboxChange[] } {
  const changes = decodeItems(row.items);
  const page: OpenPage = {
    id: row.id,
    version: row.version,
    position: new Map(changes.map((c, i) => [c.customerExternalId, i])),
    outcomes: [...row.outcomes],
    applied: row.applied,
    notFound: row.notFound,
    userErrors: row.userErrors,
    problems: decodeProblems(row.problems),
  };
  return { page, changes };
}

/**
 * A store's unanswered items in page order, read a few outbox pages ahead of what the push takes. The push runs
 * on the request thread: each page is parsed, and its customers' confirmed tags read, between turns for requests.
 */
class UnansweredItems {
  private buffer: PageItem[] = [];
  private after = "";
  private exhausted = false;

  constructor(
    private readonly reader: BulkReader,
    private readonly storeId: string,
  ) {}

  async take(count: number): Promise<PageItem[]> {
    while (this.buffer.length < count && !this.exhausted) await this.readPages();
    return this.buffer.splice(0, count);
  }

  private async readPages(): Promise<void> {
    const rows: unknown[][] = [];
    const params = { store: this.storeId, after: this.after, limit: PAGES_PER_READ };
    for await (const batch of this.reader.rows(PAGES_SQL, params, PAGES_PER_READ)) rows.push(...batch);
    if (rows.length < PAGES_PER_READ) this.exhausted = true;
    const waiting: PageItem[] = [];
    for (const [id, version, outcomes, applied, notFound, userErrors, problems, items] of rows) {
      this.after = String(id);
      const { page, changes } = openPage({
        id: String(id),
        version: Number(version),
        outcomes: String(outcomes),
        applied: Number(applied),
        notFound: Number(notFound),
        userErrors: Number(userErrors),
        problems: problems === null ? null : String(problems),
        items: String(items),
      });
      changes.forEach((change, index) => {
        if (page.outcomes[index] === WAITING) waiting.push({ page, change, confirmed: [] });
      });
      await new Promise((r) => setImmediate(r)); // let requests in between pages
    }
    await this.readConfirmed(waiting);
    this.buffer.push(...waiting);
  }

  private async readConfirmed(items: PageItem[]): Promise<void> {
    if (items.length === 0) return;
    const byCustomer = new Map(items.map((item) => [item.change.customerId, item]));
    const params = { store: this.storeId, ids: JSON.stringify([...byCustomer.keys()]) };
    for await (const batch of this.reader.rows(labelsSql(this.reader.dialect), params, LABEL_ROWS_PER_TURN))
      for (const [customerId, tags] of batch) {
        const item = byCustomer.get(String(customerId));
        if (item) item.confirmed = JSON.parse(String(tags)) as string[];
      }
  }
}
