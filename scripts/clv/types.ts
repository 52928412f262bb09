/** Shapes shared by the CLV command line's readers, writers and report. */
import type { CustomerSummaryTable } from "../../app/domain/clv/summary";

/** A mistake in how the command was called or in the input file's layout (exit code 2 or 1, no stack trace). */
export class UsageError extends Error {}

export interface BadRow {
  line: number;
  reason: string;
}

/**
 * Customer ids, in row order. A million ids as a million strings cost more than parsing all the numbers (each
 * one a decode call and an allocation, then an encode on the way out), so ids read from a plain ASCII line stay
 * byte ranges of the input and are copied to the output as bytes; `get` makes a string only when one is needed
 * (the top-20 table, JSON output to stdout).
 */
export interface IdColumn {
  readonly length: number;
  get(i: number): string;
  /**
   * Bytes of id i are `source[start[i] .. end[i])`, plain ASCII without quotes or line breaks; where start[i] is
   * -1 the id is only available through `get` (it needed decoding).
   */
  readonly raw: { source: Uint8Array; start: Int32Array; end: Int32Array } | null;
}

/** Ids that already are strings (the transaction reader's). */
export function stringIds(ids: readonly string[]): IdColumn {
  return { length: ids.length, get: (i) => ids[i]!, raw: null };
}

/** The customers to fit and score, as columns, whichever input file they came from. */
export interface CustomerTable {
  /** Summary with days, for the data-sufficiency check, and the reference day it is relative to. */
  sufficiencyInput: { summary: CustomerSummaryTable; referenceDay: number };
  ids: IdColumn;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  spendDays: Float64Array;
}
