/**
 * Customer: the scores behind their segment, their segment history, what they are worth now and are expected
 * to be worth, whether they are likely still a customer and when they should order next, their orders and
 * what they told us.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadCustomerPage } from "../read-models/customer.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDay, formatDayKey, formatMoney, formatShare } from "../read-models/format";
import { segmentBySlug, segmentName, stageName } from "../domain/names";
import { customerInsight } from "../read-models/intelligence/intelligence.server";
import { NextProductCard } from "../components/NextProductCard";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Customer · Ciclo" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  const data = await loadCustomerPage(services().db, storeView(store), params.id ?? "", embedded);
  if (!data) throw new Response("No such customer in this store", { status: 404 });
  return { ...data, insight: await customerInsight(services().db, store.id, data.customer.id) };
};

function ScoreBar({ label, score, meaning }: { label: string; score: number; meaning: string }) {
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" fontWeight="semibold">
          {label}
        </Text>
        <Text as="span">{score > 0 ? `${score} of 5` : "—"}</Text>
      </InlineStack>
      <div aria-hidden style={{ display: "flex", gap: 4 }}>
        {[1, 2, 3, 4, 5].map((i) => (
          <div
            key={i}
            style={{ flex: 1, height: 8, borderRadius: 4, background: i <= score ? "#2979ff" : "#e3e3e3" }}
          />
        ))}
      </div>
      <Text as="p" variant="bodySm" tone="subdued">
        {meaning}
      </Text>
    </BlockStack>
  );
}

export default function CustomerPage() {
  const data = useLoaderData<typeof loader>();
  const { store, customer, score } = data;
  const money = (minor: string | null) => formatMoney(minor, store.currency);
  const tz = store.timezone;
  const segment = score ? segmentBySlug(score.segment) : null;

  return (
    <Page
      title={customer.name}
      subtitle={customer.email ?? undefined}
      backAction={
        segment ? { content: segment.name, url: `/app/segments/${segment.slug}` } : { content: "Overview", url: "/app" }
      }
      titleMetadata={
        score ? (
          <InlineStack gap="100">
            <Badge tone="info">{segmentName(score.segment)}</Badge>
            <Badge>{stageName(score.stage)}</Badge>
          </InlineStack>
        ) : undefined
      }
      secondaryActions={
        data.storeCustomerUrl ? [{ content: "Open in Shopify", url: data.storeCustomerUrl, target: "_top" }] : []
      }
    >
      {!score ? (
        <Card>
          <EmptyState heading="Not scored yet" image="">
            <p>This customer gets their scores in the next nightly recompute.</p>
          </EmptyState>
        </Card>
      ) : (
        <BlockStack gap="500">
          <StatGrid>
            <StatCard
              label="Spent so far"
              value={money(score.spendMinor)}
              detail={`${formatCount(score.orders)} counted orders`}
            />
            <StatCard
              label="Predicted value, next 12 months"
              value={score.predictedClvMinor === null ? "Not enough data yet" : money(score.predictedClvMinor)}
              detail={
                score.clvPercentile !== null
                  ? `More than ${formatShare(score.clvPercentile, 0)} of customers`
                  : undefined
              }
            />
            <StatCard
              label="Chance they are still a customer"
              value={formatShare(score.pAlive, 0)}
              detail={
                score.expected365 !== null
                  ? `${score.expected365.toFixed(1)} orders expected in the next year`
                  : undefined
              }
            />
            <StatCard
              label="Next order expected"
              value={score.nextOrderAt ? formatDay(score.nextOrderAt, tz) : "—"}
              detail={
                score.lastOrderAt
                  ? `Last order ${formatDay(score.lastOrderAt, tz)} (${score.recencyDays ?? "?"} days ago)`
                  : undefined
              }
            />
          </StatGrid>
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                {data.insight && <NextProductCard insight={data.insight} />}
                <TitledCard title={`Why ${segmentName(score.segment)}`}>
                  {segment && <Text as="p">{segment.definition}</Text>}
                  <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                    <ScoreBar
                      label="Recency"
                      score={score.rScore}
                      meaning={score.lastOrderAt ? `Last order ${score.recencyDays} days ago` : "No orders"}
                    />
                    <ScoreBar label="Frequency" score={score.fScore} meaning={`${score.orders} orders`} />
                    <ScoreBar label="Monetary" score={score.mScore} meaning={`${money(score.spendMinor)} spent`} />
                  </InlineGrid>
                  <Text as="p" variant="bodySm" tone="subdued">
                    Scores compare this customer with the store's other customers (5 = top fifth). Historic value:{" "}
                    {money(score.historicClvMinor)}. Expected orders: {score.expected30?.toFixed(2) ?? "—"} in 30 days,{" "}
                    {score.expected90?.toFixed(2) ?? "—"} in 90 days. Expected order value:{" "}
                    {money(score.expectedAovMinor)}.
                  </Text>
                </TitledCard>
                <TitledCard title="Orders">
                  {data.orders.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No orders synced for this customer.
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "text", "text", "numeric"]}
                      headings={["Order", "Date", "Status", "Value"]}
                      rows={data.orders.map((o) => [
                        o.name,
                        formatDay(o.processedAt, tz),
                        o.counts ? o.status : `${o.status} (not counted)`,
                        formatMoney(o.netMinor, o.currency),
                      ])}
                      footerContent={
                        data.orders.length === data.ordersShown ? `Latest ${data.ordersShown} orders` : undefined
                      }
                    />
                  )}
                </TitledCard>
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <TitledCard title="Segment history">
                  {data.history.length === 0 ? (
                    <Text as="p" tone="subdued">
                      Has been {segmentName(score.segment)} since scoring began.
                    </Text>
                  ) : (
                    <ol aria-label="Segment changes, newest first" style={{ margin: 0, paddingLeft: 18 }}>
                      {data.history.map((h) => (
                        <li key={`${h.day}-${h.toSegment}`} style={{ paddingBottom: 8 }}>
                          <Text as="span" fontWeight="semibold">
                            {formatDayKey(h.day)}
                          </Text>
                          <br />
                          {h.fromSegment
                            ? `${segmentName(h.fromSegment)} → ${segmentName(h.toSegment)}`
                            : `Became ${segmentName(h.toSegment)}`}
                          {h.fromStage !== h.toStage && (
                            <Text as="span" tone="subdued">
                              {" "}
                              (stage: {stageName(h.toStage)})
                            </Text>
                          )}
                        </li>
                      ))}
                    </ol>
                  )}
                </TitledCard>
                <TitledCard title="Survey answers">
                  {data.answers.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No answers from this customer yet.
                    </Text>
                  ) : (
                    <ul style={{ margin: 0, paddingLeft: 18 }}>
                      {data.answers.map((a, i) => (
                        <li key={i} style={{ paddingBottom: 8 }}>
                          <Text as="span" tone="subdued" variant="bodySm">
                            {formatDay(a.answeredAt, tz)} · {a.question}
                          </Text>
                          <br />
                          {a.answer}
                        </li>
                      ))}
                    </ul>
                  )}
                  <Link to="/app/surveys">All survey answers</Link>
                </TitledCard>
              </BlockStack>
            </Layout.Section>
          </Layout>
        </BlockStack>
      )}
    </Page>
  );
}
