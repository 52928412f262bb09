/**
 * A survey test harness wired like production on a real test database: the real `authenticate.public.*` of
 * shopify-app-remix (real session-token checks, CORS), the survey service, and helpers that sign session
 * tokens the way Shopify's checkout does (HS256 with the app secret, `dest` = the shop).
 */
import "@shopify/shopify-app-remix/adapters/node";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import {
  handleSurveyAnswer,
  handleSurveyQuestions,
  type SurveyEndpointDeps,
} from "../../app/surveys/extension-endpoints.server";
import { ShopRateLimiter, type RateLimitOptions } from "../../app/surveys/shop-rate-limiter";
import { createSurveyRepository, type SurveyRepository } from "../../app/surveys/survey-repository.server";
import { SurveyService } from "../../app/surveys/survey-service.server";
import { SurveyStores } from "../../app/surveys/survey-stores.server";
import { createTestDatabase, type DbKind, type TestDatabase } from "./databases";

export const APP_SECRET = "ciclo-survey-test-secret";
export const ENCRYPTION_KEY = Buffer.alloc(32, 7);
export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const config = testConfig({
  apiVersion: ApiVersion.July26,
  apiSecretKey: APP_SECRET,
  logger: { level: LogSeverity.Error },
});
export const API_KEY = config.apiKey;

export interface HarnessOptions {
  rateLimit?: RateLimitOptions;
  now?: () => Date;
}

export class SurveyHarness {
  readonly deps: SurveyEndpointDeps;
  readonly repository: SurveyRepository;
  private readonly shopify = shopifyApp(config);

  private constructor(
    readonly database: TestDatabase,
    options: HarnessOptions,
  ) {
    this.repository = createSurveyRepository(database.db, database.url);
    this.deps = {
      authenticateCheckout: this.shopify.authenticate.public.checkout,
      authenticateCustomerAccount: this.shopify.authenticate.public.customerAccount,
      stores: new SurveyStores(database.db, ENCRYPTION_KEY),
      service: new SurveyService({ db: database.db, repository: this.repository, now: options.now }),
      limiter: new ShopRateLimiter(options.rateLimit ?? { refillPerSecond: 1000, capacity: 10_000 }),
    };
  }

  static async create(kind: DbKind, options: HarnessOptions = {}): Promise<SurveyHarness> {
    return new SurveyHarness(await createTestDatabase(kind), options);
  }

  get db() {
    return this.database.db;
  }

  /** A Shopify store `<name>.myshopify.com`. */
  installStore(name: string, settings?: { surveyCooldownDays?: number; surveyQuestionSets?: string }) {
    return this.db.store.create({
      data: {
        platform: "shopify",
        domain: `${name}.myshopify.com`,
        ...(settings ? { settings: { create: settings } } : {}),
      },
    });
  }

  /** A customer with a score (slugs as the recompute stores them) and `orders` earlier orders. */
  async addCustomer(
    storeId: string,
    externalId: string,
    score?: { segment: string; stage: string; clvMinor: bigint },
  ): Promise<string> {
    const customer = await this.db.customer.create({ data: { storeId, externalId } });
    if (score) {
      await this.db.customerScore.create({
        data: {
          storeId,
          customerId: customer.id,
          computedAt: new Date("2026-03-01T03:00:00Z"),
          orders: 1,
          purchaseDays: 1,
          monetaryMinor: score.clvMinor,
          rScore: 3,
          fScore: 3,
          mScore: 3,
          segment: score.segment,
          stage: score.stage,
          historicClvMinor: score.clvMinor,
        },
      });
    }
    return customer.id;
  }

  addOrder(
    storeId: string,
    externalId: string,
    options: { customerId?: string; processedAt?: Date; fulfillmentStatus?: string; cancelled?: boolean } = {},
  ) {
    const at = options.processedAt ?? new Date("2026-03-01T09:00:00Z");
    return this.db.order.create({
      data: {
        storeId,
        externalId,
        customerId: options.customerId ?? null,
        currency: "EUR",
        grossMinor: 5000n,
        netMinor: 5000n,
        processedAt: at,
        platformCreatedAt: at,
        platformUpdatedAt: at,
        fulfillmentStatus: options.fulfillmentStatus ?? null,
        cancelled: options.cancelled ?? false,
      },
    });
  }

  /** A session token as Shopify's checkout signs it; `overrides` change claims (exp, sub, dest…). */
  async token(shopName: string, overrides: Record<string, unknown> = {}, secret = APP_SECRET): Promise<string> {
    const { token } = await getJwt(shopName, API_KEY, secret, { sub: undefined, ...overrides });
    return token;
  }

  questions(query: Record<string, string>, token: string | null, init: { origin?: string; method?: string } = {}) {
    const url = `https://ciclo.test/api/survey/questions?${new URLSearchParams(query)}`;
    return handleSurveyQuestions(
      new Request(url, { method: init.method ?? "GET", headers: headers(token, init.origin) }),
      this.deps,
    );
  }

  answer(body: unknown, token: string | null, init: { origin?: string; raw?: string } = {}) {
    const request = new Request("https://ciclo.test/api/survey/answers", {
      method: "POST",
      headers: { ...headers(token, init.origin), "Content-Type": "application/json" },
      body: init.raw ?? JSON.stringify(body),
    });
    return handleSurveyAnswer(request, this.deps);
  }

  async close() {
    this.repository.close();
    await this.database.drop();
  }
}

function headers(token: string | null, origin = EXTENSION_ORIGIN): Record<string, string> {
  return { Origin: origin, ...(token !== null ? { Authorization: `Bearer ${token}` } : {}) };
}
