/** Starts bench:soak's Shopify process (./shopify-child.ts) and talks to it over IPC. */
import { fork, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { DeliveryReport, SoakReply, SoakRequest, SoakSetUp, SoakTraffic, TruthOrder } from "./protocol";

export interface SoakShopify {
  baseUrl: string;
  accessToken: string;
  traffic(options: SoakTraffic): Promise<number>;
  /** Waits until every delivery (retries included) has finished; returns what happened to each. */
  drain(): Promise<DeliveryReport[]>;
  truth(): Promise<TruthOrder[]>;
  tags(prefix: string): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

export async function startSoakShopify(options: SoakSetUp): Promise<SoakShopify> {
  // The child inherits this process's execArgv, so tsx's loader runs the TypeScript entry too.
  const child: ChildProcess = fork(fileURLToPath(new URL("./shopify-child.ts", import.meta.url)), {
    stdio: "inherit",
  });
  // Shopify runs on its own machines: here it shares two cores with the app, so it yields the CPU to the app
  // rather than inflate the app's latency with its own work (applying bulk mutations, generating activity).
  try {
    if (child.pid) setPriority(child.pid, 10);
  } catch {
    // not permitted: both at normal priority
  }
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.on("message", (reply: SoakReply) => {
    if (reply.id === 0) return ready();
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error) w?.reject(new Error(`soak shopify process: ${reply.error}`));
    else w?.resolve(reply.result);
  });
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`soak shopify process exited (${code})`));
    waiting.clear();
  });
  const call = <T>(request: SoakRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });
  await started;
  const shop = await call<{ baseUrl: string; accessToken: string }>({ type: "setUp", options });
  return {
    ...shop,
    traffic: (o) => call<number>({ type: "traffic", options: o }),
    drain: () => call<DeliveryReport[]>({ type: "drain" }),
    truth: () => call<TruthOrder[]>({ type: "truth" }),
    tags: (prefix) => call<Record<string, string[]>>({ type: "tags", prefix }),
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await call<void>({ type: "close" }).catch(() => undefined);
      await exited;
    },
  };
}
