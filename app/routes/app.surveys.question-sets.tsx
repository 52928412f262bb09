/**
 * Question-set editor: which questions each kind of customer is asked, where. Sets are tried top to bottom and
 * the first whose audience matches is used, so the most specific go first and every page needs one set for
 * everyone. Saved only after the survey domain's validateQuestionSets accepts the whole list.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  ChoiceList,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundedFormData } from "../security/bounded-body.server";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { readQuestionSets, resetQuestionSets, saveQuestionSets } from "../read-models/question-sets.server";
import { DEFAULT_QUESTIONS, type QuestionSet } from "../domain/surveys";
import { RFM_SEGMENTS } from "../domain/segments";
import { LIFECYCLE_STAGES } from "../domain/lifecycle";
import { questionLabel, TARGET_LABELS } from "../read-models/survey-labels";

export const meta = () => [{ title: "Survey question sets · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return readQuestionSets(services().db, store.id);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { store } = await requireStore(request);
  const form = await boundedFormData(request);
  if (form.get("intent") === "reset") {
    await resetQuestionSets(services().db, store.id);
    return { ok: true as const, errors: [] };
  }
  const result = await saveQuestionSets(services().db, store.id, String(form.get("sets") ?? ""));
  return result.ok ? { ok: true as const, errors: [] } : { ok: false as const, errors: result.errors };
};

type EditableSet = {
  id: string;
  target: string;
  audience: { segments: string[]; stages: string[]; firstOrder: boolean };
  questions: { questionId: string; optional: boolean; answers?: readonly string[] }[];
};

function editable(set: QuestionSet): EditableSet {
  return {
    id: set.id,
    target: set.target,
    audience: {
      segments: [...(set.audience.segments ?? [])],
      stages: [...(set.audience.stages ?? [])],
      firstOrder: set.audience.firstOrder ?? false,
    },
    questions: set.questions.map((q) => ({ ...q })),
  };
}

/** Back to the stored shape: empty criteria are left out (an empty audience means everyone). */
function toStored(set: EditableSet) {
  return {
    id: set.id,
    target: set.target,
    audience: {
      ...(set.audience.segments.length ? { segments: set.audience.segments } : {}),
      ...(set.audience.stages.length ? { stages: set.audience.stages } : {}),
      ...(set.audience.firstOrder ? { firstOrder: true } : {}),
    },
    questions: set.questions,
  };
}

