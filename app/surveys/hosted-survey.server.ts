/**
 * The hosted survey page's server side (app/routes/survey.$token.tsx): the same questions as the extension for
 * moments it cannot reach (an e-mailed post-delivery link, WooCommerce thank-you pages). No login: the signed,
 * expiring, single-order token in the URL is the authorisation, and the order id comes only from it.
 */
import type { SurveyAnswerError } from "../domain/surveys/api";
import type { SurveyTarget } from "../domain/surveys/catalogue";
import { kindSpec } from "../domain/surveys/question-kinds";
import { claimedStoreId, verifySurveyToken } from "./survey-token.server";
import type { SurveyService } from "./survey-service.server";
import type { SurveyStore, SurveyStores } from "./survey-stores.server";
import { localeFromAcceptLanguage } from "./hosted-survey-strings";
import { boundedFormData } from "../security/bounded-body.server";
import { fieldName, type HostedSurveyView } from "./hosted-survey-view";

export { fieldName, type HostedSurveyView } from "./hosted-survey-view";

export interface HostedSurveyDeps {
  stores: SurveyStores;
  service: SurveyService;
  now?: () => Date;
}

interface Opened {
  store: SurveyStore;
  orderId: string;
  target: SurveyTarget;
}

/** `/survey/<token>`, or `/survey/woo?t=<token>` as the WordPress plugin links it. */
export function tokenFromRequest(request: Request, pathToken: string | undefined): string {
  const query = new URL(request.url).searchParams.get("t");
  return query ?? pathToken ?? "";
}

async function open(token: string, deps: HostedSurveyDeps): Promise<Opened | "expired" | "invalid"> {
  const storeId = claimedStoreId(token);
  const store = storeId ? await deps.stores.byId(storeId) : null;
  if (!store) return "invalid";
  const checked = verifySurveyToken(token, store.surveySecret, deps.now?.() ?? new Date());
  if (!checked.ok) return checked.reason === "expired" ? "expired" : "invalid";
  // A valid signature by another store's secret cannot get here: the secret is the claimed store's.
  if (checked.claims.storeId !== store.id) return "invalid";
  return { store, orderId: checked.claims.orderId, target: checked.claims.target };
}

export async function showHostedSurvey(
  request: Request,
  token: string,
  deps: HostedSurveyDeps,
  options: { recordImpression?: boolean } = {},
): Promise<HostedSurveyView> {
  const locale = localeFromAcceptLanguage(request.headers.get("Accept-Language"));
  const opened = await open(token, deps);
  if (typeof opened === "string") return { state: opened, locale };
  const served = await deps.service.questionsFor(opened.store, opened.target, opened.orderId, null, options);
  if (!served.eligible) return { state: served.reason === "already-answered" ? "thanks" : "not-asked", locale };
  return { state: "ask", locale, questions: served.questions, errors: [] };
}

export async function submitHostedSurvey(
  request: Request,
  token: string,
  deps: HostedSurveyDeps,
): Promise<{ status: number; view: HostedSurveyView }> {
  const locale = localeFromAcceptLanguage(request.headers.get("Accept-Language"));
  const opened = await open(token, deps);
  if (typeof opened === "string") return { status: opened === "expired" ? 410 : 403, view: { state: opened, locale } };
  const served = await deps.service.questionsFor(opened.store, opened.target, opened.orderId, null, {
    recordImpression: false,
  });
  if (!served.eligible) return { status: 200, view: { state: "thanks", locale } };
  const form = await boundedFormData(request);
  const allowed = new Set(served.questions.map((question) => question.id));
  const errors: SurveyAnswerError[] = [];
  for (const question of served.questions) {
    const raw = form.get(fieldName(question.id));
    if (typeof raw !== "string" || raw.trim() === "") continue; // skipped
    const spec = kindSpec(question.kind);
    const value = { [spec.field]: spec.fromForm(raw) };
    const result = await deps.service.submitAnswer(
      opened.store,
      { target: opened.target, orderId: opened.orderId, questionId: question.id, ...value },
      { allowedQuestionIds: allowed, locale },
    );
    if (!result.ok && "errors" in result)
      errors.push(...result.errors.map((error) => ({ ...error, field: question.id })));
  }
  if (errors.length > 0) {
    const again = await deps.service.questionsFor(opened.store, opened.target, opened.orderId, null, {
      recordImpression: false,
    });
    return {
      status: 400,
      view: again.eligible ? { state: "ask", locale, questions: again.questions, errors } : { state: "thanks", locale },
    };
  }
  return { status: 200, view: { state: "thanks", locale } };
}
