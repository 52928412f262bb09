/**
 * Overview: what store staff read every morning — who the best customers are, who is slipping away, what a
 * customer is worth, what customers say, and whether last night's recompute ran. A new store sees onboarding
 * with the live history-import progress instead.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Tabs,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadOverview, type OverviewData } from "../read-models/overview.server";
import { storeView } from "../read-models/store-view";
import {
  formatCount,
  formatDateTime,
  formatDayKey,
  formatDuration,
  formatMoney,
  formatNps,
  formatShare,
  toMajorUnits,
} from "../read-models/format";
import { SEGMENTS, segmentBySlug, segmentName } from "../domain/names";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { SegmentShareChart } from "../components/SegmentShareChart";
import { RfmSegmentGrid } from "../components/RfmSegmentGrid";
import { RecencyFrequencyHeatMap } from "../components/RecencyFrequencyHeatMap";
import { ClvHistogram } from "../components/ClvHistogram";
import { SegmentMovement } from "../components/SegmentMovement";

/** Journey stages a customer slips into (the Journey page's words). */
const SLIPPING_STAGES: ReadonlySet<string> = new Set(["Waiting", "At risk", "Lost"]);
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Overview · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return loadOverview(services().db, storeView(store));
};

function change(now: number, before: number | null): string {
  if (before === null) return "";
  const delta = now - before;
  if (delta === 0) return "no change in a week";
  return `${delta > 0 ? "+" : ""}${formatCount(delta)} in a week`;
}

function RecomputeLine({ data }: { data: OverviewData }) {
  const { last, lastCompleted, next } = data.recompute;
  const tz = data.store.timezone;
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        <Text as="span">Last recompute:</Text>
        {last ? (
          <>
            <Badge tone={last.state === "completed" ? "success" : last.state === "failed" ? "critical" : "info"}>
              {last.state}
            </Badge>
            <Text as="span" tone="subdued">
              {formatDateTime(last.startedAt, tz)} · {formatDuration(last.durationMs)}
            </Text>
          </>
        ) : (
          <Text as="span" tone="subdued">
            not yet
          </Text>
        )}
      </InlineStack>
      {last?.state === "failed" && (
        <Text as="p" tone="critical">
          {last.error ?? "The recompute failed."}{" "}
          {lastCompleted ? `Numbers below are from ${formatDateTime(lastCompleted.finishedAt, tz)}.` : ""}
        </Text>
      )}
      <Text as="p" tone="subdued">
        Next: {next.day === "due now" ? "due now, scheduled" : next.day} at {String(next.hour).padStart(2, "0")}:00 (
        {next.timeZone})
      </Text>
    </BlockStack>
  );
}

