/**
 * The process's survey parts, created once on first use: the store cache, the service, the per-shop limiter.
 * Routes get them here; tests build their own.
 */
import { config } from "../config.server";
import { services } from "../services.server";
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

let runtime: SurveyRuntime | null = null;

export function surveyRuntime(): SurveyRuntime {
  if (!runtime) {
    const { db } = services();
    runtime = {
      stores: new SurveyStores(db, config().encryptionKey),
      service: new SurveyService({ db, repository: createSurveyRepository(db, config().databaseUrl) }),
      limiter: new ShopRateLimiter(),
      callerLimiter: new ShopRateLimiter(DEFAULT_SURVEY_CALLER_RATE_LIMIT),
    };
  }
  return runtime;
}
