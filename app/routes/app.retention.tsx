/**
 * Retention: who comes back (cohorts by first-order month, a heat map of the share returning in months 1..12),
 * the churn rate per year and per segment, and what one more point of repeat rate in a segment is worth.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, Layout, Page, Select, Text } from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatMoney, formatShare } from "../read-models/format";
import { loadRetentionPage } from "../read-models/intelligence/intelligence.server";
import { ChartFrame } from "../components/ChartFrame";
import { LazyBarChart } from "../components/charts/lazy";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Retention · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const segment = new URL(request.url).searchParams.get("segment");
  return loadRetentionPage(services().db, storeView(store), segment);
};

const dayText = (epochDay: number) =>
  new Date(epochDay * 86_400_000).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });

/** Background for a share: light to dark green; text stays dark for contrast. */
function cellColour(share: number | null, max: number): string {
  if (share === null) return "transparent";
  const t = max > 0 ? Math.min(1, share / max) : 0;
  const lightness = 96 - t * 50;
  return `hsl(145 55% ${lightness}%)`;
}

export default function RetentionPage() {
  const { store, insight, computedAt, segment, segments, whatIf } = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  const submit = useSubmit();
  if (!insight) {
    return (
      <Page title="Retention" subtitle="Who comes back, and what is my churn?">
        <Card>
          <EmptyState heading="No retention analysis yet" image="">
            <p>
              After the next nightly recompute, this page shows how many customers of each month came back, your churn
              rate per year and per segment, and what one more point of repeat rate would be worth.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const { cohorts } = insight;
  const M = cohorts.months;
  const max = Math.max(0.01, ...cohorts.share.filter((v): v is number => v !== null));
  const latestYear = insight.churnYears[0];
  const money = (minor: number) => formatMoney(Math.round(minor), store.currency);
  const segmentName = segments.find((s) => s.slug === segment)?.name ?? segment;
  const retention = whatIf.find((r) => r.lever === "retention");
  const frequency = whatIf.find((r) => r.lever === "frequency");
  const churnSegments = insight.churnSegments.filter((r) => r.active > 0);

  return (
    <Page
      title="Retention"
      subtitle="Who comes back, what is my churn, and what is one more point of repeat rate worth?"
    >
      <BlockStack gap="500">
        <Text as="p" tone="subdued">
          Updated {formatDateTime(computedAt, store.timezone)}. A customer churned in a year when they bought in the
          year before it and not during it.
        </Text>
        <StatGrid>
          <StatCard
            label="Churn rate, last 12 months"
            value={formatShare(latestYear?.rate ?? null)}
            detail={
              latestYear
                ? `${formatCount(latestYear.churned)} of ${formatCount(latestYear.active)} customers who bought in the year to ${dayText(latestYear.startDay)} did not buy again by ${dayText(latestYear.endDay)}`
                : undefined
            }
          />
          {insight.churnYears.slice(1).map((w, k) => (
            <StatCard
              key={w.endDay}
              label={`Churn rate, ${k + 1} year${k === 0 ? "" : "s"} earlier`}
              value={formatShare(w.rate)}
              detail={`${formatCount(w.churned)} of ${formatCount(w.active)} (year to ${dayText(w.endDay)})`}
            />
          ))}
          <StatCard
            label="Came back in their second month (average)"
            value={formatShare(cohorts.averageShare[0] ?? null)}
            detail="Share of new customers buying again in the month after their first"
          />
        </StatGrid>
        <TitledCard title="Cohorts: share of each month's new customers buying again">
          <div style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label="Cohort table, scrollable">
            <table style={{ borderCollapse: "separate", borderSpacing: 2, width: "100%", minWidth: 760 }}>
              <caption style={{ textAlign: "left", paddingBottom: 8 }}>
                <Text as="span" tone="subdued">
                  Rows: the month of the first order, with its new customers. Columns: months later (1 = the next
                  month). Each cell: the share of that month's new customers who bought in that month. Empty cells have
                  not happened yet.
                </Text>
              </caption>
              <thead>
                <tr>
                  <th scope="col" style={{ textAlign: "left" }}>
                    <Text as="span" variant="bodySm">
                      First order
                    </Text>
                  </th>
                  <th scope="col">
                    <Text as="span" variant="bodySm">
                      New
                    </Text>
                  </th>
                  {Array.from({ length: M }, (_, k) => (
                    <th key={k} scope="col">
                      <Text as="span" variant="bodySm">
                        {k + 1}
                      </Text>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cohorts.cohorts.map((label, row) => (
                  <tr key={label}>
                    <th scope="row" style={{ textAlign: "left", whiteSpace: "nowrap" }}>
                      <Text as="span" variant="bodySm">
                        {label}
                      </Text>
                    </th>
                    <td style={{ textAlign: "right", paddingRight: 6 }}>
                      <Text as="span" variant="bodySm">
                        {formatCount(cohorts.size[row] ?? 0)}
                      </Text>
                    </td>
                    {Array.from({ length: M }, (_, k) => {
                      const share = cohorts.share[row * M + k] ?? null;
                      return (
                        <td
                          key={k}
                          style={{
                            background: cellColour(share, max),
                            textAlign: "center",
                            padding: "4px 2px",
                            borderRadius: 4,
                            color: "#1a1a1a",
                          }}
                        >
                          <Text as="span" variant="bodySm">
                            {share === null ? "" : formatShare(share, 0)}
                          </Text>
                        </td>
                      );
                    })}
                  </tr>
                ))}
                <tr>
                  <th scope="row" style={{ textAlign: "left" }}>
                    <Text as="span" variant="bodySm" fontWeight="semibold">
                      Average
                    </Text>
                  </th>
                  <td />
                  {cohorts.averageShare.map((share, k) => (
                    <td key={k} style={{ textAlign: "center" }}>
                      <Text as="span" variant="bodySm" fontWeight="semibold">
                        {formatShare(share, 0)}
                      </Text>
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>
        </TitledCard>
        <Layout>
          <Layout.Section>
            <TitledCard title="Churn per segment, last 12 months">
              <Text as="p" tone="subdued">
                Segments as customers were a year ago: of those who had bought in the year before, the share who did not
                buy in the last 12 months.
              </Text>
              {churnSegments.length > 0 && (
                <ChartFrame
                  height={320}
                  summary="Churn rate per segment over the last 12 months; the table has the figures."
                >
                  <LazyBarChart
                    horizontal
                    data={[
                      {
                        name: "Churn rate",
                        data: churnSegments.map((r) => ({ key: r.name, value: Math.round((r.rate ?? 0) * 1000) / 10 })),
                      },
                    ]}
                    formatValue={(v) => `${v}%`}
                  />
                </ChartFrame>
              )}
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Segment a year ago", "Customers", "Churned", "Churn rate"]}
                rows={churnSegments.map((r) => [
                  r.name,
                  formatCount(r.active),
                  formatCount(r.churned),
                  formatShare(r.rate),
                ])}
              />
            </TitledCard>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <TitledCard title="What if the repeat rate rose by one point?">
              <Select
                label="Segment"
                name="segment"
                options={segments.map((s) => ({ label: s.name, value: s.slug }))}
                value={segment}
                onChange={(value) => submit({ segment: value }, { method: "get" })}
              />
              {!insight.predictive ? (
                <Text as="p" tone="subdued">
                  This needs the purchase model, which starts once the store has enough repeat customers (see
                  Predictions).
                </Text>
              ) : whatIf.length === 0 ? (
                <Text as="p" tone="subdued">
                  No customers in {segmentName} right now.
                </Text>
              ) : (
                <BlockStack gap="300">
                  {retention && (
                    <BlockStack gap="100">
                      <Text as="p" variant="headingLg">
                        {retention.reachable ? `+${money(retention.revenueGained)}` : "Not reachable"}
                      </Text>
                      <Text as="p">
                        over the next 12 months if one more in a hundred {segmentName} customers stays (their expected
                        repeat rate from {formatShare(retention.repeatRate)} to{" "}
                        {formatShare(retention.targetRepeatRate)}
                        ).
                      </Text>
                      <Text as="p" variant="bodySm" tone="subdued">
                        The model expects {formatShare(retention.repeatRate)} of these{" "}
                        {formatCount(retention.customers)} customers to buy again within 12 months; keeping a few more
                        of those it thinks have quietly left adds about {retention.extraOrders.toFixed(1)} orders at
                        each customer's expected order value.
                      </Text>
                    </BlockStack>
                  )}
                  {frequency && (
                    <BlockStack gap="100">
                      <Text as="p" fontWeight="semibold">
                        {frequency.reachable
                          ? `+${money(frequency.revenueGained)} if they bought more often instead`
                          : "Buying more often cannot lift it that far"}
                      </Text>
                      <Text as="p" variant="bodySm" tone="subdued">
                        Everyone buying {frequency.factor.toFixed(3)} times as often gives the same one point: about{" "}
                        {frequency.extraOrders.toFixed(1)} more orders.
                      </Text>
                    </BlockStack>
                  )}
                  <Text as="p" variant="bodySm" tone="subdued">
                    From the fitted purchase model for these {formatCount(whatIf[0]!.customers)} customers, not a fixed
                    multiplier: revenue, before costs.
                  </Text>
                </BlockStack>
              )}
            </TitledCard>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
