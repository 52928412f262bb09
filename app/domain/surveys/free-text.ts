/**
 * Cleaning of customer free text before it is stored: markup and invisible characters out, whitespace tidied.
 * Stored text is still escaped wherever it is shown; this is so merchants read what the customer typed, and
 * so exports and tags never carry tags, bidi tricks or control bytes.
 */
import { MAX_FREE_TEXT_LENGTH } from "./limits";

/** Raw input above this is rejected before any regex runs over it (a phone's text area never sends this much). */
export const MAX_RAW_FREE_TEXT_LENGTH = MAX_FREE_TEXT_LENGTH * 4;

export type FreeTextResult = { ok: true; text: string } | { ok: false; code: "text-too-long" | "text-empty" };

const SCRIPT_OR_STYLE_BLOCK = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const MARKUP_TAG = /<\/?[a-z!?][^>]*>/gi;
// An unclosed tag at the very end (`<img src=x onerror=…`) is markup too.
const UNCLOSED_TAG_AT_END = /<\/?[a-z!?][^>]*$/i;
// Controls except newline and tab; format characters (bidi overrides, zero-width joiners, BOM); lone surrogates.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

export function cleanFreeText(raw: string): FreeTextResult {
  if (raw.length > MAX_RAW_FREE_TEXT_LENGTH) return { ok: false, code: "text-too-long" };
  const text = raw
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(SCRIPT_OR_STYLE_BLOCK, " ")
    .replace(MARKUP_TAG, " ")
    .replace(UNCLOSED_TAG_AT_END, " ")
    .replace(/\t/g, " ")
    .replace(INVISIBLE, (character) => (character === "\n" ? "\n" : ""))
    .split("\n")
    .map((line) => line.replace(/ {2,}/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (text.length === 0) return { ok: false, code: "text-empty" };
  // Count code points, as the customer sees characters, not UTF-16 units.
  if ([...text].length > MAX_FREE_TEXT_LENGTH) return { ok: false, code: "text-too-long" };
  return { ok: true, text };
}

/** Lower case without diacritics, for searching ("Perché" matches "perche"). */
export function foldForSearch(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}
