/** Shapes shared by the CLV command line's readers, writers and report. */
import type { CustomerSummaryTable } from "../../app/domain/clv/summary";

/** A mistake in how the command was called or in the input file's layout (exit code 2 or 1, no stack trace). */
export class UsageError extends Error {}

export interface BadRow {
  line: number;
  reason: string;
}

/** The customers to fit and score, as columns, whichever input file they came from. */
export interface CustomerTable {
  /** Summary with days, for the data-sufficiency check, and the reference day it is relative to. */
  sufficiencyInput: { summary: CustomerSummaryTable; referenceDay: number };
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  spendDays: Float64Array;
}
