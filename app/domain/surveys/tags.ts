/**
 * Customer tags that flow back from answers, without the `ciclo:` prefix (the tag outbox adds it).
 * NPS: `nps-promoter | nps-passive | nps-detractor`, and the other two are removed, so a customer carries only
 * their latest category. Choice answers of questions marked `tagsAnswers`: `jtbd-<answer>` (added, never
 * removed: a customer can buy for several reasons). Catch-alls ("other", "nothing") say nothing to act on and
 * make no tag.
 */
import type { ValidatedSurveyAnswer } from "./answer-validation";
import type { SurveyCatalogue } from "./catalogue";
import { npsCategory, type NpsCategory } from "./nps";

export interface SurveyTagChange {
  add: string[];
  remove: string[];
}

const NPS_TAGS: Record<NpsCategory, string> = {
  promoter: "nps-promoter",
  passive: "nps-passive",
  detractor: "nps-detractor",
};
const UNTAGGED_ANSWERS = new Set(["other", "nothing", "nothing-else"]);

export function surveyTagChanges(answer: ValidatedSurveyAnswer, catalogue: SurveyCatalogue): SurveyTagChange {
  if (answer.kind === "nps") {
    const tag = NPS_TAGS[npsCategory(answer.score)];
    return { add: [tag], remove: Object.values(NPS_TAGS).filter((other) => other !== tag) };
  }
  if (
    answer.kind === "choice" &&
    catalogue.get(answer.questionId)?.tagsAnswers &&
    !UNTAGGED_ANSWERS.has(answer.answerId)
  ) {
    return { add: [`jtbd-${answer.answerId}`], remove: [] };
  }
  return { add: [], remove: [] };
}
