/**
 * Predictions: how good the predictions are (holdout backtest, in plain words and as predicted vs actual),
 * whether the store has enough data, what the fitted model's parameters mean, and the recent recompute runs.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DataTable, EmptyState, Layout, List, Page, Text } from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadPredictionsPage } from "../read-models/predictions.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatDuration, formatMoney, formatShare } from "../read-models/format";
import { MODEL_NAMES, PARAMETER_MEANINGS } from "../read-models/model-report";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { PredictedVsActualChart } from "../components/PredictedVsActualChart";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Predictions · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return loadPredictionsPage(services().db, storeView(store));
};

/** "Predicted 5% more orders than happened" */
function errorInWords(totalErrorPercent: number): string {
  const size = Math.abs(totalErrorPercent);
  if (size < 0.5) return "Predicted almost exactly as many orders as actually happened";
  return `Predicted ${size.toFixed(1)}% ${totalErrorPercent > 0 ? "more" : "fewer"} orders than actually happened`;
}

export default function PredictionsPage() {
  const { store, report, reportRunAt, runs } = useLoaderData<typeof loader>();
  const tz = store.timezone;
  const backtest = report?.backtest ?? null;

  return (
    <Page title="Predictions" subtitle="How good are these predictions?">
      {!report ? (
        <Card>
          <EmptyState heading="No predictions yet" image="">
            <p>
              After the first nightly recompute, this page shows how well Ciclo predicted your customers' orders on data
              it had not seen, and what the model learned about your store.
            </p>
          </EmptyState>
        </Card>
      ) : (
        <BlockStack gap="500">
          {report.status === "not-enough-data" && (
            <Banner tone="info" title="Not enough data for predictions yet">
              <BlockStack gap="200">
                <p>Customer values below are historic (what customers have spent). Predictions start when:</p>
                <List>
                  {report.reasons.map((r) => (
                    <List.Item key={r.code}>{r.message}</List.Item>
                  ))}
                </List>
              </BlockStack>
            </Banner>
          )}
          {backtest && (
            <StatGrid>
              <StatCard
                label="Total orders in the test period"
                value={`${backtest.totalErrorPercent > 0 ? "+" : ""}${backtest.totalErrorPercent.toFixed(1)}%`}
                detail={errorInWords(backtest.totalErrorPercent)}
              />
              <StatCard
                label="Typical miss per customer"
                value={`${backtest.meanAbsoluteError.toFixed(2)} orders`}
                detail="Average difference between predicted and actual orders for one customer"
              />
              <StatCard
                label="Customers tested"
                value={formatCount(backtest.customers)}
                detail={
                  backtest.holdoutDays ? `Last ${backtest.holdoutDays} days held back` : "Most recent period held back"
                }
              />
              <StatCard
                label="Model"
                value={MODEL_NAMES[report.model ?? ""] ?? report.model ?? "—"}
                detail={reportRunAt ? `Fitted ${formatDateTime(reportRunAt, tz)}` : undefined}
              />
            </StatGrid>
          )}
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <TitledCard title="Predicted vs actual">
                  <Text as="p" tone="subdued">
                    Ciclo hid the most recent months, predicted them from the earlier history, then compared. Bars side
                    by side should be about the same height.
                  </Text>
                  {backtest && backtest.buckets.length > 0 ? (
                    <>
                      <PredictedVsActualChart buckets={backtest.buckets} />
                      <DataTable
                        columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                        headings={[
                          "Earlier repeat orders",
                          "Customers",
                          "Predicted per customer",
                          "Actual per customer",
                        ]}
                        rows={backtest.buckets.map((b) => [
                          b.label,
                          formatCount(b.customers),
                          b.predictedMean.toFixed(2),
                          b.actualMean.toFixed(2),
                        ])}
                      />
                    </>
                  ) : (
                    <Text as="p" tone="subdued">
                      No backtest in the latest run.
                    </Text>
                  )}
                </TitledCard>
                {report.candidates.length > 0 && (
                  <TitledCard title="Models compared">
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "text"]}
                      headings={["Model", "Typical miss per customer", "Total error", "Fit"]}
                      rows={report.candidates.map((c) => [
                        `${MODEL_NAMES[c.name] ?? c.name}${c.name === report.model ? " (used)" : ""}`,
                        c.meanAbsoluteError.toFixed(3),
                        `${c.totalErrorPercent.toFixed(1)}%`,
                        c.converged === false ? "did not converge" : "ok",
                      ])}
                    />
                  </TitledCard>
                )}
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <TitledCard title="Data sufficiency" gap="200">
                  {report.sufficiency ? (
                    <List>
                      <List.Item>{formatCount(report.sufficiency.customers)} customers with orders</List.Item>
                      <List.Item>{formatCount(report.sufficiency.repeatCustomers)} bought more than once</List.Item>
                      <List.Item>{formatCount(report.sufficiency.historyDays)} days of order history</List.Item>
                    </List>
                  ) : (
                    <Text as="p" tone="subdued">
                      Not reported by this run.
                    </Text>
                  )}
                  <Badge tone={report.status === "predictive" ? "success" : "attention"}>
                    {report.status === "predictive" ? "Enough data for predictions" : "Historic values only"}
                  </Badge>
                </TitledCard>
                {[
                  report.countFit && { title: "Purchase model", fit: report.countFit },
                  report.spendFit && { title: "Spend model (Gamma-Gamma)", fit: report.spendFit },
                ]
                  .filter((x): x is NonNullable<typeof x> => !!x)
                  .map(({ title, fit }) => (
                    <TitledCard key={title} title={title} gap="200">
                      <Text as="p" tone="subdued">
                        {fit.converged ? "Fitted reliably." : `Did not converge: ${fit.message}`}
                      </Text>
                      <dl style={{ margin: 0 }}>
                        {fit.parameters.map((p) => (
                          <div key={p.name} style={{ paddingBottom: 8 }}>
                            <dt>
                              <Text as="span" fontWeight="semibold">
                                {p.name} = {p.value.toPrecision(3)}
                                {p.standardError !== null ? ` ± ${p.standardError.toPrecision(2)}` : ""}
                              </Text>
                            </dt>
                            <dd style={{ margin: 0 }}>
                              <Text as="span" variant="bodySm" tone="subdued">
                                {PARAMETER_MEANINGS[p.name] ?? ""}
                              </Text>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    </TitledCard>
                  ))}
                {report.historic && (
                  <TitledCard title="Historic value, the classic formula" gap="200">
                    <Text as="p">
                      {formatMoney(report.historic.averageOrderValue, store.currency)} average order ×{" "}
                      {report.historic.purchaseFrequencyPerYear.toFixed(2)} orders a year ×{" "}
                      {report.historic.lifespanYears.toFixed(1)} years ={" "}
                      {formatMoney(report.historic.clv, store.currency)}
                    </Text>
                    {report.historic.annualChurnRate !== null && (
                      <Text as="p" tone="subdued">
                        {formatShare(report.historic.annualChurnRate, 0)} of customers older than a year did not order
                        in the last year.
                      </Text>
                    )}
                  </TitledCard>
                )}
              </BlockStack>
            </Layout.Section>
          </Layout>
        </BlockStack>
      )}
      <div style={{ marginTop: 20 }}>
        <TitledCard title="Recent recomputes" gap="200">
          {runs.length === 0 ? (
            <Text as="p" tone="subdued">
              None yet.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={["Started", "Trigger", "Result", "Took", "Error"]}
              rows={runs.map((r) => [
                formatDateTime(r.startedAt, tz),
                r.trigger,
                r.state,
                formatDuration(r.durationMs),
                r.error ?? "",
              ])}
            />
          )}
        </TitledCard>
      </div>
    </Page>
  );
}
