/**
 * A page of the tag outbox (TagOutboxPage): up to `PAGE_ITEMS` customers' tag changes in one row, and what the
 * platform answered for each (docs/decisions/176-tag-outbox-pages.md). A row per customer made the outbox a third
 * of the nightly's SQLite write at a million customers; a page costs about as much to write as one such row.
 *
 * `items` is JSON: `{"lists": [tag list, …], "items": [[customerId, customerExternalId, add, remove, metafields |
 * null], …]}`, `add` and `remove` as positions in the page's `lists` (a page's thousand customers share a few dozen
 * lists: each written once, the page is less than half the size), the metafields as the plan's JSON text (kept as
 * text: it is compared with the confirmed labels' text next night). Pages written before hold the items' array
 * with the lists in place, and are still read. `outcomes` has one character per item, in item order: what the push
 * records.
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
 * A page's items as they are added, and its JSON text. The tag lists come as JSON text: the plan has them serialised
 * already (most customers share their list with thousands of others, serialised once per run), and each distinct
 * text is written once per page.
 */
export class PageItems {
  private readonly position = new Map<string, number>();
  private readonly lists: string[] = [];
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  add(
    customerId: string,
    customerExternalId: string,
    addJson: string,
    removeJson: string,
    metafields: string | null,
  ): void {
    const meta = metafields === null ? "null" : JSON.stringify(metafields);
    const add = this.list(addJson);
    const remove = this.list(removeJson);
    this.items.push(`[${JSON.stringify(customerId)},${JSON.stringify(customerExternalId)},${add},${remove},${meta}]`);
  }

  json(): string {
    return `{"lists":[${this.lists.join(",")}],"items":[${this.items.join(",")}]}`;
  }

  private list(json: string): number {
    let at = this.position.get(json);
    if (at === undefined) {
      at = this.lists.length;
      this.lists.push(json);
      this.position.set(json, at);
    }
    return at;
  }
}

type StoredChange = [string, string, string[], string[], string | null];
type ListedChange = [string, string, number, number, string | null];

export function decodeItems(itemsJson: string): OutboxChange[] {
  const stored = JSON.parse(itemsJson) as StoredChange[] | { lists: string[][]; items: ListedChange[] };
  if (Array.isArray(stored)) {
    // A page written before the lists were shared.
    return stored.map(([customerId, customerExternalId, add, remove, metafields]) => ({
      customerId,
      customerExternalId,
      add,
      remove,
      metafields,
    }));
  }
  const list = (at: number) => {
    const tags = stored.lists[at];
    if (!Array.isArray(tags)) throw new Error(`tag outbox page names tag list ${at}, which it does not hold`);
    return [...tags]; // each change its own array: a caller may change it
  };
  return stored.items.map(([customerId, customerExternalId, add, remove, metafields]) => ({
    customerId,
    customerExternalId,
    add: list(add),
    remove: list(remove),
    metafields,
  }));
}

export function encodeItems(changes: readonly OutboxChange[]): string {
  const page = new PageItems();
  for (const c of changes)
    page.add(c.customerId, c.customerExternalId, JSON.stringify(c.add), JSON.stringify(c.remove), c.metafields);
  return page.json();
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
