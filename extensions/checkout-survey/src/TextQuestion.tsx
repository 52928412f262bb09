/** @jsxImportSource preact */
import { MAX_FREE_TEXT_LENGTH } from "../../../app/domain/surveys/limits";
import type { SurveyHost } from "./host";

interface TextQuestionProps {
  host: SurveyHost;
  draft: string;
  sending: boolean;
  onDraft(draft: string): void;
  onSend(text: string): void;
}

export function TextQuestion({ host, draft, sending, onDraft, onSend }: TextQuestionProps) {
  const text = draft.trim();
  return (
    <s-stack gap="small-200">
      <s-text-area
        label={host.translate("text.label", { max: MAX_FREE_TEXT_LENGTH })}
        rows={3}
        maxLength={MAX_FREE_TEXT_LENGTH}
        value={draft}
        disabled={sending}
        onInput={(event: Event) => onDraft((event.currentTarget as HTMLTextAreaElement).value ?? "")}
      />
      <s-button
        variant="primary"
        disabled={sending || text.length === 0}
        loading={sending}
        accessibilityLabel={host.translate("survey.sendLabel")}
        onClick={() => text.length > 0 && onSend(text)}
      >
        {host.translate("survey.send")}
      </s-button>
    </s-stack>
  );
}
