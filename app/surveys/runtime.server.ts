/**
 * The process's survey parts: the store cache, the service, the per-shop limiter. Built once by the composition
 * root (services.server.ts); tests build their own.
 */
import type { Db } from "../db.server";
import { DEFAULT_SURVEY_CALLER_RATE_LIMIT, ShopRateLimiter } from "./shop-rate-limiter";
import { createSurveyRepository } from "./survey-repository.server";
import { SurveyService } from "./survey-service.server";
import { SurveyStores } from "./survey-stores.server";

export interface SurveyRuntime {
  stores: SurveyStores;
  service: SurveyService;
  limiter: ShopRateLimiter;
  callerLimiter: ShopRateLimiter;
}

export function createSurveyRuntime(db: Db, options: { databaseUrl: string; encryptionKey: Buffer }): SurveyRuntime {
  return {
    stores: new SurveyStores(db, options.encryptionKey),
    service: new SurveyService({ db, repository: createSurveyRepository(db, options.databaseUrl) }),
    limiter: new ShopRateLimiter(),
    callerLimiter: new ShopRateLimiter(DEFAULT_SURVEY_CALLER_RATE_LIMIT),
  };
}
