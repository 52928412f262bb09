/** Relay connections over in-memory lists: sort, keyset cursors, first/last/after/before. */

export interface Connection<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export class ConnectionArgumentError extends Error {}

/** Shopify caps a page at 250 nodes. */
export const MAX_PAGE_SIZE = 250;

function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v)) return v as (string | number)[];
  } catch {
    // fall through
  }
  throw new ConnectionArgumentError(`Invalid cursor: ${cursor}`);
}

function cmp(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * `key(item)` gives the sort key (ending with the id, so keys are unique). Without first/last (bulk queries)
 * every item is returned.
 */
export function paginate<T>(
  all: T[],
  key: (item: T) => (string | number)[],
  args: PageArgs,
  unbounded = false,
): Connection<T> {
  if (!unbounded) {
    if (args.first == null && args.last == null)
      throw new ConnectionArgumentError("you must provide one of first or last");
    for (const n of [args.first, args.last])
      if (n != null && (n < 0 || n > MAX_PAGE_SIZE))
        throw new ConnectionArgumentError(`The value for first or last must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  const keyed = all.map((item) => ({ item, k: key(item) }));
  keyed.sort((a, b) => cmp(a.k, b.k));
  if (args.reverse) keyed.reverse();
  const dir = args.reverse ? -1 : 1;
  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const after = decodeCursor(args.after);
    const i = keyed.findIndex((x) => dir * cmp(x.k, after) > 0);
    start = i === -1 ? keyed.length : i;
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    const i = keyed.findIndex((x) => dir * cmp(x.k, before) >= 0);
    end = i === -1 ? keyed.length : i;
  }
  let slice = keyed.slice(start, Math.max(start, end));
  let hasNextPage = end < keyed.length;
  let hasPreviousPage = start > 0;
  if (args.first != null && slice.length > args.first) {
    slice = slice.slice(0, args.first);
    hasNextPage = true;
  }
  if (args.last != null && slice.length > args.last) {
    slice = slice.slice(slice.length - args.last);
    hasPreviousPage = true;
  }
  return {
    items: slice.map((x) => x.item),
    cursors: slice.map((x) => encodeCursor(x.k)),
    hasNextPage,
    hasPreviousPage,
  };
}
