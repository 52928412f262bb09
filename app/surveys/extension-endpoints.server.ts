/**
 * The two endpoints the checkout extension calls, independent of Remix's module singletons so tests run them
 * with their own database and a real `authenticate.public.*` (real session-token checks):
 *
 *   OPTIONS  both paths                 -> 204 CORS preflight (the library's answer)
 *   GET      /api/survey/questions      -> 200 SurveyQuestionsResponse | 400 | 401 | 404 | 429
 *   POST     /api/survey/answers        -> 200 {ok, duplicate} | 400 {errors} | 401 | 404 | 413 | 429
 *
 * Order of checks: token (401, nothing read from the database), shop known (404), rate limit (429), input (400).
 * Every response carries CORS headers, errors too, so the extension sees the real status instead of an opaque
 * network error.
 */
import type { JwtPayload } from "@shopify/shopify-api";
import {
  MAX_ANSWER_BODY_BYTES,
  SURVEY_LOCALES,
  type SurveyAnswerRejected,
  type SurveyLocale,
} from "../domain/surveys/api";
import { SURVEY_TARGETS, type SurveyTarget } from "../domain/surveys/catalogue";
import { normalizeOrderId } from "../domain/surveys/order-id";
import { logger } from "../logger.server";
import { readBoundedBody } from "../security/bounded-body.server";
import { customerIdFromSub, shopFromDest } from "./session-token-claims";
import type { ShopRateLimiter } from "./shop-rate-limiter";
import { FOREIGN_ORDER, type SurveyService } from "./survey-service.server";
import type { SurveyStore, SurveyStores } from "./survey-stores.server";

type AuthenticatePublic = (
  request: Request,
) => Promise<{ sessionToken: JwtPayload; cors: (response: Response) => Response }>;

export interface SurveyEndpointDeps {
  /** `authenticate.public.checkout` (thank-you target) and `.customerAccount` (order-status target). */
  authenticateCheckout: AuthenticatePublic;
  authenticateCustomerAccount: AuthenticatePublic;
  stores: SurveyStores;
  service: SurveyService;
  limiter: ShopRateLimiter;
  /**
   * Per caller (the token's customer, else its session, else the token itself) within a shop, taken before the
   * shop's: one buyer replaying a token cannot use up the whole shop's allowance.
   */
  callerLimiter?: ShopRateLimiter;
}

interface Caller {
  store: SurveyStore;
  customerExternalId: string | null;
  cors: (response: Response) => Response;
}

const NO_STORE = { "Cache-Control": "no-store" };

function isTarget(value: unknown): value is SurveyTarget {
  return typeof value === "string" && (SURVEY_TARGETS as readonly string[]).includes(value);
}

