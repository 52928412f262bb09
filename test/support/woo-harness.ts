/**
 * One Ciclo + one simulated WooCommerce store for integration tests: a fresh database (SQLite or PostgreSQL),
 * the simulator, and Ciclo's WooCommerce endpoints (key-exchange callback, webhooks) served over https with the
 * simulator's test certificate, wired the way the app wires them. The inbox is applied by a small processor
 * built from the exported pieces (the shared InboxProcessor is wired by the lead; see the report).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import type { StoreOrder } from "../../app/domain/types";
import { SecretBox } from "../../app/security/secret-box.server";
import { applyStoreEvent } from "../../app/sync/apply-event.server";
import { createInboxWriter, type InboxWriter } from "../../app/sync/inbox-writer.server";
import { writeOrders } from "../../app/sync/order-writer.server";
import { WebhookInbox } from "../../app/sync/webhook-inbox.server";
import { WooConnectService } from "../../app/platforms/woocommerce/connect.server";
import { EmbedNonces, wooSessionCookie, type WooEmbedDeps } from "../../app/platforms/woocommerce/embed-session.server";
import { platformForStore } from "../../app/platforms/registry.server";
import type { WooClientTuning } from "../../app/platforms/woocommerce/store-keys.server";
import { WooSyncRunner } from "../../app/platforms/woocommerce/sync-runner.server";
import { handleWooWebhook } from "../../app/platforms/woocommerce/webhook-handler.server";
import { createTestDatabase, type DbKind, type TestDatabase } from "./databases";
import { startWooSimulator, type WooSimulator } from "../../simulators/woocommerce";

const TLS = new URL("../../simulators/woocommerce/tls/", import.meta.url);

export interface ReceivedWebhook {
  headers: Record<string, string>;
  rawBody: string;
  status: number;
}

export class WooHarness {
  readonly webhooks: ReceivedWebhook[] = [];
  /** While set, the webhook endpoint answers this status without looking (to make WooCommerce disable hooks). */
  webhookOutage: number | null = null;

  private constructor(
    readonly database: TestDatabase,
    readonly sim: WooSimulator,
    readonly box: SecretBox,
    readonly encryptionKey: Buffer,
    readonly appUrl: string,
    readonly inbox: WebhookInbox,
    readonly connect: WooConnectService,
    readonly sync: WooSyncRunner,
    readonly embed: WooEmbedDeps,
    readonly bulk: BulkWriter,
    readonly tuning: WooClientTuning,
    private readonly server: Server,
    private readonly writer: InboxWriter,
  ) {}

  get db() {
    return this.database.db;
  }

  static async create(kind: DbKind, simOptions: Parameters<typeof startWooSimulator>[0] = {}): Promise<WooHarness> {
    const database = await createTestDatabase(kind);
    const sim = await startWooSimulator({ deliveryDelayMs: 20, ...simOptions });
    const encryptionKey = randomBytes(32);
    const box = new SecretBox(encryptionKey);
    const writer = createInboxWriter(database.url);
    const inbox = new WebhookInbox(database.db, writer);
    const tuning: WooClientTuning = { ca: sim.ca, maxRetries: 1, retryBaseMs: 5, allowPrivateAddresses: true };
    let harness: WooHarness | null = null;
    const server = createServer(
      { cert: readFileSync(new URL("cert.pem", TLS)), key: readFileSync(new URL("key.pem", TLS)) },
      (req, res) => void harness!.serve(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const appUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sync = new WooSyncRunner({ db: database.db, box, encryptionKey, appUrl, clientTuning: tuning });
    const connect = new WooConnectService({ db: database.db, box, encryptionKey, appUrl, clientTuning: tuning });
    const embed: WooEmbedDeps = {
      db: database.db,
      box,
      nonces: new EmbedNonces(database.db),
      cookie: wooSessionCookie(encryptionKey),
    };
    const bulk = createBulkWriter(database.db, database.url);
    harness = new WooHarness(
      database,
      sim,
      box,
      encryptionKey,
      appUrl,
      inbox,
      connect,
      sync,
      embed,
      bulk,
      tuning,
      server,
      writer,
    );
    return harness;
  }

  /** Connects the simulator's store through the key exchange, as a merchant would; returns the store id. */
  async connectByKeyExchange(storeUrl = this.sim.httpUrl): Promise<string> {
    const res = await fetch(this.connect.authorizeUrl(storeUrl), { redirect: "manual" });
    const back = new URL(res.headers.get("location") ?? "about:blank");
    const outcome = await this.connect.returnOutcome(back.searchParams);
    if (!outcome.ok) throw new Error(outcome.reason);
    await this.sim.dispatcher.idle();
    return outcome.storeId;
  }

  /** Applies pending inbox receipts the way InboxProcessor does, with the per-store WooCommerce platform. */
  async applyInbox(): Promise<{ processed: number; failed: string[] }> {
    const receipts = await this.db.webhookReceipt.findMany({
      where: { status: "pending" },
      orderBy: { receivedAt: "asc" },
      include: { store: true },
    });
    const failed: string[] = [];
    for (const receipt of receipts) {
      const platform = platformForStore(receipt.store, this.encryptionKey);
      const event = platform.mapWebhook(receipt.topic, JSON.parse(receipt.payload ?? "null"));
      let status = "processed";
      if (event.kind === "invalid") {
        failed.push(event.reason);
        status = "failed";
      } else if (event.kind === "order.upsert") {
        await writeOrders(this.db, receipt.storeId, [event.order as StoreOrder]);
      } else {
        await applyStoreEvent({ db: this.db, storeId: receipt.storeId, shopDomain: receipt.store.domain }, event);
      }
      await this.db.webhookReceipt.update({ where: { id: receipt.id }, data: { status, payload: null } });
    }
    return { processed: receipts.length, failed };
  }

  /** Replays a received webhook request to our endpoint, optionally altered. */
  async post(path: string, rawBody: string, headers: Record<string, string>): Promise<number> {
    const res = await this.handle(new Request(`${this.appUrl}${path}`, { method: "POST", headers, body: rawBody }));
    return res.status;
  }

  async close(): Promise<void> {
    await this.sim.dispatcher.idle();
    await this.sim.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.bulk.close();
    this.writer.close();
    await this.database.drop();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
    const request = new Request(`${this.appUrl}${req.url ?? "/"}`, {
      method: req.method ?? "GET",
      headers,
      ...(req.method === "POST" ? { body: rawBody } : {}),
    });
    let response: Response;
    if (req.url?.startsWith("/webhooks/woo/") && this.webhookOutage !== null) {
      response = new Response(null, { status: this.webhookOutage });
    } else {
      response = await this.handle(request);
    }
    if (req.url?.startsWith("/webhooks/woo/")) this.webhooks.push({ headers, rawBody, status: response.status });
    res.writeHead(response.status, { "content-type": "text/plain" });
    res.end(await response.text());
  }

  private async handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/woo/callback") {
      const outcome = await this.connect.handleCallback(await request.text());
      return new Response(outcome.message, { status: outcome.status });
    }
    const hook = /^\/webhooks\/woo\/([^/]+)$/.exec(path);
    if (hook)
      return handleWooWebhook(request, decodeURIComponent(hook[1]!), { db: this.db, box: this.box, inbox: this.inbox });
    return new Response("not found", { status: 404 });
  }
}
