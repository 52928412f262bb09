/**
 * What happens when a shop installs (or re-installs) Ciclo: its Store row is created or revived, its
 * name/currency/timezone are read from the Admin API, and the historical backfill starts.
 */
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import type { AdminGraphql } from "./admin-graphql.server";
import { SHOP_INFO } from "./graphql";
import { shopifyStoreKey } from "./stores.server";
import type { BackfillService } from "./backfill.server";
import type { WebhookInbox } from "../../sync/webhook-inbox.server";

interface ShopInfo {
  shop: { name: string; currencyCode: string; ianaTimezone: string } | null;
}

export class InstallService {
  constructor(
    private readonly db: Db,
    private readonly backfill: BackfillService,
    private readonly adminFor: (shop: string) => Promise<AdminGraphql>,
    private readonly inbox: WebhookInbox,
  ) {}

  async onInstalled(shopDomain: string, scopes: string) {
    let info: ShopInfo["shop"] = null;
    try {
      const result = await (await this.adminFor(shopDomain))<ShopInfo>(SHOP_INFO);
      info = result.data?.shop ?? null;
    } catch (error) {
      logger.warn("could not read shop info at install", { shop: shopDomain, error: String(error) });
    }
    const details = {
      status: "installed",
      uninstalledAt: null,
      scopes,
      ...(info ? { name: info.name, currency: info.currencyCode, timezone: info.ianaTimezone } : {}),
    };
    const store = await this.db.store.upsert({
      where: shopifyStoreKey(shopDomain),
      create: { platform: "shopify", domain: shopDomain, installedAt: new Date(), ...details },
      update: details,
    });
    this.inbox.forgetStore("shopify", shopDomain);
    const run = await this.backfill.start(store.id, "install");
    logger.info("store installed", { shop: shopDomain, backfill: run.id });
    return { store, run };
  }
}
