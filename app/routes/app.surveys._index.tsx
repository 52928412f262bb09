/**
 * Surveys: what customers are telling us — NPS with its confidence range and trend, NPS by segment and stage,
 * why customers buy (Jobs-To-Be-Done answers) by segment, response rates, the latest answers with free-text
 * search, CSV export, and the question sets in use (edited on their own page).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadSurveysPage } from "../read-models/surveys.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDay, formatNps, formatShare } from "../read-models/format";
import { answerLabel, questionLabel, TARGET_LABELS } from "../read-models/survey-labels";
import { DISTRIBUTION_QUESTIONS } from "../read-models/survey-labels";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { NpsTrendChart } from "../components/NpsTrendChart";
import { DownloadButton } from "../components/DownloadButton";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Surveys · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  const data = await loadSurveysPage(services().db, storeView(store), new URL(request.url).searchParams);
  return { ...data, embedded };
};

export default function SurveysPage() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(data.query);
  const [question, setQuestion] = useState(DISTRIBUTION_QUESTIONS[0]!);
  const { insights, store } = data;
  const nps = insights.overall;
  const distributions = insights.distributions.filter((d) => d.questionId === question);
  const topAnswers = [...new Set(distributions.flatMap((d) => d.answers.map((a) => a.answerId)))].slice(0, 5);
  const goTo = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Page
      title="Surveys"
      subtitle="What customers are telling you"
      primaryAction={{ content: "Edit question sets", url: "/app/surveys/question-sets" }}
      secondaryActions={
        <DownloadButton url="/app/surveys/export" filename="survey-answers.csv" embedded={data.embedded}>
          Export answers (CSV)
        </DownloadButton>
      }
    >
      {insights.answers === 0 ? (
        <Card>
          <EmptyState
            heading="No answers yet"
            image=""
            action={{ content: "Review the questions", url: "/app/surveys/question-sets" }}
          >
            <p>
              Customers are asked why they bought right after paying, and how likely they are to recommend you once the
              order has arrived. Their answers appear here.
            </p>
          </EmptyState>
        </Card>
      ) : (
        <BlockStack gap="500">
          <StatGrid>
            <StatCard
              label="Net Promoter Score"
              value={formatNps(nps.nps)}
              detail={
                nps.ci95 && !nps.smallSample
                  ? `95% range ${formatNps(nps.ci95.low)} to ${formatNps(nps.ci95.high)}`
                  : "Few answers: treat as a first impression"
              }
            />
            <StatCard
              label="Promoters / passives / detractors"
              value={`${formatCount(nps.promoters)} / ${formatCount(nps.passives)} / ${formatCount(nps.detractors)}`}
              detail="Scores 9-10 / 7-8 / 0-6"
            />
            <StatCard
              label="Answers"
              value={formatCount(insights.answers)}
              detail={`from ${formatCount(insights.respondents)} customers`}
            />
            <StatCard
              label="Response rate"
              value={data.rates.map((r) => formatShare(r.rate, 0)).join(" / ")}
              detail="Thank-you page / order status page"
            />
          </StatGrid>
          <Layout>
            <Layout.Section>
              <TitledCard title="NPS by month">
                <NpsTrendChart
                  months={insights.byMonth.map((m) => ({
                    month: m.month,
                    nps: m.summary.nps,
                    responses: m.summary.responses,
                  }))}
                />
              </TitledCard>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <TitledCard title="NPS by segment">
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric"]}
                  headings={["Segment", "NPS", "Answers"]}
                  rows={insights.bySegment.map((g) => [
                    g.group,
                    `${formatNps(g.summary.nps)}${g.summary.smallSample ? "*" : ""}`,
                    formatCount(g.summary.responses),
                  ])}
                  footerContent="* fewer than 30 answers"
                />
              </TitledCard>
            </Layout.Section>
          </Layout>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Why customers buy, by segment
                </Text>
                <Select
                  label="Question"
                  labelInline
                  options={DISTRIBUTION_QUESTIONS.map((id) => ({ label: questionLabel(id), value: id }))}
                  value={question}
                  onChange={setQuestion}
                />
              </InlineStack>
              {distributions.length === 0 ? (
                <Text as="p" tone="subdued">
                  No answers to this question yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", ...topAnswers.map(() => "numeric" as const)]}
                  headings={["Segment", "Answers", ...topAnswers.map((a) => answerLabel(question, a))]}
                  rows={distributions.map((d) => [
                    d.group,
                    formatCount(d.total),
                    ...topAnswers.map((a) => formatShare(d.answers.find((x) => x.answerId === a)?.share ?? 0, 0)),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
          <TitledCard title={data.query ? `Answers mentioning “${data.query}”` : "Latest answers"}>
            <Form method="get" role="search">
              <InlineStack gap="200" blockAlign="end">
                <div style={{ flex: 1 }}>
                  <TextField
                    label="Search what customers wrote"
                    name="q"
                    value={search}
                    onChange={setSearch}
                    autoComplete="off"
                    placeholder="e.g. shipping"
                    clearButton
                    onClearButtonClick={() => setSearch("")}
                  />
                </div>
                <Button submit>Search</Button>
              </InlineStack>
            </Form>
            {data.responses.length === 0 ? (
              <Text as="p" tone="subdued">
                {data.query ? "No answer contains those words." : "No answers yet."}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={["Date", "Question", "Answer", "Segment then"]}
                rows={data.responses.map((r) => [
                  formatDay(r.answeredAt, store.timezone),
                  r.question,
                  r.customerId ? <Link to={`/app/customers/${r.customerId}`}>{r.answer}</Link> : r.answer,
                  r.segment ?? "—",
                ])}
              />
            )}
            <InlineStack align="center">
              <Pagination
                hasPrevious={data.page > 1}
                hasNext={data.hasNext}
                onPrevious={() => goTo(data.page - 1)}
                onNext={() => goTo(data.page + 1)}
                label={`Page ${data.page}`}
              />
            </InlineStack>
          </TitledCard>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  Question sets {data.customSets ? "(yours)" : "(defaults)"}
                </Text>
                <Link to="/app/surveys/question-sets">Edit</Link>
              </InlineStack>
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric"]}
                headings={["Set", "Where", "Who", "Questions"]}
                rows={data.questionSets.map((s) => [
                  s.id,
                  TARGET_LABELS[s.target] ?? s.target,
                  s.audience,
                  s.questions,
                ])}
              />
            </BlockStack>
          </Card>
        </BlockStack>
      )}
    </Page>
  );
}
