/**
 * The one interface every store platform implements. Code outside app/platforms only sees our own types.
 * (Later issues add backfill and label write-back here; WooCommerce implements the same interface.)
 */
import type { Platform, StoreEvent } from "../domain/types";

export type MappedWebhook = StoreEvent | { kind: "invalid"; reason: string };

export interface StorePlatform {
  readonly name: Platform;
  /** Maps a verified webhook's topic and parsed JSON body to what it means for us. Never throws. */
  mapWebhook(topic: string, payload: unknown): MappedWebhook;
  /** Topics that must be processed even after the app was uninstalled (privacy law). */
  isComplianceTopic(topic: string): boolean;
}
