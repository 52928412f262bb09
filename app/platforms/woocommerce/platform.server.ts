/**
 * WooCommerce's registry entry: the per-store adapter (guest ids are keyed per store, decision 052), the store's
 * survey secret, and the runtime the composition root builds once: connect flow, sync runner, hourly
 * reconciliation, webhook and embedded-admin dependencies, label writer.
 */
import { logger } from "../../logger.server";
import { SecretBox } from "../../security/secret-box.server";
import type { PlatformDefinition, PlatformRuntime, StorePlatform } from "../platform";
import { WooConnectService } from "./connect.server";
import { adminContextForWoo, EmbedNonces, wooSessionCookie, type WooEmbedDeps } from "./embed-session.server";
import { createWooLabelWriterFactory } from "./label-writer.server";
import { WooReconcileSchedule } from "./reconcile-schedule.server";
import { wooGuestKey } from "./store-keys.server";
import { WooSyncRunner } from "./sync-runner.server";
import type { WooWebhookDeps } from "./webhook-handler.server";
import { createWooPlatform, wooLabels } from "./woo-platform";

export interface WooRuntime extends PlatformRuntime {
  connect: WooConnectService;
  sync: WooSyncRunner;
  schedule: WooReconcileSchedule;
  webhook: WooWebhookDeps;
  embed: WooEmbedDeps;
}

const adapters = new Map<string, StorePlatform>();

export const woocommerce: PlatformDefinition<undefined, WooRuntime> = {
  name: "woocommerce",
  orderSource: "created-via",
  ...wooLabels,
  forStore(store, { encryptionKey }) {
    let platform = adapters.get(store.id);
    if (!platform) {
      platform = createWooPlatform({ guestKey: wooGuestKey(encryptionKey, store.id) });
      if (adapters.size > 10_000) adapters.clear();
      adapters.set(store.id, platform);
    }
    return platform;
  },
  // The plugin's embed secret also signs the store's hosted-survey links (stored sealed; older rows in clear).
  surveySecret(store, { encryptionKey }) {
    if (!store.embedSecret) return null;
    return SecretBox.isSealed(store.embedSecret)
      ? new SecretBox(encryptionKey).open(store.embedSecret)
      : store.embedSecret;
  },
  createRuntime(deps) {
    const { db, encryptionKey, appUrl } = deps;
    const box = new SecretBox(encryptionKey);
    const clientTuning = { allowPrivateAddresses: deps.allowPrivateAddresses };
    const sync = new WooSyncRunner({
      db,
      box,
      encryptionKey,
      appUrl,
      clientTuning,
      // A finished full sync completes the history: the first moment segments mean something (as for Shopify).
      onCompleted: (run) => deps.onHistoryImported(run),
    });
    const connect = new WooConnectService({
      db,
      box,
      encryptionKey,
      appUrl,
      clientTuning,
      onConnected: (store, firstTime) => {
        // Not awaited: WooCommerce waits on the key-exchange callback.
        void sync.run(store.id, firstTime ? "install" : "reconcile", { customers: true }).catch((error: unknown) => {
          logger.error("woo backfill failed to start", { store: store.domain, error: String(error) });
        });
      },
    });
    const schedule = new WooReconcileSchedule(db, sync);
    const embed: WooEmbedDeps = { db, box, nonces: new EmbedNonces(db), cookie: wooSessionCookie(encryptionKey) };
    return {
      connect,
      sync,
      schedule,
      webhook: { db, box, inbox: deps.inbox },
      embed,
      adminContext: (request) => adminContextForWoo(request, embed),
      labelWriters: createWooLabelWriterFactory({ db, bulk: deps.bulk, box }),
      async start() {
        schedule.start();
        // Not awaited: a resumed sync can take minutes.
        void sync
          .resumeAll()
          .catch((error: unknown) => logger.error("woo syncs not resumed", { error: String(error) }));
      },
      stop() {
        schedule.stop();
      },
    };
  },
};
