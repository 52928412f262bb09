/**
 * Customer tags that flow back from answers, without the `ciclo:` prefix (the tag outbox adds it).
 * NPS: `nps-promoter | nps-passive | nps-detractor`, and the other two are removed, so a customer carries only
 * their latest category. Choice answers of questions marked `tagsAnswers`: `jtbd-<answer>` (added, never
 * removed: a customer can buy for several reasons). Catch-alls ("other", "nothing") say nothing to act on and
 * make no tag. The rules themselves are each kind's `tags` in question-kinds.ts.
 */
import type { SurveyCatalogue } from "./catalogue";
import {
  answerFromStored,
  answerValue,
  kindSpec,
  type StoredAnswerColumns,
  type SurveyTagChange,
  type ValidatedSurveyAnswer,
} from "./question-kinds";

export type { SurveyTagChange } from "./question-kinds";

/** The tag change an answer implies, by its kind's rule in the question-kind table. */
export function surveyTagChanges(answer: ValidatedSurveyAnswer, catalogue: SurveyCatalogue): SurveyTagChange {
  return kindSpec(answer.kind).tags(answerValue(answer), catalogue.get(answer.questionId));
}

/** The tag change a stored answer implies (replayed by the nightly tag plan); none when the row holds no answer. */
export function storedAnswerTagChanges(
  row: StoredAnswerColumns & { questionId: string },
  catalogue: SurveyCatalogue,
): SurveyTagChange {
  const stored = answerFromStored(row, catalogue);
  return stored ? kindSpec(stored.kind).tags(stored.value, catalogue.get(row.questionId)) : { add: [], remove: [] };
}
