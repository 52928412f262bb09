/**
 * One copy of each distinct text read from the database: a million rows that share a handful of values (Shopify
 * group names, tag lists) then hold a handful of strings, not a million. Null and undefined stay null. Past `limit`
 * distinct texts a new one is returned as it is, so rows that all differ cost no more than without it.
 */
export function interner(limit = Number.POSITIVE_INFINITY): (value: unknown) => string | null {
  const seen = new Map<string, string>();
  return (value) => {
    if (value === null || value === undefined) return null;
    const key = String(value);
    const known = seen.get(key);
    if (known !== undefined) return known;
    if (seen.size < limit) seen.set(key, key);
    return key;
  };
}
