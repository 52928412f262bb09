/**
 * Rows handed to the bulk writer as columns: how the nightly gives it its large writes (a score row and an insight
 * row per customer, an outbox page per thousand changes). A chunk's numbers are typed arrays and the values every
 * row shares are given once, so no array per row and no boxed number per value is built, kept for a while and
 * collected: the SQLite writer binds straight from the columns, PostgreSQL's encodes its binary COPY from them
 * (docs/decisions/170-nightly-writes-as-columns.md).
 */
import type { ColumnType } from "./bulk-writer.server";

/**
 * One column of a chunk: the same value in every row; numbers (NaN — or any value that is not finite — for null; a
 * timestamp as epoch milliseconds, a bool as 0 or 1); or texts.
 */
export type ColumnValues = { constant: unknown } | Float64Array | readonly (string | null)[];

export interface ColumnChunk {
  length: number;
  /** In the order of the write's columns. */
  columns: ColumnValues[];
}

/**
 * A reader of one column, row by row, in the values a row-taking writer expects: null for NaN, a Date for a
 * timestamp, a boolean for a bool.
 */
function columnReader(values: ColumnValues, type: ColumnType): (row: number) => unknown {
  if (values instanceof Float64Array) {
    if (type === "timestamp") return (r) => (Number.isFinite(values[r]!) ? new Date(values[r]!) : null);
    if (type === "bool") return (r) => (Number.isFinite(values[r]!) ? values[r] !== 0 : null);
    return (r) => (Number.isFinite(values[r]!) ? values[r]! : null);
  }
  if ("constant" in values) return () => values.constant;
  return (r) => values[r] ?? null;
}

/** The chunk as row arrays (for writers that take rows). */
export function chunkRows(chunk: ColumnChunk, types: readonly ColumnType[]): unknown[][] {
  const readers = chunk.columns.map((values, k) => columnReader(values, types[k]!));
  const rows: unknown[][] = new Array(chunk.length);
  for (let r = 0; r < chunk.length; r++) rows[r] = readers.map((read) => read(r));
  return rows;
}
