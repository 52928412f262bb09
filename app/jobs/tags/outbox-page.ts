/**
 * A page of the tag outbox (TagOutboxPage): up to `PAGE_ITEMS` customers' tag changes in one row, and what the
 * platform answered for each (docs/decisions/176-tag-outbox-pages.md). A row per customer made the outbox a third
 * of the nightly's SQLite write at a million customers; a page costs about as much to write as one such row.
 *
 * `items` is JSON, one array per change: [customerId, customerExternalId, add, remove, metafields | null], the
 * metafields as the plan's JSON text (kept as text: it is compared with the confirmed labels' text next night).
 * `outcomes` has one character per item, in item order: what the push records.
 */

export const PAGE_ITEMS = 1_000;

export interface OutboxChange {
  customerId: string;
  customerExternalId: string;
  add: string[];
  remove: string[];
  /** Label values beyond tags as the platform encoded them (JSON text), or null. */
  metafields: string | null;
}

export type ItemState = "pending" | "applied" | "not_found" | "user_error";

/** Outcome characters: an item is sent until its character is no longer WAITING. */
export const WAITING = ".";
const CODE: Record<ItemState, string> = { pending: WAITING, applied: "a", not_found: "n", user_error: "u" };
const STATE_OF_CODE: Record<string, ItemState> = { ".": "pending", a: "applied", n: "not_found", u: "user_error" };

export function outcomeCode(state: ItemState): string {
  return CODE[state];
}

export function stateOfOutcome(code: string): ItemState {
  const state = STATE_OF_CODE[code];
  if (!state) throw new Error(`unknown tag outbox outcome "${code}"`);
  return state;
}

/** A refusal the platform gave for one item: what the Sync page shows the merchant. */
export interface OutboxProblem {
  customerExternalId: string;
  state: "not_found" | "user_error";
  error: string;
}

/**
 * One change as page JSON. The tag lists come as JSON text: the plan has them serialised already (most customers
 * share their list with thousands of others, serialised once per run).
 */
export function encodeChange(
  customerId: string,
  customerExternalId: string,
  addJson: string,
  removeJson: string,
  metafields: string | null,
): string {
  const meta = metafields === null ? "null" : JSON.stringify(metafields);
  return `[${JSON.stringify(customerId)},${JSON.stringify(customerExternalId)},${addJson},${removeJson},${meta}]`;
}

export function pageItemsJson(encodedChanges: readonly string[]): string {
  return `[${encodedChanges.join(",")}]`;
}

type StoredChange = [string, string, string[], string[], string | null];

export function decodeItems(itemsJson: string): OutboxChange[] {
  return (JSON.parse(itemsJson) as StoredChange[]).map(([customerId, customerExternalId, add, remove, metafields]) => ({
    customerId,
    customerExternalId,
    add,
    remove,
    metafields,
  }));
}

export function encodeItems(changes: readonly OutboxChange[]): string {
  return pageItemsJson(
    changes.map((c) =>
      encodeChange(c.customerId, c.customerExternalId, JSON.stringify(c.add), JSON.stringify(c.remove), c.metafields),
    ),
  );
}

export function decodeProblems(problemsJson: string | null): OutboxProblem[] {
  return problemsJson ? (JSON.parse(problemsJson) as OutboxProblem[]) : [];
}

/** A page's stored texts. */
export interface OutboxPageRow {
  items: string;
  outcomes: string;
  problems: string | null;
}

/** The page's fields after the items `drop` selects are taken out (a redacted customer); null when none is left. */
export function withoutItems(
  page: OutboxPageRow,
  drop: (change: OutboxChange) => boolean,
): {
  items: string;
  outcomes: string;
  size: number;
  applied: number;
  notFound: number;
  userErrors: number;
  problems: string | null;
  state: "pending" | "settled";
} | null {
  const changes = decodeItems(page.items);
  const kept: OutboxChange[] = [];
  let outcomes = "";
  const dropped = new Set<string>();
  changes.forEach((change, i) => {
    if (drop(change)) dropped.add(change.customerExternalId);
    else {
      kept.push(change);
      outcomes += page.outcomes[i] ?? WAITING;
    }
  });
  if (kept.length === 0) return null;
  const count = (code: string) => [...outcomes].filter((c) => c === code).length;
  const problems = decodeProblems(page.problems).filter((p) => !dropped.has(p.customerExternalId));
  return {
    items: encodeItems(kept),
    outcomes,
    size: kept.length,
    applied: count("a"),
    notFound: count("n"),
    userErrors: count("u"),
    problems: problems.length ? JSON.stringify(problems) : null,
    state: outcomes.includes(WAITING) ? "pending" : "settled",
  };
}
