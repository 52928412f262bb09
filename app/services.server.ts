/**
 * The composition root: the process's long-lived parts, created once. Database, webhook inbox + processor, every
 * registered platform's runtime (through app/platforms/registry.server.ts), the jobs (nightly recompute, tag push)
 * with their queue — SQLite in-process, or pg-boss on PostgreSQL — and the survey runtime. Background work
 * (jobs, reconciliation schedules, resumed imports) starts here, once, when the services are ready and the process
 * runs in-process workers — never as a side effect of a request. Routes and jobs get their parts from here; tests
 * build their own.
 */
import { config } from "./config.server";
import { createDb, isPostgresUrl, tuneDb, type Db } from "./db.server";
import { createBulkWriter } from "./db/bulk-writer.server";
import { startCheckpointer } from "./db/sqlite-checkpointer.server";
import type { Platform } from "./domain/types";
import { JobScheduler } from "./jobs/jobs.server";
import type { JobQueue } from "./jobs/queue/job-queue";
import { PgBossJobQueue } from "./jobs/queue/pgboss-queue.server";
import { SqliteJobQueue } from "./jobs/queue/sqlite-queue.server";
import { logger } from "./logger.server";
import {
  createPlatformRuntimes,
  platformForStore,
  type PlatformOptions,
  type PlatformRuntimes,
} from "./platforms/registry.server";
import { createShopifyApp, type ShopifyApp } from "./platforms/shopify/app.server";
import type { PlatformRuntime } from "./platforms/platform";
import type { ShopifyRuntime } from "./platforms/shopify/platform.server";
import { createSurveyRuntime, type SurveyRuntime } from "./surveys/runtime.server";
import { InboxProcessor } from "./sync/inbox-processor.server";
import { createInboxWriter } from "./sync/inbox-writer.server";
import { WebhookInbox } from "./sync/webhook-inbox.server";

export interface Services {
  db: Db;
  inbox: WebhookInbox;
  processor: InboxProcessor;
  jobs: JobScheduler;
  /** Every registered platform's runtime, by name. */
  platforms: PlatformRuntimes;
  surveys: SurveyRuntime;
  /** Shopify's parts the Shopify routes use (kept here so those routes read `services().installs` etc.). */
  bulkFinished: ShopifyRuntime["bulkFinished"];
  backfill: ShopifyRuntime["backfill"];
  installs: ShopifyRuntime["installs"];
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  databaseUrl: string;
  /** Per-platform options (Shopify: how to reach a shop's Admin API for background work). */
  platforms: PlatformOptions;
  inProcessWorkers: boolean;
  /** Override the job queue (tests); default: pg-boss on PostgreSQL, the Job table on SQLite. */
  queue?: JobQueue;
  now?: () => Date;
  /** Key for secrets at rest (default: the configured one). */
  encryptionKey?: Buffer;
  /** Ciclo's public URL (default: the configured one). */
  appUrl?: string;
  /** Store requests may reach private addresses (default: the configured `CICLO_WOO_ALLOW_PRIVATE_ADDRESSES`). */
  allowPrivateAddresses?: boolean;
  /** Run recomputes on the calling thread instead of a worker thread (tests that pin the clock in-process). */
  recomputeInThread?: boolean;
}

export function createServices(options: ServiceOptions): Services {
  const db = createDb(options.databaseUrl);
  const bulk = createBulkWriter(db, options.databaseUrl);
  const postgres = isPostgresUrl(options.databaseUrl);
  const encryptionKey = options.encryptionKey ?? config().encryptionKey;
  const queue =
    options.queue ??
    (postgres
      ? new PgBossJobQueue({ connectionString: options.databaseUrl })
      : new SqliteJobQueue(db, { now: options.now }));
  const writer = createInboxWriter(options.databaseUrl);
  const processor: InboxProcessor = new InboxProcessor(db, {
    onBulkOperationFinished: (storeId, operationId) => {
      for (const runtime of allRuntimes) runtime.onBulkOperationFinished?.(storeId, operationId);
    },
    platformForStore: (store) => platformForStore(store, encryptionKey),
    onStoreRemoved: (platform, domain) => inbox.forgetStore(platform as Platform, domain),
    deliveriesArriving: () => Date.now() - inbox.lastStoredAt < 250,
  });
  const inbox = new WebhookInbox(db, writer, options.inProcessWorkers ? () => processor.wake() : undefined);
  const platforms = createPlatformRuntimes(
    {
      db,
      bulk,
      inbox,
      encryptionKey,
      appUrl: options.appUrl ?? config().appUrl,
      allowPrivateAddresses: options.allowPrivateAddresses ?? config().wooAllowPrivateAddresses,
      onHistoryImported: (run) =>
        void jobs
          .onHistoryImported(run)
          .catch((error: unknown) =>
            logger.error("after-import recompute not queued", { storeId: run.storeId, error: String(error) }),
          ),
    },
    options.platforms,
  );
  const allRuntimes: PlatformRuntime[] = Object.values(platforms);
  const jobs = new JobScheduler({
    db,
    bulk,
    dialect: postgres ? "postgres" : "sqlite",
    queue,
    // Each store's labels go out through its own platform's writer.
    writerFor: (store, prefix) => platforms[store.platform as Platform].labelWriters(store, prefix),
    now: options.now,
    ...(options.recomputeInThread ? {} : { recomputeWorker: { databaseUrl: options.databaseUrl } }),
  });
  const surveys = createSurveyRuntime(db, { databaseUrl: options.databaseUrl, encryptionKey });
  // SQLite: the WAL is checkpointed off the request thread (its connections never checkpoint).
  const checkpointer = postgres ? null : startCheckpointer(options.databaseUrl);
  const ready = (async () => {
    await tuneDb(db, options.databaseUrl);
    if (options.inProcessWorkers) {
      await jobs.start();
      for (const runtime of allRuntimes) await runtime.start();
      processor.wake(); // anything recorded before a restart
    }
  })();
  return {
    db,
    inbox,
    processor,
    jobs,
    platforms,
    surveys,
    bulkFinished: platforms.shopify.bulkFinished,
    backfill: platforms.shopify.backfill,
    installs: platforms.shopify.installs,
    ready,
    async close() {
      await checkpointer?.stop();
      for (const runtime of allRuntimes) await runtime.stop();
      await processor.stop();
      await jobs.stop();
      writer.close();
      bulk.close();
      await db.$disconnect();
    },
  };
}

let root: { services: Services; shopify: ShopifyApp } | null = null;

/** The app's one set of services and Shopify's libraries on them, built on first use (the server entry). */
function appRoot(): { services: Services; shopify: ShopifyApp } {
  if (!root) {
    const cfg = config();
    // Shopify's libraries need the database; background work needs their offline sessions: bound late.
    let shopify: ShopifyApp | null = null;
    const built = createServices({
      databaseUrl: cfg.databaseUrl,
      inProcessWorkers: cfg.inProcessWorkers,
      platforms: {
        shopify: {
          adminFor: (shop) => {
            if (!shopify) throw new Error("Shopify libraries not configured yet");
            return shopify.adminFor(shop);
          },
        },
      },
    });
    shopify = createShopifyApp({
      cfg,
      db: built.db,
      onInstalled: (shop, scopes) => built.installs.onInstalled(shop, scopes),
    });
    built.ready.catch((error: unknown) => logger.error("start-up failed", { error: String(error) }));
    root = { services: built, shopify };
  }
  return root;
}

export function services(): Services {
  return appRoot().services;
}

/** Shopify's configured libraries (authenticate, login, webhook check, background Admin API). */
export function shopifyApp(): ShopifyApp {
  return appRoot().shopify;
}
