/**
 * Shopify's search syntax for the `query:` argument (shopify.dev/docs/api/usage/search-syntax), the subset the
 * simulator's connections need: `field:value`, comparators `:<`, `:<=`, `:>`, `:>=`, quoted values, implicit and
 * explicit AND, `OR` between groups (AND binds tighter), and `-field:value` negation. Unknown fields are ignored
 * with a warning, as Shopify does.
 */

export type Comparator = "=" | "<" | "<=" | ">" | ">=";

export interface SearchTerm {
  field: string;
  comparator: Comparator;
  value: string;
  negated: boolean;
}

export interface ParsedSearch {
  terms: SearchTerm[];
  /** Free-text words (not supported: they are ignored with a warning). */
  words: string[];
}

export function parseSearch(query: string | null | undefined): ParsedSearch {
  const terms: SearchTerm[] = [];
  const words: string[] = [];
  const text = (query ?? "").trim();
  const re = /(-)?([A-Za-z_.]+):(<=|>=|<|>)?(?:'([^']*)'|"([^"]*)"|(\S+))|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[7] !== undefined) {
      if (m[7] !== "AND") words.push(m[7]);
      continue;
    }
    terms.push({
      negated: m[1] === "-",
      field: (m[2] as string).toLowerCase(),
      comparator: (m[3] as Comparator | undefined) ?? "=",
      value: m[4] ?? m[5] ?? (m[6] as string),
    });
  }
  return { terms, words };
}

export type FieldValue = string | number | boolean | Date | null;

function compare(actual: FieldValue, term: SearchTerm): boolean {
  if (actual === null) return false;
  let a: number | string;
  let b: number | string;
  if (actual instanceof Date) {
    a = actual.getTime();
    b = Date.parse(term.value);
    if (Number.isNaN(b)) return false;
  } else if (typeof actual === "number") {
    a = actual;
    b = Number(term.value);
  } else if (typeof actual === "boolean") {
    a = String(actual);
    b = term.value.toLowerCase();
  } else {
    a = actual.toLowerCase();
    b = term.value.toLowerCase();
  }
  switch (term.comparator) {
    case "=":
      return a === b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

export interface SearchWarning {
  field: string;
  message: string;
}

/** Builds a predicate over items; `fieldsOf` maps a search field name to the item's value (undefined = unknown field). */
export function searchPredicate<T>(
  query: string | null | undefined,
  fieldValue: (item: T, field: string) => FieldValue | FieldValue[] | undefined,
  knownFields: readonly string[],
): { test: (item: T) => boolean; warnings: SearchWarning[] } {
  const groups = (query ?? "").split(/\s+OR\s+/).map((g) => andPredicate(g, fieldValue, knownFields));
  if (groups.length === 1) return groups[0]!;
  return { warnings: groups.flatMap((g) => g.warnings), test: (item) => groups.some((g) => g.test(item)) };
}

function andPredicate<T>(
  query: string | null | undefined,
  fieldValue: (item: T, field: string) => FieldValue | FieldValue[] | undefined,
  knownFields: readonly string[],
): { test: (item: T) => boolean; warnings: SearchWarning[] } {
  const parsed = parseSearch(query);
  const warnings: SearchWarning[] = [];
  const active = parsed.terms.filter((t) => {
    if (knownFields.includes(t.field)) return true;
    warnings.push({ field: t.field, message: "Invalid search field for this query." });
    return false;
  });
  for (const w of parsed.words)
    warnings.push({ field: "default", message: `Free-text search "${w}" is not supported by the simulator.` });
  return {
    warnings,
    test: (item) =>
      active.every((term) => {
        const v = fieldValue(item, term.field);
        const values = Array.isArray(v) ? v : [v ?? null];
        const hit = values.some((x) => compare(x, term));
        return term.negated ? !hit : hit;
      }),
  };
}
