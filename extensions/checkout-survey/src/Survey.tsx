/** @jsxImportSource preact */
/**
 * The survey block shared by both targets: loads its questions, asks them one at a time, sends each answer
 * as it is given. Nothing is rendered until there is something to ask, and any failure makes the block go
 * away quietly: the page around it (the order confirmation) always matters more.
 *
 * A class component rather than hooks: preact/hooks would add 2.5 KB to a bundle with a 20 KB budget.
 */
import { Component, type JSX } from "preact";
import type {
  QuestionKind,
  SurveyAnswerRequest,
  SurveyQuestionWire,
  SurveyTarget,
} from "../../../app/domain/surveys/api";
import { ChoiceQuestion } from "./ChoiceQuestion";
import type { SurveyHost } from "./host";
import { NpsQuestion } from "./NpsQuestion";
import { fetchSurveyQuestions, submitSurveyAnswer, type SurveyClient } from "./survey-client";
import { TextQuestion } from "./TextQuestion";

export interface SurveyProps {
  host: SurveyHost;
  client: SurveyClient;
  target: SurveyTarget;
  orderId: string;
  /** Extra condition checked before asking the server (order-status: has the order arrived?). */
  isReady?: () => Promise<boolean>;
}

type SurveyState =
  | { phase: "loading" }
  | { phase: "hidden" }
  | {
      phase: "asking";
      questions: SurveyQuestionWire[];
      index: number;
      answered: number;
      sending: boolean;
      draft: string;
    }
  | { phase: "thanks" };

type AnswerValue = Pick<SurveyAnswerRequest, "answerId" | "score" | "text">;

interface KindViewProps {
  host: SurveyHost;
  question: SurveyQuestionWire;
  sending: boolean;
  draft: string;
  onDraft(draft: string): void;
  send(value: AnswerValue): void;
}

/**
 * How each question kind is asked. The server's question-kind table cannot be bundled here (20 KB budget), so
 * this record keyed by the same `QuestionKind` is the compile-time check: a new kind fails typecheck until it has a view.
 */
const KIND_VIEWS: Record<QuestionKind, (props: KindViewProps) => JSX.Element> = {
  choice: ({ host, question, sending, send }) => (
    <ChoiceQuestion host={host} question={question} sending={sending} onAnswer={(answerId) => send({ answerId })} />
  ),
  nps: ({ host, sending, send }) => <NpsQuestion host={host} sending={sending} onScore={(score) => send({ score })} />,
  text: ({ host, draft, sending, onDraft, send }) => (
    <TextQuestion host={host} draft={draft} sending={sending} onDraft={onDraft} onSend={(text) => send({ text })} />
  ),
};

/** Remembers, per order and target, that the customer finished or dismissed the survey (survives reloads). */
export function surveyFlagKey(target: SurveyTarget, orderId: string): string {
  return `ciclo-survey:${target}:${orderId}`;
}

export class Survey extends Component<SurveyProps, SurveyState> {
  override state: SurveyState = { phase: "loading" };
  private mounted = false;
  // Not state: a double tap arrives before the re-render that disables the buttons.
  private sending = false;

  private get flagKey() {
    return surveyFlagKey(this.props.target, this.props.orderId);
  }

  private show(state: SurveyState) {
    if (this.mounted) this.setState(state);
  }

  override componentDidMount() {
    this.mounted = true;
    this.load().then(
      (questions) =>
        this.show(
          questions
            ? { phase: "asking", questions, index: 0, answered: 0, sending: false, draft: "" }
            : { phase: "hidden" },
        ),
      () => this.show({ phase: "hidden" }),
    );
  }

  override componentWillUnmount() {
    this.mounted = false;
  }

  private async load(): Promise<SurveyQuestionWire[] | null> {
    const { host, client, target, orderId, isReady } = this.props;
    if ((await host.readFlag(this.flagKey)) !== null) return null;
    if (isReady && !(await isReady())) return null;
    return fetchSurveyQuestions(client, target, orderId, host.locale);
  }

  private advance(answered: number) {
    const state = this.state;
    if (state.phase !== "asking") return;
    if (state.index + 1 < state.questions.length) {
      this.show({ ...state, index: state.index + 1, answered, sending: false, draft: "" });
      return;
    }
    void this.props.host.writeFlag(this.flagKey, "done");
    // Only thank for answers that were actually stored; a survey skipped to the end just goes away.
    this.show({ phase: answered > 0 ? "thanks" : "hidden" });
  }

  private async send(value: AnswerValue) {
    const state = this.state;
    if (this.sending || state.phase !== "asking") return;
    this.sending = true;
    this.show({ ...state, sending: true });
    const { client, target, orderId } = this.props;
    const questionId = state.questions[state.index]!.id;
    const stored = await submitSurveyAnswer(client, { target, orderId, questionId, ...value });
    this.sending = false;
    // Retried once already: hide rather than thank for an answer the server never got.
    if (stored) this.advance(state.answered + 1);
    else this.show({ phase: "hidden" });
  }

  private setDraft(draft: string) {
    if (this.state.phase === "asking") this.show({ ...this.state, draft });
  }

  private dismiss() {
    void this.props.host.writeFlag(this.flagKey, "dismissed");
    this.show({ phase: "hidden" });
  }

  override render() {
    const { host } = this.props;
    const state = this.state;
    const heading = host.translate("survey.heading");
    if (state.phase === "thanks") {
      return (
        <s-section heading={heading}>
          <s-text>{host.translate("survey.thanks")}</s-text>
        </s-section>
      );
    }
    if (state.phase !== "asking") return null;

    const { questions, index, sending } = state;
    const question = questions[index]!;
    return (
      <s-section heading={heading}>
        <s-stack gap="base">
          <s-text color="subdued">
            {host.translate("survey.progress", { current: index + 1, total: questions.length })}
          </s-text>
          <s-heading>{host.translate(`questions.${question.id}`)}</s-heading>
          {KIND_VIEWS[question.kind]({
            host,
            question,
            sending,
            draft: state.draft,
            onDraft: (draft) => this.setDraft(draft),
            send: (value) => void this.send(value),
          })}
          <s-stack direction="inline" gap="base" justifyContent="space-between">
            {question.optional ? (
              <s-button
                variant="secondary"
                disabled={sending}
                accessibilityLabel={host.translate("survey.skipLabel")}
                onClick={() => this.advance(state.answered)}
              >
                {host.translate("survey.skip")}
              </s-button>
            ) : null}
            <s-button
              variant="secondary"
              accessibilityLabel={host.translate("survey.dismissLabel")}
              onClick={() => this.dismiss()}
            >
              {host.translate("survey.dismiss")}
            </s-button>
          </s-stack>
        </s-stack>
      </s-section>
    );
  }
}
