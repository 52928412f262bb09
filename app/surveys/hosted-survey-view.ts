/** What the hosted survey page shows, shared by its server side and its component (so: no server imports). */
import type { SurveyAnswerError, SurveyLocale, SurveyQuestionWire } from "../domain/surveys/api";

export type HostedSurveyView =
  | { state: "ask"; locale: SurveyLocale; questions: SurveyQuestionWire[]; errors: SurveyAnswerError[] }
  | { state: "thanks" | "not-asked" | "expired" | "invalid"; locale: SurveyLocale };

/** Form field names: `q:<questionId>` holds the answer id, the score or the text. */
export const fieldName = (questionId: string) => `q:${questionId}`;
