/**
 * CSV downloads streamed page by page, so exporting a million customers never holds them all in memory.
 * Cells go through the survey domain's csvCell: RFC 4180 quoting, and text that a spreadsheet would run as a
 * formula (= + - @) is prefixed with an apostrophe.
 */
import { csvCell, type CsvCell } from "../domain/surveys/csv";

/** Produces the rows in pages; return an empty page to finish. */
export type PageReader<C> = (cursor: C | null) => Promise<{ rows: CsvCell[][]; next: C | null }>;

export function csvStream<C>(header: readonly string[], readPage: PageReader<C>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = (cells: readonly CsvCell[]) => cells.map(csvCell).join(",") + "\r\n";
  let cursor: C | null = null;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // A byte-order mark so Excel reads UTF-8 names correctly.
        controller.enqueue(encoder.encode("\uFEFF" + line(header)));
        return;
      }
      if (done) return controller.close();
      const page = await readPage(cursor);
      if (page.rows.length > 0) controller.enqueue(encoder.encode(page.rows.map(line).join("")));
      cursor = page.next;
      if (page.next === null) done = true;
    },
  });
}

export function csvResponse(stream: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
