/** The survey endpoints' per-shop limiter: the generic keyed token bucket (see app/security/rate-limiter.ts). */
export {
  KeyedRateLimiter as ShopRateLimiter,
  DEFAULT_SURVEY_RATE_LIMIT,
  DEFAULT_SURVEY_CALLER_RATE_LIMIT,
  type RateLimitDecision,
  type RateLimitOptions,
} from "../security/rate-limiter";
