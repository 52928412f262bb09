/**
 * "Who are my top 100 customers?": the N customers with the highest predicted value (the model's CLV) or
 * historic value (net spend to date), in a stable order so the list and its CSV do not reshuffle between runs:
 * value descending, then the other value descending, then customer id ascending (plain code-unit order, not
 * the locale's, so every server sorts alike). Customers whose chosen value is not a finite number (no
 * prediction for them) are left out rather than ranked as zero.
 * Selection keeps an N-entry heap, so a million customers cost n log N comparisons and no full sort.
 */
import { toCsv, type CsvCell } from "../surveys/csv";

export type TopCustomerBasis = "predicted" | "historic";

export interface TopCustomerInput {
  ids: readonly string[];
  predictedValue?: ArrayLike<number>;
  historicValue: ArrayLike<number>;
  orders?: ArrayLike<number>;
  /** Display labels, aligned with ids (null: none). */
  names?: readonly (string | null)[];
  segments?: readonly (string | null)[];
  stages?: readonly (string | null)[];
}

export interface TopCustomerRow {
  rank: number;
  /** Index into the input columns. */
  index: number;
  id: string;
  predictedValue: number | null;
  historicValue: number;
}

function finite(values: ArrayLike<number> | undefined, i: number): number | null {
  const v = values ? values[i] : undefined;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function topCustomers(
  input: TopCustomerInput,
  basis: TopCustomerBasis = "predicted",
  limit = 100,
): TopCustomerRow[] {
  const N = Math.max(0, Math.floor(limit));
  const primary = basis === "predicted" ? input.predictedValue : input.historicValue;
  const secondary = basis === "predicted" ? input.historicValue : input.predictedValue;
  if (!primary || N === 0) return [];
  const n = input.ids.length;
  const key = (i: number) => finite(primary, i)!;
  const tie = (i: number) => finite(secondary, i) ?? -Infinity;
  /** True when i ranks below j. */
  const below = (i: number, j: number) => {
    const a = key(i);
    const b = key(j);
    if (a !== b) return a < b;
    const ta = tie(i);
    const tb = tie(j);
    if (ta !== tb) return ta < tb;
    return input.ids[i]! > input.ids[j]!;
  };
  // Min-heap on rank: the root is the weakest of the current top N.
  const heap: number[] = [];
  const siftUp = (at: number) => {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!below(heap[at]!, heap[parent]!)) return;
      [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
      at = parent;
    }
  };
  const siftDown = () => {
    for (let at = 0; ;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < heap.length && below(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && below(heap[r]!, heap[m]!)) m = r;
      if (m === at) return;
      [heap[at], heap[m]] = [heap[m]!, heap[at]!];
      at = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (finite(primary, i) === null) continue;
    if (heap.length < N) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (below(heap[0]!, i)) {
      heap[0] = i;
      siftDown();
    }
  }
  heap.sort((i, j) => (below(i, j) ? 1 : below(j, i) ? -1 : 0));
  return heap.map((index, k) => ({
    rank: k + 1,
    index,
    id: input.ids[index]!,
    predictedValue: finite(input.predictedValue, index),
    historicValue: finite(input.historicValue, index) ?? 0,
  }));
}

export const TOP_CUSTOMERS_CSV_HEADER = [
  "rank",
  "customer_id",
  "name",
  "predicted_value",
  "historic_value",
  "orders",
  "segment",
  "stage",
] as const;

/** The ranked rows as CSV (the shared formula-safe writer); money rounded to cents. */
export function topCustomersCsv(rows: readonly TopCustomerRow[], input: TopCustomerInput): string {
  const money = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return toCsv(
    TOP_CUSTOMERS_CSV_HEADER,
    rows.map((row): CsvCell[] => [
      row.rank,
      row.id,
      input.names?.[row.index] ?? null,
      money(row.predictedValue),
      money(row.historicValue),
      finite(input.orders, row.index),
      input.segments?.[row.index] ?? null,
      input.stages?.[row.index] ?? null,
    ]),
  );
}
