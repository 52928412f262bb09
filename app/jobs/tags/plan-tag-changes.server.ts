/**
 * Diff-only tag planning: compares each customer's desired Ciclo tags with the ones we last confirmed in the store
 * (CustomerLabels) and queues only the differences in the tag outbox, up to 1,000 customers' changes per row
 * (outbox-page.ts). An unchanged customer costs nothing. The previous run's pages are replaced: pending changes are
 * recomputed from the same confirmed state, settled ones have done their job (see clearOutbox).
 */
import type { Db } from "../../db.server";
import type { BulkReader } from "../../db/bulk-reader.server";
import { sequentialId, type BulkWriter, type Column } from "../../db/bulk-writer.server";
import { desiredTagsOfRun, tagDiff, type TagSettings } from "./desired-tags";
import { DEFAULT_CATALOGUE } from "../../domain/surveys/catalogue";
import { storedAnswerTagChanges } from "../../domain/surveys/tags";
import type { EncodedLabels } from "../../platforms/platform";
import { timeStep, type Steps } from "../step-timer";
import { overlappedColumnWrite } from "../../db/overlapped-write.server";
import { deleteStoreRows } from "../../db/chunked-delete.server";
import { customerLocator } from "../customer-locator";
import { interner } from "../interner";
import { PAGE_ITEMS, PageItems, WAITING } from "./outbox-page";

export interface TagPlanInput {
  ids: string[];
  externalIds: string[];
  segment: string[];
  stage: string[];
  clvPercentile: (i: number) => number | null;
  survey: Map<string, { npsCategory: "promoter" | "passive" | "detractor" | null; jtbdAnswers: string[] }>;
  /** Customer i's next-product suggestion (title), for the optional `next-` tag; absent = none. */
  nextProduct?: (i: number) => string | null;
  /**
   * The store's platform encoding of customer i's labels beyond its tags (StorePlatform.encodeLabels): what the
   * outbox item carries for the writer, and whether the store needs a write although the tags did not change.
   */
  encodeLabels?: (i: number, desiredTags: readonly string[]) => EncodedLabels | null;
}

/**
 * What the store last confirmed per customer of the run (by index into its ids; undefined where none): its tags as
 * stored (a JSON array, parsed only for a customer whose desired tags differ from it), and its metafields where it
 * has any. Arrays by index rather than maps by id, and one copy of each distinct text (most customers share their
 * tags with thousands of others): a million customers' labels held as maps were ~200 MB of the nightly's rerun.
 */
export interface ConfirmedLabels {
  tagsJson: (string | undefined)[];
  metafields: (string | undefined)[];
}

export async function loadConfirmedLabels(
  reader: BulkReader,
  storeId: string,
  ids: readonly string[],
): Promise<ConfirmedLabels> {
  const labels: ConfirmedLabels = { tagsJson: new Array(ids.length), metafields: new Array(ids.length) };
  const locate = customerLocator(ids);
  const tagText = interner(100_000);
  // In customer id order, as the run's ids are: each lookup is a step ahead of the last.
  const sql = `SELECT "customerId", "tags", "metafields" FROM "CustomerLabels" WHERE "storeId" = $store ORDER BY "customerId"`;
  for await (const batch of reader.rows(sql, { store: storeId })) {
    for (const [customerId, tags, metafields] of batch) {
      const i = locate(String(customerId));
      if (i < 0) continue; // a customer the run did not read (deleted since): nothing to plan for them
      labels.tagsJson[i] = tagText(tags) ?? undefined;
      if (metafields !== null) labels.metafields[i] = String(metafields);
    }
  }
  return labels;
}

/**
 * Survey tags per customer, by the survey domain's own rule (each question kind's tags): the latest NPS category, and the
 * answers of questions that tag (catch-alls like "other" make none). Replayed in answer order.
 */
export async function loadSurveyTags(db: Db, storeId: string): Promise<TagPlanInput["survey"]> {
  const rows = await db.surveyResponse.findMany({
    where: { storeId, customerId: { not: null }, OR: [{ score: { not: null } }, { answerId: { not: null } }] },
    select: { customerId: true, questionId: true, answerId: true, score: true },
    orderBy: { createdAt: "asc" },
  });
  const tags = new Map<string, Set<string>>();
  for (const r of rows) {
    const change = storedAnswerTagChanges({ ...r, text: null }, DEFAULT_CATALOGUE);
    if (change.add.length === 0 && change.remove.length === 0) continue;
    const set = tags.get(r.customerId!) ?? new Set<string>();
    for (const t of change.remove) set.delete(t);
    for (const t of change.add) set.add(t);
    tags.set(r.customerId!, set);
  }
  const out: TagPlanInput["survey"] = new Map();
  for (const [customerId, set] of tags) {
    const nps = [...set].find((t) => t.startsWith("nps-"))?.slice(4) as
      "promoter" | "passive" | "detractor" | undefined;
    out.set(customerId, {
      npsCategory: nps ?? null,
      jtbdAnswers: [...set].filter((t) => t.startsWith("jtbd-")).map((t) => t.slice(5)),
    });
  }
  return out;
}

