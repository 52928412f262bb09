/**
 * The contract every store platform implements (see README.md in this folder). Code outside app/platforms only
 * sees these types and our own domain types; it reaches a platform through the registry (registry.server.ts),
 * never by testing its name.
 */
import type { Store } from "@prisma/client";
import type { Db } from "../db.server";
import type { BulkWriter } from "../db/bulk-writer.server";
import type { Platform, StoreEvent } from "../domain/types";
import type { LabelWriterFactory } from "../jobs/tags/tag-outbox.server";
import type { WebhookInbox } from "../sync/webhook-inbox.server";

export type MappedWebhook = StoreEvent | { kind: "invalid"; reason: string };

/**
 * What the nightly job says about one customer, in no platform's words. Each platform encodes it its own way
 * (Shopify: tags + optional `ciclo.*` metafields; WooCommerce: tags + `_ciclo_` customer meta).
 */
export interface CustomerLabels {
  segment: string;
  stage: string;
  /** The customer's value in minor units of `currency`: predicted when the model ran, else historic. */
  clvMinor: bigint;
  currency: string;
  /** P(alive), null without a predictive model for this customer. */
  pAlive: number | null;
  /** Expected next order (UTC day), null when none is expected within ten years or there is no model. */
  nextOrder: Date | null;
  /** The title of the product to suggest next (the nightly's intelligence phase), null when there is none. */
  nextProduct: string | null;
}

/** The merchant's label settings a platform may honour. */
export interface LabelOptions {
  /** Settings -> "also write metafields" (Shopify). */
  pushMetafields: boolean;
}

/** A platform's encoding of one customer's labels beyond the tags (which every platform writes the same way). */
export interface EncodedLabels {
  /** Carried on the outbox item for the writer (Shopify: the metafields JSON), or null. */
  carried: string | null;
  /** Whether the store must be written although the tags did not change, given what was last confirmed there. */
  changedFrom(confirmedMetafields: string | null): boolean;
}

/** The adapter for one store: what its webhooks mean, and which topics are privacy law. */
export interface StorePlatform {
  readonly name: Platform;
  /** Maps a verified webhook's topic and parsed JSON body to what it means for us. Never throws. */
  mapWebhook(topic: string, payload: unknown): MappedWebhook;
  /** Topics that must be processed even after the app was uninstalled (privacy law). */
  isComplianceTopic(topic: string): boolean;
}

/** How a platform writes Ciclo's labels and links into its own admin (pure, the same for all its stores). */
export interface PlatformLabels {
  /** Labels beyond tags, or null when this platform (with these options) writes tags only. */
  encodeLabels(labels: CustomerLabels, desiredTags: readonly string[], options: LabelOptions): EncodedLabels | null;
  /** The customer's page in the platform's own admin, or null when it has none we can link to. */
  customerAdminUrl(store: { domain: string }, customerExternalId: string, embedded: boolean): string | null;
  /** The platform admin's customer list filtered by one of our tags, or null. */
  customersWithTagUrl(store: { domain: string }, tag: string, embedded: boolean): string | null;
}

/** What every platform's runtime gets from the composition root (services.server.ts). */
export interface PlatformRuntimeDeps {
  db: Db;
  bulk: BulkWriter;
  inbox: WebhookInbox;
  encryptionKey: Buffer;
  appUrl: string;
  /** Outbound requests to a store may reach private and loopback addresses (development only; off by default). */
  allowPrivateAddresses: boolean;
  /** A full history import (or sync) finished: the jobs queue the first recompute. */
  onHistoryImported(run: { storeId: string; since: Date | null; state: string; finishedAt: Date | null }): void;
}

/** A platform's long-lived server parts, built once by the composition root. */
export interface PlatformRuntime {
  /** Writes the tag outbox's changes to this platform's stores. */
  labelWriters: LabelWriterFactory;
  /** A bulk operation finished (webhook or poll); platforms without bulk operations ignore it. */
  onBulkOperationFinished?(storeId: string, operationId: string): void;
  /**
   * A merchant arriving through the platform's own admin session (WooCommerce: the plugin's signed embed), or
   * null. Shopify's App Bridge session is the fallback every admin request ends with (auth/admin-context).
   */
  adminContext?(request: Request): Promise<{ store: Store; embedded: boolean } | null>;
  /** Background work (reconciliation schedule, resuming imports): called once at start-up with in-process workers. */
  start(): Promise<void>;
  stop(): Promise<void> | void;
}

/** One registry entry: everything Ciclo needs to know about a platform. */
export interface PlatformDefinition<
  Options = undefined,
  Runtime extends PlatformRuntime = PlatformRuntime,
> extends PlatformLabels {
  readonly name: Platform;
  /**
   * What an order's stored `sourceName` holds on this platform: the channel it came through (Shopify: "web", "pos",
   * an app id) or how it was created (WooCommerce `created_via`: "checkout", "admin"). Acquisition channels read it.
   */
  readonly orderSource: "source-name" | "created-via";
  /** The adapter for one store (WooCommerce keys guest ids per store, so adapters may differ per store). */
  forStore(store: { id: string }, keys: { encryptionKey: Buffer }): StorePlatform;
  /** The store's own secret for signing survey links (WooCommerce: the plugin's embed secret), or null. */
  surveySecret(store: { embedSecret: string | null }, keys: { encryptionKey: Buffer }): string | null;
  createRuntime(deps: PlatformRuntimeDeps, options: Options): Runtime;
}
