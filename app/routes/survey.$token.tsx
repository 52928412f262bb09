/**
 * The hosted survey page: /survey/<token> (Ciclo's e-mailed links) and /survey/woo?t=<token> (the WordPress
 * plugin's thank-you iframe). Plain HTML form, works without JavaScript, one column for phones, labelled
 * fieldsets for screen readers, English or Italian from Accept-Language. Logic: app/surveys/hosted-survey.server.ts.
 */
import {
  data,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { QuestionKind, SurveyQuestionWire } from "../domain/surveys/api";
import { MAX_FREE_TEXT_LENGTH, NPS_MAX_SCORE, NPS_MIN_SCORE } from "../domain/surveys/limits";
import { fill, hostedSurveyStrings, type HostedSurveyStrings } from "../surveys/hosted-survey-strings";
import { showHostedSurvey, submitHostedSurvey, tokenFromRequest } from "../surveys/hosted-survey.server";
import { fieldName, type HostedSurveyView } from "../surveys/hosted-survey-view";
import { surveyRuntime } from "../surveys/survey-runtime.server";
import { config } from "../config.server";
import { assertSameOrigin } from "../security/same-origin.server";

const NO_STORE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
const STATUS: Record<HostedSurveyView["state"], number> = {
  ask: 200,
  thanks: 200,
  "not-asked": 200,
  expired: 410,
  invalid: 403,
};

/** Set by the action on the request's context: the page rendered after a submission is not a new showing. */
interface SurveyRequestContext {
  surveySubmitted?: boolean;
}

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const view = await showHostedSurvey(request, tokenFromRequest(request, params.token), surveyRuntime(), {
    recordImpression: !(context as SurveyRequestContext).surveySubmitted,
  });
  return data(view, { status: STATUS[view.state], headers: NO_STORE });
};

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  (context as SurveyRequestContext).surveySubmitted = true;
  // The form is only ever posted from this page; a foreign page must not answer with a leaked link.
  assertSameOrigin(request, config().appUrl);
  const { status, view } = await submitHostedSurvey(request, tokenFromRequest(request, params.token), surveyRuntime());
  return data(view, { status, headers: NO_STORE });
};

export const headers: HeadersFunction = () => NO_STORE;

export const meta: MetaFunction = () => [{ title: "Survey" }, { name: "robots", content: "noindex" }];

const CSS = `
.cs{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;max-width:34rem;margin:0 auto;padding:1rem}
.cs h1{font-size:1.25rem;margin:0 0 .25rem}.cs p{margin:.25rem 0 1rem}
.cs fieldset{border:0;margin:0 0 1.25rem;padding:0}.cs legend{font-weight:600;margin-bottom:.5rem;padding:0}
.cs .opts{display:grid;gap:.5rem}.cs .nps{display:grid;grid-template-columns:repeat(6,1fr);gap:.4rem}
.cs label.opt{display:flex;align-items:center;gap:.6rem;min-height:44px;padding:.5rem .75rem;border:1px solid #8a8a8a;border-radius:.5rem}
.cs .nps label.opt{justify-content:center;padding:.5rem 0}
.cs input[type=radio]{width:1.1rem;height:1.1rem;margin:0}
.cs label.opt:has(input:checked){border-color:#005bd3;box-shadow:0 0 0 2px #005bd3}
.cs :focus-visible{outline:3px solid #005bd3;outline-offset:2px}
.cs textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #8a8a8a;border-radius:.5rem}
.cs .hint{font-size:.875rem;color:#4a4a4a}.cs .err{color:#8e1f0b;font-weight:600}
.cs button{font:inherit;font-weight:600;min-height:48px;width:100%;border:0;border-radius:.5rem;background:#1a1a1a;color:#fff}
`;

interface ControlProps {
  question: SurveyQuestionWire;
  strings: HostedSurveyStrings;
  invalid: boolean;
  label: string;
  name: string;
  errorId: string;
  error: JSX.Element | null;
}

interface RadioOption {
  value: string;
  text: string;
  aria: string | undefined;
}

