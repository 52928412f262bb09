/**
 * The checks every uploaded spend sheet (per channel or per campaign) passes before its lines are read: present,
 * not a spreadsheet file, within the size limit, and text. Decisions 152 and 157.
 */
import { SPEND_CSV_MAX_BYTES } from "./insight-types";

/** Lines read from a sheet: a channel or campaign per line needs far fewer. */
export const SPEND_CSV_MAX_LINES = 1000;

export interface SpendFile {
  name: string;
  size: number;
  text(): Promise<string>;
}

/** Spreadsheet files people pick instead of exporting a CSV; named so the message can say what to do. */
const SPREADSHEET_FILE = /\.(xlsx|xlsm|xls|ods|numbers)$/i;

function hasBinaryControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0b && code !== 0x0c && code !== 0x0d) return true;
  }
  return false;
}

/** The sheet's text, or the reason it cannot be one, in the merchant's words. */
export async function readSpendFile(
  file: SpendFile | null,
  per: "channel" | "campaign",
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (!file || file.size === 0) return { ok: false, message: `Choose a CSV file with one ${per} and amount per line.` };
  if (SPREADSHEET_FILE.test(file.name))
    return {
      ok: false,
      message: "This is a spreadsheet file: save it as CSV (File → Save as / Download → CSV) and upload that.",
    };
  if (file.size > SPEND_CSV_MAX_BYTES)
    return {
      ok: false,
      message: `The file is ${Math.ceil(file.size / 1024)} KB; a spend sheet of at most ${SPEND_CSV_MAX_BYTES / 1024} KB is expected.`,
    };
  const text = await file.text();
  // Control characters other than tab and line breaks never occur in a text sheet; images, PDFs and zipped
  // spreadsheets are full of them.
  if (hasBinaryControlCharacter(text)) return { ok: false, message: "This is not a text (CSV) file." };
  return { ok: true, text };
}

export function nothingSavedMessage(badLines: number): string {
  return `Nothing was saved: ${badLines} line${badLines === 1 ? "" : "s"} could not be read.`;
}
