/**
 * Starts the Shopify simulator in a child process for a benchmark (see ./child.ts for why) and talks to it.
 *
 *   const shopify = await startShopifyProcess({ domain, plan: "standard", customers: 1000, firstCustomerId: 1 });
 *   const graphql = simulatorAdminGraphql(shopify.graphqlUrl, shopify.accessToken);
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildReply, ChildRequest, ShopifyProcessOptions, ShopifyProcessStats } from "./protocol";

export type { ShopifyProcessStats } from "./protocol";

export interface ShopifyProcess {
  /** Called with the operation gid when the shop sends bulk_operations/finish. */
  onBulkFinished: (operationGid: string) => void;
  graphqlUrl: string;
  accessToken: string;
  resetStats(): Promise<void>;
  stats(): Promise<ShopifyProcessStats>;
  close(): Promise<void>;
}

export async function startShopifyProcess(options: ShopifyProcessOptions): Promise<ShopifyProcess> {
  // The child inherits this process's execArgv, so tsx's loader runs the TypeScript entry too.
  const child: ChildProcess = fork(fileURLToPath(new URL("./child.ts", import.meta.url)), { stdio: "inherit" });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.on("message", (reply: ChildReply) => {
    if (reply.id === 0) return ready();
    if (reply.id === -1) return shopify.onBulkFinished(String(reply.result));
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error) w?.reject(new Error(`shopify simulator process: ${reply.error}`));
    else w?.resolve(reply.result);
  });
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`shopify simulator process exited (${code})`));
    waiting.clear();
  });
  const call = <T>(request: ChildRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });
  await started;
  const shop = await call<{ graphqlUrl: string; accessToken: string }>({ type: "setUp", options });
  const shopify: ShopifyProcess = {
    onBulkFinished: () => undefined,
    ...shop,
    resetStats: () => call<void>({ type: "resetStats" }),
    stats: () => call<ShopifyProcessStats>({ type: "stats" }),
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await call<void>({ type: "close" }).catch(() => undefined);
      await exited;
    },
  };
  return shopify;
}