/** CORS headers for responses the library did not make (its own 401 has none). */
function withCors(request: Request, response: Response): Response {
  if (request.headers.get("Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return response;
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * Verifies the session token with the authenticator of the target (order-status pages are customer-account
 * surfaces), then resolves the shop and takes a rate-limit token. Returns a Response to send when refused.
 */
async function admit(request: Request, target: SurveyTarget, deps: SurveyEndpointDeps): Promise<Caller | Response> {
  const authenticate = target === "order-status" ? deps.authenticateCustomerAccount : deps.authenticateCheckout;
  let verified: Awaited<ReturnType<AuthenticatePublic>>;
  try {
    verified = await authenticate(request);
  } catch (thrown) {
    if (thrown instanceof Response) return withCors(request, new Response(thrown.body, thrown));
    throw thrown;
  }
  const { sessionToken, cors } = verified;
  const shop = shopFromDest(sessionToken.dest);
  if (!shop) return cors(json({ error: "unauthorized" }, 401));
  const store = await deps.stores.forShopifyDomain(shop);
  if (!store) return cors(json({ error: "unknown shop" }, 404));
  const customer = customerIdFromSub(sessionToken.sub);
  const callerKey = customer ?? claim(sessionToken, "sid") ?? claim(sessionToken, "jti");
  const own = callerKey && deps.callerLimiter ? deps.callerLimiter.take(`${store.id}:${callerKey}`) : null;
  if (own && !own.allowed) {
    logger.warn("survey caller rate limit", { storeId: store.id });
    return cors(json({ error: "too many requests" }, 429, { "Retry-After": String(own.retryAfterSeconds) }));
  }
  const limit = deps.limiter.take(store.id);
  if (!limit.allowed) {
    logger.warn("survey rate limit", { storeId: store.id });
    return cors(json({ error: "too many requests" }, 429, { "Retry-After": String(limit.retryAfterSeconds) }));
  }
  return { store, customerExternalId: customer, cors };
}

function claim(token: JwtPayload, name: "sid" | "jti"): string | null {
  const value = (token as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : null;
}

/** OPTIONS on either path: the library answers the preflight (204 with CORS headers) by throwing it. */
async function preflight(request: Request, deps: SurveyEndpointDeps): Promise<Response> {
  try {
    await deps.authenticateCheckout(request);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  return withCors(request, new Response(null, { status: 204 }));
}

async function guarded(request: Request, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    // Never a stack trace or a hanging page for the customer: a plain 500 the extension retries once.
    logger.error("survey endpoint failed", { path: new URL(request.url).pathname, error: String(error) });
    return withCors(request, json({ error: "server error" }, 500));
  }
}

export function handleSurveyQuestions(request: Request, deps: SurveyEndpointDeps): Promise<Response> {
  return guarded(request, async () => {
    if (request.method === "OPTIONS") return preflight(request, deps);
    const params = new URL(request.url).searchParams;
    const target = params.get("target");
    const caller = await admit(request, isTarget(target) ? target : "thank-you", deps);
    if (caller instanceof Response) return caller;
    const orderId = normalizeOrderId(params.get("orderId"));
    const locale = params.get("locale");
    const errors: SurveyAnswerRejected["errors"] = [];
    if (!isTarget(target)) errors.push({ field: "target", code: target === null ? "required" : "unknown-target" });
    if (orderId === null) errors.push({ field: "orderId", code: "invalid-order-id" });
    if (locale !== null && !(SURVEY_LOCALES as readonly string[]).includes(locale as SurveyLocale)) {
      errors.push({ field: "locale", code: "wrong-type" });
    }
    if (errors.length > 0 || !isTarget(target) || orderId === null) return caller.cors(json({ errors }, 400));
    const body = await deps.service.questionsForCaller(caller.store, target, orderId, caller.customerExternalId);
    if (body === FOREIGN_ORDER) return caller.cors(json({ error: "not your order" }, 403));
    return caller.cors(json(body, 200));
  });
}

export function handleSurveyAnswer(request: Request, deps: SurveyEndpointDeps): Promise<Response> {
  return guarded(request, async () => {
    if (request.method === "OPTIONS") return preflight(request, deps);
    if (request.method !== "POST") return withCors(request, json({ error: "method not allowed" }, 405));
    // The body decides which authenticator applies (its target), so it is read first, bounded.
    const body = await readBoundedBody(request, MAX_ANSWER_BODY_BYTES);
    let input: unknown = undefined;
    if (body.ok) {
      try {
        input = JSON.parse(body.text) as unknown;
      } catch {
        input = undefined;
      }
    }
    const claimedTarget = (input as { target?: unknown } | null | undefined)?.target;
    const caller = await admit(request, isTarget(claimedTarget) ? claimedTarget : "thank-you", deps);
    if (caller instanceof Response) return caller;
    if (!body.ok) return caller.cors(json({ error: "body too large" }, 413));
    const result = await deps.service.submitAnswer(caller.store, input, {
      customerExternalIdFromToken: caller.customerExternalId,
      bindToCaller: true,
    });
    if (!result.ok && "forbidden" in result) return caller.cors(json({ error: "not your order" }, 403));
    if (!result.ok) return caller.cors(json({ errors: result.errors } satisfies SurveyAnswerRejected, 400));
    return caller.cors(json({ ok: true, duplicate: result.duplicate }, 200));
  });
}
