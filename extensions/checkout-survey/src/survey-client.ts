/**
 * Calls to Ciclo's survey endpoints. Every request carries a fresh session token (they are short-lived), and
 * gets one retry after a network error, a timeout, 401, 429 or 5xx; anything else, or a second failure, is
 * reported as a failure so the survey can hide instead of pretending an answer was saved.
 */
import {
  SURVEY_ANSWERS_PATH,
  SURVEY_QUESTIONS_PATH,
  type SurveyAnswerRequest,
  type SurveyLocale,
  type QuestionKind,
  type SurveyQuestionsResponse,
  type SurveyQuestionWire,
  type SurveyTarget,
} from "../../../app/domain/surveys/api";
import { sleep, withTimeout } from "./with-timeout";

export interface SurveyClient {
  appUrl: string;
  sessionToken(): Promise<string>;
  /** Per attempt. */
  timeoutMs: number;
  retryDelayMs: number;
}

export const REQUEST_TIMEOUT_MS = 6000;
export const RETRY_DELAY_MS = 800;

function worthRetrying(status: number): boolean {
  return status === 401 || status === 429 || status >= 500;
}

async function request(
  client: SurveyClient,
  path: string,
  init: { method: string; body?: string },
): Promise<Response | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await sleep(client.retryDelayMs);
    try {
      const token = await withTimeout(client.sessionToken(), client.timeoutMs);
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
      if (init.body !== undefined) headers["Content-Type"] = "application/json";
      const response = await withTimeout(fetch(client.appUrl + path, { ...init, headers }), client.timeoutMs);
      if (response.ok) return response;
      if (!worthRetrying(response.status)) return null;
    } catch {
      // network error or timeout: retry once
    }
  }
  return null;
}

const hasAnswerList = (question: Record<string, unknown>) =>
  Array.isArray(question.answers) &&
  question.answers.length > 0 &&
  question.answers.every((a: unknown) => typeof (a as { id?: unknown } | null)?.id === "string");

/** What a question of each kind needs on the wire to be asked; keyed by QuestionKind so a new kind must say. */
const WIRE_CHECKS: Record<QuestionKind, (question: Record<string, unknown>) => boolean> = {
  choice: hasAnswerList,
  nps: () => true,
  text: () => true,
};

function isQuestion(value: unknown): value is SurveyQuestionWire {
  if (typeof value !== "object" || value === null) return false;
  const question = value as Record<string, unknown>;
  return (
    typeof question.id === "string" &&
    typeof question.kind === "string" &&
    Object.prototype.hasOwnProperty.call(WIRE_CHECKS, question.kind) &&
    WIRE_CHECKS[question.kind as QuestionKind](question)
  );
}

/** The questions to ask, or null when there is nothing to ask or the server could not be reached. */
export async function fetchSurveyQuestions(
  client: SurveyClient,
  target: SurveyTarget,
  orderId: string,
  locale: SurveyLocale,
): Promise<SurveyQuestionWire[] | null> {
  const query = `?target=${target}&orderId=${encodeURIComponent(orderId)}&locale=${locale}`;
  const response = await request(client, SURVEY_QUESTIONS_PATH + query, { method: "GET" });
  if (!response) return null;
  try {
    const body = (await withTimeout(response.json(), client.timeoutMs)) as Partial<SurveyQuestionsResponse>;
    if (body.eligible !== true || !Array.isArray(body.questions)) return null;
    const questions = body.questions.filter(isQuestion);
    return questions.length > 0 ? questions : null;
  } catch {
    return null;
  }
}

/** True once the server has the answer (a duplicate counts: the answer is stored either way). */
export async function submitSurveyAnswer(client: SurveyClient, answer: SurveyAnswerRequest): Promise<boolean> {
  const response = await request(client, SURVEY_ANSWERS_PATH, { method: "POST", body: JSON.stringify(answer) });
  return response !== null;
}
