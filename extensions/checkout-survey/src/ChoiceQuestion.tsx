/** @jsxImportSource preact */
// One tap answers: each answer is a full-width button, easy to hit with a thumb and announced by its label.
import type { SurveyQuestionWire } from "../../../app/domain/surveys/api";
import type { SurveyHost } from "./host";

interface ChoiceQuestionProps {
  host: SurveyHost;
  question: SurveyQuestionWire;
  sending: boolean;
  onAnswer(answerId: string): void;
}

export function ChoiceQuestion({ host, question, sending, onAnswer }: ChoiceQuestionProps) {
  return (
    <s-stack gap="small-200" accessibilityLabel={host.translate("survey.answersLabel")}>
      {(question.answers ?? []).map((answer) => (
        <s-button
          key={answer.id}
          variant="secondary"
          inlineSize="fill"
          disabled={sending}
          onClick={() => onAnswer(answer.id)}
        >
          {host.translate(`answers.${question.id}.${answer.id}`)}
        </s-button>
      ))}
    </s-stack>
  );
}