function RadioGroup({
  invalid,
  label,
  name,
  errorId,
  error,
  options,
  scale,
  hint,
}: ControlProps & {
  options: RadioOption[];
  /** A numeric scale laid out as a grid rather than a list. */
  scale: boolean;
  hint: JSX.Element | null;
}) {
  return (
    <fieldset aria-describedby={invalid ? errorId : undefined}>
      <legend>{label}</legend>
      {hint}
      <div className={scale ? "nps" : "opts"}>
        {options.map((option) => (
          <label className="opt" key={option.value}>
            <input type="radio" name={name} value={option.value} aria-label={option.aria} />
            <span aria-hidden={option.aria ? true : undefined}>{option.text}</span>
          </label>
        ))}
      </div>
      {error}
    </fieldset>
  );
}

/** How each question kind is asked on this page; a new kind in the question-kind table must add its control here. */
const KIND_CONTROLS: Record<QuestionKind, (props: ControlProps) => JSX.Element> = {
  choice: (props) => (
    <RadioGroup
      {...props}
      scale={false}
      hint={null}
      options={(props.question.answers ?? []).map(({ id }) => ({
        value: id,
        text: (props.strings.answers as Record<string, Record<string, string>>)[props.question.id]?.[id] ?? id,
        aria: undefined,
      }))}
    />
  ),
  nps: (props) => (
    <RadioGroup
      {...props}
      scale
      hint={
        <p className="hint">
          {props.strings.nps.low} · {props.strings.nps.high}
        </p>
      }
      options={Array.from({ length: NPS_MAX_SCORE - NPS_MIN_SCORE + 1 }, (_, i) => ({
        value: String(NPS_MIN_SCORE + i),
        text: String(NPS_MIN_SCORE + i),
        aria: fill(props.strings.nps.scoreLabel, { score: NPS_MIN_SCORE + i }),
      }))}
    />
  ),
  text: ({ question, strings, invalid, label, name, errorId, error }) => (
    <div>
      <label htmlFor={name}>
        <strong>{label}</strong>
      </label>
      <p className="hint" id={`${question.id}-hint`}>
        {fill(strings.text.label, { max: MAX_FREE_TEXT_LENGTH })}
      </p>
      <textarea
        id={name}
        name={name}
        maxLength={MAX_FREE_TEXT_LENGTH}
        aria-describedby={`${question.id}-hint${invalid ? ` ${errorId}` : ""}`}
        aria-invalid={invalid || undefined}
      />
      {error}
    </div>
  ),
};

function Question({
  question,
  strings,
  invalid,
}: {
  question: SurveyQuestionWire;
  strings: HostedSurveyStrings;
  invalid: boolean;
}) {
  const label = (strings.questions as Record<string, string>)[question.id] ?? question.id;
  const errorId = `${question.id}-error`;
  const error = invalid ? (
    <p id={errorId} className="err" role="alert">
      {strings.page.errors}
    </p>
  ) : null;
  const Control = KIND_CONTROLS[question.kind];
  return (
    <Control
      question={question}
      strings={strings}
      invalid={invalid}
      label={label}
      name={fieldName(question.id)}
      errorId={errorId}
      error={error}
    />
  );
}

export default function HostedSurvey() {
  const loaded = useLoaderData<typeof loader>();
  const submitted = useActionData<typeof action>();
  const view = (submitted ?? loaded) as HostedSurveyView;
  const strings = hostedSurveyStrings(view.locale);
  const message =
    view.state === "thanks"
      ? strings.survey.thanks
      : view.state === "expired"
        ? strings.page.expired
        : view.state === "invalid"
          ? strings.page.invalid
          : view.state === "not-asked"
            ? strings.page.notAsked
            : null;
  return (
    <main className="cs" lang={view.locale}>
      <style>{CSS}</style>
      <h1>{strings.page.title}</h1>
      {view.state !== "ask" ? (
        <p role="status">{message}</p>
      ) : (
        <Form method="post" replace>
          <p>{strings.page.intro}</p>
          {view.questions.map((question) => (
            <Question
              key={question.id}
              question={question}
              strings={strings}
              invalid={view.errors.some((error) => error.field === question.id)}
            />
          ))}
          <button type="submit" aria-label={strings.survey.sendLabel}>
            {strings.survey.send}
          </button>
        </Form>
      )}
    </main>
  );
}
