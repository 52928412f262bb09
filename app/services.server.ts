/**
 * The process's long-lived parts, created once: database, webhook inbox + processor, backfill, and the jobs
 * (nightly recompute, tag push) with their queue — SQLite in-process, or pg-boss on PostgreSQL.
 * Routes and jobs get them from here; tests build their own with createServices().
 */
import { config } from "./config.server";
import { createDb, isPostgresUrl, tuneDb, type Db } from "./db.server";
import { createBulkWriter } from "./db/bulk-writer.server";
import { startCheckpointer } from "./db/sqlite-checkpointer.server";
import { LifecycleJobs } from "./jobs/lifecycle-jobs.server";
import type { JobQueue } from "./jobs/queue/job-queue";
import { PgBossJobQueue } from "./jobs/queue/pgboss-queue.server";
import { SqliteJobQueue } from "./jobs/queue/sqlite-queue.server";
import { createShopifyLabelWriterFactory } from "./platforms/shopify/label-writer.server";
import { BulkOperationSignals } from "./platforms/shopify/bulk-operation-signals";
import type { Platform } from "./domain/types";
import { SecretBox } from "./security/secret-box.server";
import { createWooLabelWriterFactory } from "./platforms/woocommerce/label-writer.server";
import { platformForStore } from "./platforms/woocommerce/platform-for-store.server";
import { logger } from "./logger.server";
import { withThrottleRetry, type AdminGraphql } from "./platforms/shopify/admin-graphql.server";
import { BackfillService } from "./platforms/shopify/backfill.server";
import { InboxProcessor } from "./sync/inbox-processor.server";
import { createInboxWriter } from "./sync/inbox-writer.server";
import { InstallService } from "./platforms/shopify/install.server";
import { WebhookInbox } from "./sync/webhook-inbox.server";
import { ReconcileSchedule } from "./sync/reconcile-schedule.server";
import { ShopifyReconciler } from "./platforms/shopify/reconcile.server";

export interface Services {
  db: Db;
  inbox: WebhookInbox;
  processor: InboxProcessor;
  /** Wakes tag pushes waiting on a bulk operation (fed by the webhook route and the processor). */
  bulkFinished: BulkOperationSignals;
  backfill: BackfillService;
  installs: InstallService;
  jobs: LifecycleJobs;
  /** Hourly Shopify reconciliation (WooCommerce's runs in woo-services through the same ReconcileSchedule). */
  reconcile: ReconcileSchedule;
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  databaseUrl: string;
  adminFor: (shop: string) => Promise<AdminGraphql>;
  inProcessWorkers: boolean;
  pollIntervalMs?: number;
  /** Override the job queue (tests); default: pg-boss on PostgreSQL, the Job table on SQLite. */
  queue?: JobQueue;
  now?: () => Date;
  /** Key for secrets at rest (default: the configured one). */
  encryptionKey?: Buffer;
  /** Run recomputes on the calling thread instead of a worker thread (tests that pin the clock in-process). */
  recomputeInThread?: boolean;
}

export function createServices(options: ServiceOptions): Services {
  const db = createDb(options.databaseUrl);
  const bulk = createBulkWriter(db, options.databaseUrl);
  const postgres = isPostgresUrl(options.databaseUrl);
  const encryptionKey = options.encryptionKey ?? config().encryptionKey;
  const bulkFinished = new BulkOperationSignals();
  const shopifyWriters = createShopifyLabelWriterFactory({ adminFor: options.adminFor, bulkFinished });
  const wooWriters = createWooLabelWriterFactory({ db, bulk, box: new SecretBox(encryptionKey) });
  const queue =
    options.queue ??
    (postgres
      ? new PgBossJobQueue({ connectionString: options.databaseUrl })
      : new SqliteJobQueue(db, { now: options.now }));
  const jobs = new LifecycleJobs({
    db,
    bulk,
    dialect: postgres ? "postgres" : "sqlite",
    queue,
    writerFor: (store, prefix) => (store.platform === "woocommerce" ? wooWriters : shopifyWriters)(store, prefix),
    now: options.now,
    ...(options.recomputeInThread ? {} : { recomputeWorker: { databaseUrl: options.databaseUrl } }),
  });
  const backfill = new BackfillService(db, {
    adminFor: options.adminFor,
    pollIntervalMs: options.pollIntervalMs,
    // A finished full history import is the first moment segments mean something.
    onCompleted: (run) =>
      void jobs
        .onHistoryImported(run)
        .catch((error: unknown) =>
          logger.error("after-import recompute not queued", { storeId: run.storeId, error: String(error) }),
        ),
  });
  const writer = createInboxWriter(db, options.databaseUrl);
  const processor: InboxProcessor = new InboxProcessor(db, {
    onBulkOperationFinished: (storeId, op) => {
      bulkFinished.finished(op);
      backfill.onOperationFinished(storeId, op);
    },
    platformForStore: (store) => platformForStore(store, encryptionKey),
    onStoreRemoved: (platform, domain) => inbox.forgetStore(platform as Platform, domain),
    deliveriesArriving: () => Date.now() - inbox.lastStoredAt < 250,
  });
  const inbox = new WebhookInbox(db, writer, options.inProcessWorkers ? () => processor.wake() : undefined);
  const installs = new InstallService(db, backfill, options.adminFor, inbox);
  // SQLite: the WAL is checkpointed off the request thread (its connections never checkpoint).
  const checkpointer = postgres ? null : startCheckpointer(options.databaseUrl);
  const reconcile = new ReconcileSchedule(db, new ShopifyReconciler(db, { adminFor: options.adminFor, backfill }));
  const ready = (async () => {
    await tuneDb(db, options.databaseUrl);
    if (options.inProcessWorkers) {
      await jobs.start();
      reconcile.start();
      const resumed = await backfill.resumeAll();
      if (resumed) logger.info("resumed backfills", { count: resumed });
      backfill.watchLeases();
      processor.wake(); // anything recorded before a restart
    }
  })();
  return {
    db,
    inbox,
    processor,
    bulkFinished,
    backfill,
    installs,
    jobs,
    reconcile,
    ready,
    async close() {
      await checkpointer?.stop();
      reconcile.stop();
      backfill.stop();
      await processor.stop();
      await jobs.stop();
      writer.close();
      bulk.close();
      await db.$disconnect();
    },
  };
}

/** Background Admin API access through the shop's offline session, refreshed as its 60-minute tokens run out. */
async function remixAdminFor(shop: string): Promise<AdminGraphql> {
  const { backgroundAdmin } = await import("./shopify.server");
  return withThrottleRetry(backgroundAdmin(shop));
}

let instance: Services | null = null;
export function services(): Services {
  if (!instance) {
    const cfg = config();
    instance = createServices({
      databaseUrl: cfg.databaseUrl,
      adminFor: remixAdminFor,
      inProcessWorkers: cfg.inProcessWorkers,
    });
    instance.ready.catch((error: unknown) => logger.error("start-up failed", { error: String(error) }));
  }
  return instance;
}