function Onboarding({ data }: { data: OverviewData }) {
  const revalidator = useRevalidator();
  const backfill = data.onboarding.backfill;
  const importing = backfill !== null && ["queued", "running", "downloading", "importing"].includes(backfill.state);
  // Live progress while the history imports; the page turns into the overview once the first recompute lands.
  useEffect(() => {
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [revalidator]);
  return (
    <Page title="Welcome to Ciclo" subtitle={data.store.name}>
      <Layout>
        <Layout.Section>
          <Card>
            <EmptyState heading="Your customer insights are being prepared" image="">
              <BlockStack gap="300">
                <Text as="p">
                  Ciclo is importing your order history. As soon as it is in, it scores every customer: RFM segments,
                  lifecycle stages and what each customer is worth. That usually takes a few minutes.
                </Text>
                {backfill ? (
                  <Box minWidth="280px">
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingSm">
                        Order history import
                      </Text>
                      <ProgressBar
                        progress={backfill.state === "completed" ? 100 : (backfill.percent ?? 0)}
                        size="small"
                        tone="primary"
                        ariaLabelledBy="import-progress"
                      />
                      <p id="import-progress">
                        {backfill.state === "completed"
                          ? `${formatCount(backfill.ordersDone)} orders imported. Scoring customers…`
                          : backfill.state === "failed"
                            ? `The import stopped: ${backfill.error ?? "unknown error"}. Try again from the Sync page.`
                            : importing && backfill.percent !== null
                              ? `${formatCount(backfill.ordersDone)} orders imported · ${backfill.percent}%${backfill.etaMs !== null ? ` · about ${formatDuration(backfill.etaMs)} left` : ""}`
                              : "Preparing your order history…"}
                      </p>
                    </BlockStack>
                  </Box>
                ) : (
                  <Text as="p" tone="subdued">
                    The import has not started yet. <Link to="/app/sync">Start it from the Sync page.</Link>
                  </Text>
                )}
              </BlockStack>
            </EmptyState>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <TitledCard title="What you will see here" gap="200">
            <Text as="p">
              Your best customers, who is slipping away, what each customer is worth, and what customers tell you in the
              post-purchase survey.
            </Text>
            <RecomputeLine data={data} />
          </TitledCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export default function OverviewPage() {
  const data = useLoaderData<typeof loader>();
  const [movementTab, setMovementTab] = useState(0);
  if (data.snapshotDay === null) return <Onboarding data={data} />;

  const { store, segments, totals } = data;
  const money = (minor: string) => formatMoney(minor, store.currency);
  const { best, slipping } = data.highlights;
  const bestCustomers = best.customers;
  const bestRevenue = BigInt(best.revenueMinor);
  const slippingCustomers = slipping.customers;
  const slippingWeekAgo = slipping.customersWeekAgo;
  const avgClv =
    totals.customers > 0
      ? segments.reduce((n, s) => n + BigInt(s.avgClvMinor) * BigInt(s.customers), 0n) / BigInt(totals.customers)
      : 0n;
  const nps = data.nps.overall;
  const segmentUrl = (slug: string) => `/app/segments/${slug}`;

  return (
    <Page title="Overview" subtitle={`${store.name} · customers scored on ${formatDayKey(data.snapshotDay)}`}>
      <BlockStack gap="500">
        <StatGrid>
          <StatCard
            label="Best customers (Champions + Loyal)"
            value={formatCount(bestCustomers)}
            detail={`${formatShare(totals.customers ? bestCustomers / totals.customers : null)} of customers, ${formatShare(BigInt(totals.revenueMinor) > 0n ? Number(bestRevenue) / Number(totals.revenueMinor) : null)} of revenue`}
          />
          <StatCard
            label="Slipping away"
            value={formatCount(slippingCustomers)}
            detail={`At risk, Previously loyal, Almost lost, Needs attention${slippingWeekAgo !== null ? ` · ${change(slippingCustomers, slippingWeekAgo)}` : ""}`}
          />
          <StatCard
            label={
              data.clv.basis === "predicted"
                ? "Average predicted value (12 months)"
                : "Average customer value (historic)"
            }
            value={formatMoney(avgClv, store.currency)}
            detail={`${formatCount(totals.customers)} customers`}
          />
          <StatCard
            label="Net Promoter Score"
            value={formatNps(nps.nps)}
            detail={
              nps.responses === 0
                ? "No survey answers yet"
                : nps.smallSample
                  ? `Few answers so far (${nps.responses})`
                  : `${formatCount(nps.responses)} answers · 95% range ${formatNps(nps.ci95?.low ?? null)} to ${formatNps(nps.ci95?.high ?? null)}`
            }
          />
        </StatGrid>

        <Layout>
          <Layout.Section>
            <TitledCard title="Segments: customers and revenue">
              <SegmentShareChart
                segments={segments.map((s) => ({
                  name: s.name,
                  customers: s.customers,
                  revenue: toMajorUnits(s.revenueMinor, store.currency),
                }))}
              />
              <div style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label="Scrollable table">
                <table style={{ width: "100%", borderCollapse: "collapse" }}>
                  <caption style={{ textAlign: "left" }}>
                    <Text as="span" tone="subdued">
                      Open a segment to see who is in it and export them.
                    </Text>
                  </caption>
                  <thead>
                    <tr style={{ textAlign: "left" }}>
                      <th scope="col">Segment</th>
                      <th scope="col" style={{ textAlign: "right" }}>
                        Customers
                      </th>
                      <th scope="col" style={{ textAlign: "right" }}>
                        Change (week)
                      </th>
                      <th scope="col" style={{ textAlign: "right" }}>
                        Revenue
                      </th>
                      <th scope="col" style={{ textAlign: "right" }}>
                        Avg value
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {segments.map((s) => (
                      <tr key={s.slug} style={{ borderTop: "1px solid #ebebeb" }}>
                        <td style={{ padding: "6px 0" }}>
                          <Link to={segmentUrl(s.slug)}>{s.name}</Link>
                        </td>
                        <td style={{ textAlign: "right" }}>{formatCount(s.customers)}</td>
                        <td style={{ textAlign: "right" }}>
                          {s.customersWeekAgo === null
                            ? "—"
                            : `${s.customers - s.customersWeekAgo >= 0 ? "+" : ""}${formatCount(s.customers - s.customersWeekAgo)}`}
                        </td>
                        <td style={{ textAlign: "right" }}>{money(s.revenueMinor)}</td>
                        <td style={{ textAlign: "right" }}>{money(s.avgClvMinor)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </TitledCard>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <TitledCard title="Most valuable customers" gap="200">
                <ol style={{ margin: 0, paddingLeft: 20 }}>
                  {data.topCustomers.map((c) => (
                    <li key={c.customerId} style={{ padding: "4px 0" }}>
                      <Link to={`/app/customers/${c.customerId}`}>{c.name}</Link> —{" "}
                      {money(c.predictedClvMinor ?? c.historicClvMinor)}{" "}
                      <Text as="span" tone="subdued">
                        ({segmentName(c.segment)})
                      </Text>
                    </li>
                  ))}
                </ol>
              </TitledCard>
              <TitledCard title="Recompute" gap="200">
                <RecomputeLine data={data} />
              </TitledCard>
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      NPS by segment
                    </Text>
                    <Link to="/app/surveys">Surveys</Link>
                  </InlineStack>
                  {data.nps.bySegment.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No NPS answers yet. They appear once customers answer on the order status page.
                    </Text>
                  ) : (
                    <table style={{ width: "100%" }}>
                      <thead>
                        <tr style={{ textAlign: "left" }}>
                          <th scope="col">Segment</th>
                          <th scope="col" style={{ textAlign: "right" }}>
                            NPS
                          </th>
                          <th scope="col" style={{ textAlign: "right" }}>
                            Answers
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.nps.bySegment.slice(0, 11).map((g) => (
                          <tr key={g.group}>
                            <td>{g.group}</td>
                            <td style={{ textAlign: "right" }}>{formatNps(g.summary.nps)}</td>
                            <td style={{ textAlign: "right" }}>{formatCount(g.summary.responses)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>

        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <TitledCard title="Segment map">
            <RfmSegmentGrid
              segmentUrl={segmentUrl}
              segments={segments
                .filter((s) => s.slug !== "prospects")
                .map((s) => ({
                  name: segmentBySlug(s.slug)!.name,
                  slug: s.slug,
                  customers: s.customers,
                  share: totals.customers ? s.customers / totals.customers : 0,
                  definition: segmentBySlug(s.slug)!.definition,
                }))}
            />
          </TitledCard>
          <TitledCard title="Recency and frequency">
            <RecencyFrequencyHeatMap cells={data.rfGrid} currency={store.currency} />
          </TitledCard>
        </InlineGrid>

        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <TitledCard title="What customers are worth">
            <Text as="p" tone="subdued">
              {data.clv.basis === "predicted"
                ? "Predicted value of each customer over the next 12 months, in bands."
                : "Historic customer value (average order value × orders per year × lifespan); predictions start once there is enough data."}
            </Text>
            <ClvHistogram bands={data.clv.buckets} currency={store.currency} basis={data.clv.basis} />
          </TitledCard>
          <TitledCard title="Segment movement">
            <Tabs
              tabs={[
                { id: "week", content: "Last 7 days" },
                { id: "month", content: "Last 30 days" },
              ]}
              selected={movementTab}
              onSelect={setMovementTab}
            />
            <SegmentMovement
              moves={movementTab === 0 ? data.movementWeek : data.movementMonth}
              emptyText="No customer changed segment in this period."
            />
            <Text as="h3" variant="headingSm">
              Journey stages
            </Text>
            <SegmentMovement
              moves={movementTab === 0 ? data.stageMovesWeek : data.stageMovesMonth}
              slipping={SLIPPING_STAGES}
              emptyText="No customer changed journey stage in this period."
            />
          </TitledCard>
        </InlineGrid>

        {data.recompute.last?.state === "failed" && (
          <Banner tone="warning" title="Last night's recompute failed">
            The numbers are from the last successful run. Ciclo retries automatically.
          </Banner>
        )}
        <Text as="p" tone="subdued" variant="bodySm">
          Which orders count: paid orders, net of refunds; test, cancelled and voided orders are left out. Segments use
          the store's own customers as the yardstick ({SEGMENTS.length} groups, Shopify's names).
        </Text>
      </BlockStack>
    </Page>
  );
}
