/**
 * Reads a bulk mutation's result JSONL: one line per input line, `{"data":{"tagsAdd":{...}},"__lineNumber":n}`,
 * in no promised order, with a top-level `errors` array when that line failed at the GraphQL level.
 * Streams the file line by line so a million-line result never sits in memory as one string.
 */
import { outcomeOf, type ShopifyUserError, type WriteOutcome } from "./user-errors";
import type { BulkWriteKind } from "./bulk-variables";

export interface BulkLineOutcome {
  lineNumber: number;
  outcome: WriteOutcome;
}

interface ResultLine {
  __lineNumber?: number;
  data?: Partial<Record<BulkWriteKind, { userErrors?: ShopifyUserError[] } | null>> | null;
  errors?: { message: string }[];
}

export function parseResultLine(text: string, kind: BulkWriteKind): BulkLineOutcome | null {
  let line: ResultLine;
  try {
    line = JSON.parse(text) as ResultLine;
  } catch {
    return null;
  }
  if (typeof line.__lineNumber !== "number") return null;
  const payload = line.data?.[kind];
  if (line.errors?.length && !payload)
    return {
      lineNumber: line.__lineNumber,
      outcome: { status: "user_error", reason: `${kind}: ${line.errors.map((e) => e.message).join("; ")}` },
    };
  return { lineNumber: line.__lineNumber, outcome: outcomeOf(payload?.userErrors) };
}

/** Yields the text lines of a fetch Response body. */
export async function* responseLines(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim() !== "") yield line;
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== "") yield rest;
}
