/**
 * The WooCommerce parts of the running app, built once on top of `services()`: connect flow, sync runner,
 * hourly reconciliation, webhook and embed dependencies. Routes under /woo and /webhooks/woo use this.
 */
import { config } from "../../config.server";
import { logger } from "../../logger.server";
import { SecretBox } from "../../security/secret-box.server";
import { services } from "../../services.server";
import { WooConnectService } from "./connect.server";
import { EmbedNonces, wooSessionCookie, type WooEmbedDeps } from "./embed-session.server";
import { WooReconcileSchedule } from "./reconcile-schedule.server";
import { WooSyncRunner } from "./sync-runner.server";
import type { WooWebhookDeps } from "./webhook-handler.server";

export interface WooServices {
  connect: WooConnectService;
  sync: WooSyncRunner;
  schedule: WooReconcileSchedule;
  webhook: WooWebhookDeps;
  embed: WooEmbedDeps;
}

let instance: WooServices | null = null;

export function wooServices(): WooServices {
  if (instance) return instance;
  const cfg = config();
  const core = services();
  const box = new SecretBox(cfg.encryptionKey);
  const sync = new WooSyncRunner({
    db: core.db,
    box,
    encryptionKey: cfg.encryptionKey,
    appUrl: cfg.appUrl,
    // A finished full sync completes the history: the first moment segments mean something (as for Shopify).
    onCompleted: (run) => void core.jobs.onHistoryImported(run),
  });
  const connect = new WooConnectService({
    db: core.db,
    box,
    encryptionKey: cfg.encryptionKey,
    appUrl: cfg.appUrl,
    onConnected: (store, firstTime) => {
      // Not awaited: WooCommerce waits on the key-exchange callback.
      void sync.run(store.id, firstTime ? "install" : "reconcile", { customers: true }).catch((error: unknown) => {
        logger.error("woo backfill failed to start", { store: store.domain, error: String(error) });
      });
    },
  });
  const schedule = new WooReconcileSchedule(core.db, sync);
  if (cfg.inProcessWorkers) {
    schedule.start();
    void core.ready.then(() => sync.resumeAll()).catch(() => {});
  }
  instance = {
    connect,
    sync,
    schedule,
    webhook: { db: core.db, box, inbox: core.inbox },
    embed: { db: core.db, box, nonces: new EmbedNonces(), cookie: wooSessionCookie(cfg.encryptionKey) },
  };
  return instance;
}
