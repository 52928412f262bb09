/**
 * Shopify's registry entry: the shared adapter, and the runtime the composition root builds once: backfill
 * (bulk operations), installs, hourly reconciliation, bulk-operation signals, label writer.
 */
import { logger } from "../../logger.server";
import { ReconcileSchedule } from "../../sync/reconcile-schedule.server";
import type { PlatformDefinition, PlatformRuntime } from "../platform";
import type { AdminGraphql } from "./admin-graphql.server";
import { BackfillService } from "./backfill.server";
import { BulkOperationSignals } from "./bulk-operation-signals";
import { InstallService } from "./install.server";
import { createShopifyLabelWriterFactory } from "./label-writer.server";
import { ShopifyReconciler } from "./reconcile.server";
import { shopifyPlatform, shopifyLabels } from "./shopify-platform";

export interface ShopifyRuntimeOptions {
  /** Admin GraphQL for background work on a shop (throttle-aware, valid across token expiries). */
  adminFor: (shop: string) => Promise<AdminGraphql>;
  /** How often a backfill polls its bulk operation when no webhook arrives. */
  pollIntervalMs?: number;
}

export interface ShopifyRuntime extends PlatformRuntime {
  /** Wakes tag pushes waiting on a bulk operation (fed by the webhook route and the processor). */
  bulkFinished: BulkOperationSignals;
  backfill: BackfillService;
  installs: InstallService;
  /** Hourly reconciliation through the shared ReconcileSchedule. */
  reconcile: ReconcileSchedule;
}

export const shopify: PlatformDefinition<ShopifyRuntimeOptions, ShopifyRuntime> = {
  name: "shopify",
  orderSource: "source-name",
  ...shopifyLabels,
  forStore: () => shopifyPlatform,
  surveySecret: () => null,
  createRuntime(deps, options) {
    const { db } = deps;
    const { adminFor } = options;
    const bulkFinished = new BulkOperationSignals();
    const backfill = new BackfillService(db, {
      adminFor,
      pollIntervalMs: options.pollIntervalMs,
      // A finished full history import is the first moment segments mean something.
      onCompleted: (run) => deps.onHistoryImported(run),
    });
    const installs = new InstallService(db, backfill, adminFor, deps.inbox);
    const reconcile = new ReconcileSchedule(db, new ShopifyReconciler(db, { adminFor, backfill }));
    return {
      bulkFinished,
      backfill,
      installs,
      reconcile,
      labelWriters: createShopifyLabelWriterFactory({ adminFor, bulkFinished }),
      onBulkOperationFinished(storeId, operationId) {
        bulkFinished.finished(operationId);
        backfill.onOperationFinished(storeId, operationId);
      },
      async start() {
        reconcile.start();
        const resumed = await backfill.resumeAll();
        if (resumed) logger.info("resumed backfills", { count: resumed });
        backfill.watchLeases();
      },
      stop() {
        reconcile.stop();
        backfill.stop();
      },
    };
  },
};