export default function QuestionSetsPage() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [sets, setSets] = useState<EditableSet[]>(() => loaded.sets.map((s) => editable(s as QuestionSet)));
  useEffect(() => setSets(loaded.sets.map((s) => editable(s as QuestionSet))), [loaded]);
  const saving = navigation.state === "submitting";

  const change = (index: number, update: (set: EditableSet) => EditableSet) =>
    setSets((current) => current.map((set, i) => (i === index ? update(set) : set)));
  const changeAudience = (index: number, audience: Partial<EditableSet["audience"]>) =>
    change(index, (s) => ({ ...s, audience: { ...s.audience, ...audience } }));
  const move = (index: number, by: number) =>
    setSets((current) => {
      const next = [...current];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });

  return (
    <Page
      title="Survey question sets"
      backAction={{ content: "Surveys", url: "/app/surveys" }}
      primaryAction={{
        content: "Save",
        loading: saving,
        onAction: () => submit({ intent: "save", sets: JSON.stringify(sets.map(toStored)) }, { method: "post" }),
      }}
      secondaryActions={[
        {
          content: "Reset to defaults",
          destructive: true,
          onAction: () => submit({ intent: "reset" }, { method: "post" }),
        },
      ]}
    >
      <BlockStack gap="400">
        {result?.ok === true && !saving && <Banner tone="success" title="Question sets saved" />}
        {result?.ok === false && (
          <Banner tone="critical" title="Not saved: please fix these">
            <List>
              {result.errors.map((e, i) => (
                <List.Item key={i}>{`${e.path ? describePath(e.path, sets) + ": " : ""}${e.message}`}</List.Item>
              ))}
            </List>
          </Banner>
        )}
        <Text as="p" tone="subdued">
          {loaded.custom ? "You are using your own question sets." : "You are using Ciclo's default question sets."} For
          each customer the first matching set (top to bottom) is used. At most 6 questions per set: every extra
          question loses respondents.
        </Text>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {sets.map((set, index) => {
                const available = DEFAULT_QUESTIONS.filter((q) =>
                  (q.targets as readonly string[]).includes(set.target),
                );
                return (
                  <section key={index} aria-label={`Question set ${set.id}`}>
                    <Card>
                      <BlockStack gap="300">
                        <InlineStack align="space-between" blockAlign="center">
                          <Text as="h2" variant="headingMd">
                            {index + 1}. {set.id || "New set"}
                          </Text>
                          <ButtonGroup>
                            <Button
                              disabled={index === 0}
                              onClick={() => move(index, -1)}
                              accessibilityLabel={`Move ${set.id} up`}
                            >
                              Up
                            </Button>
                            <Button
                              disabled={index === sets.length - 1}
                              onClick={() => move(index, 1)}
                              accessibilityLabel={`Move ${set.id} down`}
                            >
                              Down
                            </Button>
                            <Button
                              tone="critical"
                              onClick={() => setSets((c) => c.filter((_, i) => i !== index))}
                              accessibilityLabel={`Delete ${set.id}`}
                            >
                              Delete
                            </Button>
                          </ButtonGroup>
                        </InlineStack>
                        <InlineStack gap="400" wrap>
                          <TextField
                            label="Name (id)"
                            value={set.id}
                            autoComplete="off"
                            onChange={(id) => change(index, (s) => ({ ...s, id }))}
                          />
                          <Select
                            label="Asked on"
                            options={Object.entries(TARGET_LABELS)
                              .filter(([value]) => value !== "hosted")
                              .map(([value, label]) => ({ value, label }))}
                            value={set.target}
                            onChange={(target) => change(index, (s) => ({ ...s, target, questions: [] }))}
                          />
                        </InlineStack>
                        <InlineStack gap="600" wrap align="start">
                          <ChoiceList
                            allowMultiple
                            title="Segments (none = everyone)"
                            choices={RFM_SEGMENTS.map((s) => ({ label: s, value: s }))}
                            selected={set.audience.segments}
                            onChange={(segments) => changeAudience(index, { segments })}
                          />
                          <BlockStack gap="300">
                            <ChoiceList
                              allowMultiple
                              title="Lifecycle stages"
                              choices={LIFECYCLE_STAGES.map((s) => ({ label: s, value: s }))}
                              selected={set.audience.stages}
                              onChange={(stages) => changeAudience(index, { stages })}
                            />
                            <Checkbox
                              label="Customers placing their first order"
                              checked={set.audience.firstOrder}
                              onChange={(firstOrder) => changeAudience(index, { firstOrder })}
                            />
                          </BlockStack>
                        </InlineStack>
                        <BlockStack gap="200">
                          <Text as="h3" variant="headingSm">
                            Questions, in order
                          </Text>
                          {set.questions.map((q, qi) => (
                            <InlineStack key={qi} gap="300" blockAlign="end" wrap={false}>
                              <div style={{ flex: 1 }}>
                                <Select
                                  label={`Question ${qi + 1}`}
                                  options={available.map((a) => ({ value: a.id, label: questionLabel(a.id) }))}
                                  value={q.questionId}
                                  onChange={(questionId) =>
                                    change(index, (s) => ({
                                      ...s,
                                      questions: s.questions.map((x, i) =>
                                        i === qi ? { questionId, optional: x.optional } : x,
                                      ),
                                    }))
                                  }
                                />
                              </div>
                              <Checkbox
                                label="Can be skipped"
                                checked={q.optional}
                                onChange={(optional) =>
                                  change(index, (s) => ({
                                    ...s,
                                    questions: s.questions.map((x, i) => (i === qi ? { ...x, optional } : x)),
                                  }))
                                }
                              />
                              <Button
                                onClick={() =>
                                  change(index, (s) => ({ ...s, questions: s.questions.filter((_, i) => i !== qi) }))
                                }
                                accessibilityLabel={`Remove question ${qi + 1}`}
                              >
                                Remove
                              </Button>
                            </InlineStack>
                          ))}
                          <InlineStack>
                            <Button
                              disabled={available.length === 0}
                              onClick={() =>
                                change(index, (s) => ({
                                  ...s,
                                  questions: [
                                    ...s.questions,
                                    {
                                      questionId:
                                        available.find((a) => !s.questions.some((q) => q.questionId === a.id))?.id ??
                                        available[0]!.id,
                                      optional: true,
                                    },
                                  ],
                                }))
                              }
                            >
                              Add question
                            </Button>
                          </InlineStack>
                        </BlockStack>
                      </BlockStack>
                    </Card>
                  </section>
                );
              })}
              <InlineStack>
                <Button
                  onClick={() =>
                    setSets((c) => [
                      ...c,
                      {
                        id: `set-${c.length + 1}`,
                        target: "thank-you",
                        audience: { segments: [], stages: [], firstOrder: false },
                        questions: [{ questionId: "jtbd-trigger", optional: true }],
                      },
                    ])
                  }
                >
                  Add question set
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

/** "[2].questions[1].questionId" -> "Set 3 (winback), question 2". */
function describePath(path: string, sets: EditableSet[]): string {
  const set = /^\[(\d+)\]/.exec(path);
  const question = /questions\[(\d+)\]/.exec(path);
  if (!set) return path;
  const index = Number(set[1]);
  return `Set ${index + 1} (${sets[index]?.id ?? ""})${question ? `, question ${Number(question[1]) + 1}` : ""}`;
}
