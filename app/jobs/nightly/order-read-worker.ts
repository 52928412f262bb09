/**
 * Worker-thread entry of one slice of the nightly's order read (order-read-thread.server.ts starts it before the
 * slice is known; the slice is its first message): the slice's orders streamed on a connection of this thread's
 * own, through an OrderPass, and the pass's arrays handed back. The thread runs at the recompute's lowered priority
 * (set here too, for a start from a thread at normal priority).
 */
import { once } from "node:events";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { createBulkReader } from "../../db/bulk-reader.server";
import { ORDER_READ_THREAD } from "./order-read-thread.server";
import { OrderPass, passBuffers, type OrderPassOptions, type OrderPassResult } from "./order-pass";

export interface OrderReadInput {
  databaseUrl: string;
  sql: string;
  params: Record<string, unknown>;
  /** The slice's customer ids, in the list's order. */
  ids: string[];
  options: OrderPassOptions;
}

export type OrderReadOutput = { ok: true; pass: OrderPassResult } | { ok: false; error: string };

try {
  setPriority(Number(process.env.CICLO_WORKER_NICE ?? 10));
} catch {
  // not permitted here: run at the priority inherited
}

async function readSlice(input: OrderReadInput): Promise<OrderPassResult> {
  const reader = createBulkReader(input.databaseUrl);
  try {
    const pass = new OrderPass(input.ids, input.options);
    for await (const batch of reader.scan(input.sql, input.params)) pass.add(batch);
    return pass.finish();
  } finally {
    await reader.close();
  }
}

// Started before its slice is known (order-read-thread.server.ts): the slice comes as the first message.
if (parentPort && workerData === ORDER_READ_THREAD) {
  const port = parentPort;
  try {
    const [input] = (await once(port, "message")) as [OrderReadInput];
    const pass = await readSlice(input);
    port.postMessage({ ok: true, pass } satisfies OrderReadOutput, passBuffers(pass));
  } catch (error) {
    port.postMessage({ ok: false, error: String(error) } satisfies OrderReadOutput);
  }
}
