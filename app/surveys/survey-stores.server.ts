/**
 * Which store a survey request is for, with the survey settings it needs, cached briefly: every answer needs
 * them and they change only when a merchant edits settings (a minute's delay is fine for that).
 */
import type { Db } from "../db.server";
import { logger } from "../logger.server";
import { DEFAULT_CATALOGUE, type SurveyCatalogue } from "../domain/surveys/catalogue";
import type { SurveyCooldownDays } from "../domain/surveys/cooldown";
import { DEFAULT_QUESTION_SETS, type QuestionSet } from "../domain/surveys/question-sets";
import { validateQuestionSets } from "../domain/surveys/question-set-validation";
import { platformDefinition } from "../platforms/registry.server";
import { shopifyStoreKey } from "../platforms/shopify/stores.server";
import { deriveSurveySecret } from "./survey-token.server";

export interface SurveyStore {
  id: string;
  platform: string;
  domain: string;
  cooldownDays: SurveyCooldownDays;
  questionSets: readonly QuestionSet[];
  /** Signs and verifies this store's hosted-survey links. Never logged. */
  surveySecret: string;
}

interface StoreRow {
  id: string;
  platform: string;
  domain: string;
  status: string;
  embedSecret: string | null;
  settings: { surveyCooldownDays: number; surveyQuestionSets: string | null } | null;
}

const STORE_SELECT = {
  id: true,
  platform: true,
  domain: true,
  status: true,
  embedSecret: true,
  settings: { select: { surveyCooldownDays: true, surveyQuestionSets: true } },
} as const;

export const STORE_CACHE_TTL_MS = 60_000;
/**
 * Entries kept at most, least recently used out first. The keys come from requests (a hosted-survey link's
 * claimed store id is read before its signature can be checked), so without a bound anyone could grow this map.
 */
export const STORE_CACHE_MAX_ENTRIES = 2_000;
const DEFAULT_COOLDOWN_DAYS = 60;

export class SurveyStores {
  private readonly cache = new Map<string, { store: SurveyStore | null; expiresAtMs: number }>();

  constructor(
    private readonly db: Db,
    private readonly encryptionKey: Buffer,
    private readonly catalogue: SurveyCatalogue = DEFAULT_CATALOGUE,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** An installed Shopify store by its myshopify domain, or null. */
  forShopifyDomain(shop: string): Promise<SurveyStore | null> {
    return this.cached(`shopify:${shop}`, () =>
      this.db.store.findUnique({
        where: shopifyStoreKey(shop),
        select: STORE_SELECT,
      }),
    );
  }

  /** An installed store of any platform by its id, or null. */
  byId(storeId: string): Promise<SurveyStore | null> {
    return this.cached(`id:${storeId}`, () =>
      this.db.store.findUnique({ where: { id: storeId }, select: STORE_SELECT }),
    );
  }

  /** Forget cached settings (after the merchant saved them, and in tests). */
  forget(): void {
    this.cache.clear();
  }

  /** Entries held now (for tests and monitoring). */
  get size(): number {
    return this.cache.size;
  }

  private async cached(key: string, load: () => Promise<StoreRow | null>): Promise<SurveyStore | null> {
    const hit = this.cache.get(key);
    if (hit && hit.expiresAtMs > this.nowMs()) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit.store;
    }
    const row = await load();
    const store = row && row.status === "installed" ? this.toSurveyStore(row) : null;
    this.cache.delete(key);
    this.cache.set(key, { store, expiresAtMs: this.nowMs() + STORE_CACHE_TTL_MS });
    while (this.cache.size > STORE_CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return store;
  }

  private toSurveyStore(row: StoreRow): SurveyStore {
    const days = row.settings?.surveyCooldownDays ?? DEFAULT_COOLDOWN_DAYS;
    return {
      id: row.id,
      platform: row.platform,
      domain: row.domain,
      cooldownDays: { "thank-you": days, "order-status": days },
      questionSets: this.questionSets(row),
      surveySecret: this.surveySecret(row),
    };
  }

  private questionSets(row: StoreRow): readonly QuestionSet[] {
    const json = row.settings?.surveyQuestionSets;
    if (!json) return DEFAULT_QUESTION_SETS;
    try {
      const checked = validateQuestionSets(JSON.parse(json) as unknown, this.catalogue);
      if (checked.ok) return checked.sets;
      logger.warn("stored survey question sets are invalid; using the defaults", { storeId: row.id });
    } catch {
      logger.warn("stored survey question sets are not JSON; using the defaults", { storeId: row.id });
    }
    return DEFAULT_QUESTION_SETS;
  }

  private surveySecret(row: StoreRow): string {
    // A platform may bring its own (WooCommerce: the plugin's embed secret); otherwise one derived per store.
    const own = platformDefinition(row.platform).surveySecret(row, { encryptionKey: this.encryptionKey });
    return own ?? deriveSurveySecret(this.encryptionKey, row.id);
  }
}
