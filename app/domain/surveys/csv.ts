/**
 * CSV export of survey responses. RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted,
 * quotes doubled. Formula-injection safe: a text cell starting with = + - @ (or tab / CR, which some
 * spreadsheets skip before looking) gets a leading apostrophe, so Excel and Sheets show it as text instead of
 * running it. Numbers are written as numbers and never prefixed.
 */
import type { SurveyResponseRecord } from "./responses";

export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export const RESPONSE_CSV_HEADER = [
  "answered_at",
  "target",
  "order_id",
  "customer_id",
  "question_set",
  "question_id",
  "answer_id",
  "score",
  "text",
  "segment",
  "lifecycle_stage",
] as const;

export function responsesToCsv(responses: readonly SurveyResponseRecord[]): string {
  return toCsv(
    RESPONSE_CSV_HEADER,
    responses.map((r) => [
      r.answeredAt.toISOString(),
      r.target,
      r.orderId,
      r.customerId,
      r.questionSet,
      r.questionId,
      r.answerId,
      r.score,
      r.text,
      r.segment,
      r.stage,
    ]),
  );
}
