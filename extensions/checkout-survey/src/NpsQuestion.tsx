/** @jsxImportSource preact */
// 0-10 in two rows (0-5, 6-10) so every button stays a comfortable touch target on a phone.
import type { SurveyHost } from "./host";

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

interface NpsQuestionProps {
  host: SurveyHost;
  sending: boolean;
  onScore(score: number): void;
}

export function NpsQuestion({ host, sending, onScore }: NpsQuestionProps) {
  return (
    <s-stack gap="small-200">
      <s-grid gridTemplateColumns="repeat(6, 1fr)" gap="small-200">
        {SCORES.map((score) => (
          <s-button
            key={score}
            variant="secondary"
            inlineSize="fill"
            disabled={sending}
            accessibilityLabel={host.translate("nps.scoreLabel", { score })}
            onClick={() => onScore(score)}
          >
            {String(score)}
          </s-button>
        ))}
      </s-grid>
      <s-stack direction="inline" justifyContent="space-between" gap="base">
        <s-text color="subdued">{host.translate("nps.low")}</s-text>
        <s-text color="subdued">{host.translate("nps.high")}</s-text>
      </s-stack>
    </s-stack>
  );
}