const NO_CHANGE: { add: string[]; remove: string[] } = { add: [], remove: [] };

const PAGE_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "storeId", type: "text" },
  { name: "runId", type: "text" },
  { name: "state", type: "text" },
  { name: "size", type: "int" },
  { name: "items", type: "text" },
  { name: "outcomes", type: "text" },
  { name: "createdAt", type: "timestamp" },
];

/** Pages handed to the writer at a time (overlapped with planning the next ones). */
const PAGES_PER_WRITE = 20;

/**
 * Each plan replaces the previous run's pages, settled ones included: the outbox describes the latest push (what
 * the sync status shows the merchant: waiting, refused and why), not an ever-growing log — a refused change is
 * planned again the next night anyway.
 */
async function clearOutbox(db: Db, storeId: string): Promise<void> {
  await deleteStoreRows(db, "TagOutboxPage", storeId);
}

export async function planTagChanges(
  db: Db,
  bulk: BulkWriter,
  storeId: string,
  runId: string,
  input: TagPlanInput,
  settings: TagSettings,
): Promise<{ changed: number; unchanged: number; steps: Steps }> {
  const steps: Steps = {};
  const started = performance.now();
  const confirmed = await timeStep(steps, "read_labels", () => loadConfirmedLabels(bulk.reader, storeId, input.ids));
  await timeStep(steps, "clear_outbox", () => clearOutbox(db, storeId));
  const planning = performance.now();
  const outbox = overlappedColumnWrite(bulk, { table: "TagOutboxPage", columns: PAGE_COLUMNS });
  const now = new Date();
  let page = new PageItems();
  let pages = { ids: [] as string[], sizes: [] as number[], items: [] as string[], outcomes: [] as string[] };
  const send = async () => {
    const c = pages;
    pages = { ids: [], sizes: [], items: [], outcomes: [] };
    if (c.ids.length === 0) return;
    await outbox.push({
      length: c.ids.length,
      // In PAGE_COLUMNS' order.
      columns: [
        c.ids,
        { constant: storeId },
        { constant: runId },
        { constant: "pending" },
        Float64Array.from(c.sizes),
        c.items,
        c.outcomes,
        { constant: now },
      ],
    });
  };
  const closePage = async () => {
    if (page.size === 0) return;
    pages.ids.push(sequentialId());
    pages.sizes.push(page.size);
    pages.items.push(page.json());
    pages.outcomes.push(WAITING.repeat(page.size));
    page = new PageItems();
    if (pages.ids.length === PAGES_PER_WRITE) await send();
  };
  let changed = 0;
  let unchanged = 0;
  const desiredOf = desiredTagsOfRun(settings);
  for (let i = 0; i < input.ids.length; i++) {
    const id = input.ids[i]!;
    // Guests (WooCommerce groups them by a hash of their e-mail) have no account to write to: never tagged.
    if (input.externalIds[i]!.startsWith("guest:")) continue;
    const survey = input.survey.get(id);
    const { tags: desired, json: desiredJson } = desiredOf({
      segment: input.segment[i]!,
      stage: input.stage[i]!,
      clvPercentile: input.clvPercentile(i),
      npsCategory: survey?.npsCategory ?? null,
      jtbdAnswers: survey?.jtbdAnswers ?? [],
      nextProduct: input.nextProduct?.(i) ?? null,
    });
    // Everything in CustomerLabels is ours (even under an older prefix), so all of it may be removed. Most
    // customers keep their tags: the stored text equal to the desired list's (both sorted) settles it unparsed.
    const heldJson = confirmed.tagsJson[i];
    const same = heldJson === undefined ? desired.length === 0 : heldJson === desiredJson;
    // A customer with nothing confirmed yet (every customer of a store's first run) is given the desired tags as
    // they are: sorted, and unique once equal neighbours are dropped.
    const { add, remove } = same
      ? NO_CHANGE
      : !heldJson
        ? { add: desired.filter((tag, k) => k === 0 || tag !== desired[k - 1]), remove: [] }
        : tagDiff(JSON.parse(heldJson) as string[], desired, [""]);
    const encoded = input.encodeLabels?.(i, desired) ?? null;
    if (add.length === 0 && remove.length === 0 && !encoded?.changedFrom(confirmed.metafields[i] ?? null)) {
      unchanged++;
      continue;
    }
    page.add(
      id,
      input.externalIds[i]!,
      // The desired list's own text where nothing was dropped from it (a first plan): no second serialisation.
      add.length === desired.length ? desiredJson : JSON.stringify(add),
      remove.length === 0 ? "[]" : JSON.stringify(remove),
      encoded?.carried ?? null,
    );
    changed++;
    if (page.size === PAGE_ITEMS) await closePage();
  }
  await closePage();
  await send();
  await outbox.done();
  // Building each customer's desired tags, diffing them and writing the differences (overlapped).
  steps.plan_and_write = Math.round(performance.now() - planning);
  steps.total = Math.round(performance.now() - started);
  return { changed, unchanged, steps };
}
