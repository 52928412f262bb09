/**
 * A simulated WooCommerce store connected to a running Ciclo, for the demo (optional):
 *
 *   const woo = await startDemoWooStore({ appUrl: "http://localhost:3000", databaseUrl, encryptionKey });
 *   console.log(woo.embedUrl()); // open to see the store's admin (a fresh 120 s sign-in link each call)
 *   …
 *   await woo.close();
 *
 * It starts the simulator with a small history (registered customers, guests, refunds), then connects it the
 * way a merchant would without the key exchange (whose callback must be https): manual keys posted to
 * `/woo/connect`. Ciclo then registers its webhooks (over plain http, OAuth 1.0a for REST), backfills, and
 * receives live webhooks for the orders `placeOrders` creates. The embed link is signed like the plugin does,
 * with the store's embed secret read from Ciclo's database (the simulator has no plugin to hand it over).
 */
import { createHmac, randomBytes } from "node:crypto";
import { createDb } from "../app/db.server";
import { SecretBox } from "../app/security/secret-box.server";
import { startWooSimulator, type WooSimulator } from "../simulators/woocommerce";

export interface DemoWooOptions {
  /** The running Ciclo, e.g. http://localhost:3000. */
  appUrl: string;
  /** Ciclo's database and encryption key (to read the embed secret for sign-in links). */
  databaseUrl: string;
  encryptionKey: Buffer;
  customers?: number;
  orders?: number;
}

export interface DemoWooStore {
  sim: WooSimulator;
  storeId: string;
  /** A fresh signed link into Ciclo's admin for this store, as the plugin's menu page would frame. */
  embedUrl(): string;
  /** New orders in the store; Ciclo hears of them by webhook. */
  placeOrders(count: number): void;
  close(): Promise<void>;
}

export async function startDemoWooStore(options: DemoWooOptions): Promise<DemoWooStore> {
  const sim = await startWooSimulator({ deliveryDelayMs: 500 });
  sim.store.cicloPluginActive = true;
  const customers = Array.from({ length: options.customers ?? 200 }, (_, i) =>
    sim.store.createCustomer({ email: `shopper${i}@demo.example`, first_name: `Shopper ${i}` }),
  );
  const placeOrders = (count: number) => {
    for (let i = 0; i < count; i++) {
      const guest = Math.random() < 0.15;
      const customer = customers[Math.floor(Math.random() * customers.length)]!;
      const order = sim.store.createOrder({
        customer_id: guest ? 0 : customer.id,
        status: Math.random() < 0.1 ? "processing" : "completed",
        billing: { email: guest ? `guest${i % 40}@demo.example` : customer.email },
        line_items: [{ product_id: Math.random() < 0.5 ? 12 : 13, quantity: 1 + Math.floor(Math.random() * 3) }],
      });
      if (Math.random() < 0.05) sim.store.createRefund(order.id, "5.00", "demo refund");
    }
  };
  placeOrders(options.orders ?? 1000);

  const form = new URLSearchParams({
    intent: "manual",
    storeUrl: sim.httpUrl,
    consumerKey: sim.adminKey.consumerKey,
    consumerSecret: sim.adminKey.consumerSecret,
  });
  const res = await fetch(`${options.appUrl}/woo/connect`, { method: "POST", body: form, redirect: "manual" });
  const location = res.headers.get("location") ?? "";
  const storeId = new URL(location, options.appUrl).searchParams.get("store");
  if (!storeId) {
    await sim.close();
    throw new Error(`Ciclo did not connect the demo WooCommerce store (HTTP ${res.status})`);
  }

  const db = createDb(options.databaseUrl);
  const store = await db.store.findUniqueOrThrow({ where: { id: storeId }, select: { embedSecret: true } });
  await db.$disconnect();
  const embedSecret = new SecretBox(options.encryptionKey).open(store.embedSecret!);

  return {
    sim,
    storeId,
    placeOrders,
    embedUrl() {
      const payload = `e1.${storeId}.1.${Math.floor(Date.now() / 1000) + 120}.${randomBytes(16).toString("hex")}`;
      const token = `${payload}.${createHmac("sha256", embedSecret).update(payload).digest("base64url")}`;
      return `${options.appUrl}/woo/embed?token=${encodeURIComponent(token)}`;
    },
    close: () => sim.close(),
  };
}
