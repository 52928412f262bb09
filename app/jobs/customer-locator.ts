/**
 * Position of a customer id in the table's ids (customer id order, as the queries stream them): a look a few
 * rows ahead, then a binary search, then a map built on first need (a collation that orders ids differently).
 */
export function customerLocator(ids: readonly string[]) {
  let current = -1;
  let map: Map<string, number> | null = null;
  return (id: string): number => {
    if (current >= 0 && ids[current] === id) return current;
    for (let k = current + 1; k < Math.min(ids.length, current + 16); k++) {
      if (ids[k] === id) return (current = k);
    }
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return (current = mid);
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    if (!map) {
      map = new Map();
      for (let i = 0; i < ids.length; i++) map.set(ids[i]!, i);
    }
    const found = map.get(id);
    if (found === undefined) return -1;
    return (current = found);
  };
}
