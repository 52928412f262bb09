/**
 * Builds the JSONL variable files of a bulk push: one file per write kind (tagsRemove, tagsAdd, metafieldsSet),
 * each line the variables of one call of the same document the direct path sends, and remembers which change
 * each line belongs to so the result file (keyed by `__lineNumber`) maps back to customers.
 */
import { YIELD_EVERY, yieldToRequests } from "../../../jobs/yield-to-requests";
import { customerGid } from "./customer-id";
import { CUSTOMER_METAFIELDS_SET, CUSTOMER_TAGS_ADD, CUSTOMER_TAGS_REMOVE } from "./documents";
import type { CustomerLabelChange } from "./types";

export type BulkWriteKind = "tagsRemove" | "tagsAdd" | "metafieldsSet";

export const BULK_DOCUMENTS: Record<BulkWriteKind, string> = {
  tagsRemove: CUSTOMER_TAGS_REMOVE,
  tagsAdd: CUSTOMER_TAGS_ADD,
  metafieldsSet: CUSTOMER_METAFIELDS_SET,
};

export interface BulkVariablesFile {
  kind: BulkWriteKind;
  /**
   * The JSONL (one line per call) as UTF-8 bytes, in slices of a few hundred lines: a 25,000-change file is ~8 MB,
   * and joining or encoding it in one piece held the request thread for 100–300 ms.
   */
  jsonl: Uint8Array[];
  /** Index into the change list, per line. */
  changeOfLine: number[];
}

const PER_METAFIELDS_CALL = 25;

/**
 * Files for the changes that have work of that kind (kinds without lines are left out). Builds them a thousand
 * changes at a time, letting requests in between (it runs on the request thread).
 */
export async function buildBulkVariables(
  changes: readonly CustomerLabelChange[],
  metafieldNamespace: string,
): Promise<BulkVariablesFile[]> {
  const lines: Record<BulkWriteKind, string[]> = { tagsRemove: [], tagsAdd: [], metafieldsSet: [] };
  const owners: Record<BulkWriteKind, number[]> = { tagsRemove: [], tagsAdd: [], metafieldsSet: [] };
  for (let index = 0; index < changes.length; index++) {
    if (index > 0 && index % YIELD_EVERY === 0) await yieldToRequests();
    const change = changes[index]!;
    const id = customerGid(change.customerExternalId);
    if (!id) continue;
    const push = (kind: BulkWriteKind, variables: unknown) => {
      lines[kind].push(JSON.stringify(variables));
      owners[kind].push(index);
    };
    if (change.remove.length > 0) push("tagsRemove", { id, tags: change.remove });
    if (change.add.length > 0) push("tagsAdd", { id, tags: change.add });
    const metafields = change.metafields ?? [];
    for (let i = 0; i < metafields.length; i += PER_METAFIELDS_CALL)
      push("metafieldsSet", {
        metafields: metafields.slice(i, i + PER_METAFIELDS_CALL).map((m) => ({
          ownerId: id,
          namespace: metafieldNamespace,
          key: m.key,
          type: m.type,
          value: m.value,
        })),
      });
  }
  const files: BulkVariablesFile[] = [];
  for (const kind of Object.keys(lines) as BulkWriteKind[]) {
    if (lines[kind].length === 0) continue;
    files.push({ kind, jsonl: await encodeInSlices(lines[kind]), changeOfLine: owners[kind] });
  }
  return files;
}

const utf8 = new TextEncoder();

/** Lines as UTF-8, each ending in a newline, YIELD_EVERY lines a slice with a turn for requests in between. */
async function encodeInSlices(lines: readonly string[]): Promise<Uint8Array[]> {
  const slices: Uint8Array[] = [];
  for (let i = 0; i < lines.length; i += YIELD_EVERY) {
    if (i > 0) await yieldToRequests();
    slices.push(utf8.encode(`${lines.slice(i, i + YIELD_EVERY).join("\n")}\n`));
  }
  return slices;
}
