/**
 * Journey: the nine stages merchants know (New, Lead, Waiting, At risk, Lost, Hero, Occasional, Repeat, Ghost,
 * plus One-time), how many customers are in each, what each means with this store's own thresholds, how the names
 * map to Ciclo's lifecycle stages, and the latest stage changes.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatMoney } from "../read-models/format";
import { loadJourneyPage } from "../read-models/intelligence/intelligence.server";
import { ChartFrame } from "../components/ChartFrame";
import { LazyBarChart } from "../components/charts/lazy";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Journey · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return loadJourneyPage(services().db, storeView(store));
};

export default function JourneyPage() {
  const { store, insight, computedAt, stageMoves } = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  if (!insight) {
    return (
      <Page title="Journey" subtitle="Where is each customer in their life cycle today?">
        <Card>
          <EmptyState heading="No journey yet" image="">
            <p>After the next nightly recompute, this page counts your customers in each of the nine journey stages.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const counts = insight.counts;
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return (
    <Page title="Journey" subtitle="Where is each customer in their life cycle today?">
      <BlockStack gap="500">
        <Text as="p" tone="subdued">
          {formatCount(total)} customers and guest buyers. Updated {formatDateTime(computedAt, store.timezone)}. A
          customer's typical gap between orders here is {Math.round(insight.thresholds.typicalGapDays)} days.
        </Text>
        <TitledCard title="Customers per stage">
          <ChartFrame height={340} summary="Customers per journey stage; the table below has the figures.">
            <LazyBarChart
              horizontal
              data={[{ name: "Customers", data: counts.map((c) => ({ key: c.stage, value: c.count })) }]}
            />
          </ChartFrame>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "text", "text"]}
            headings={["Stage", "Customers", "Spent so far", "Ciclo lifecycle stage", "Can be tagged"]}
            rows={counts.map((c) => [
              c.stage,
              formatCount(c.count),
              formatMoney(Math.round(c.value), store.currency),
              insight.mapping[c.stage] ?? "— (journey only)",
              c.taggable ? (
                <Badge key={c.stage} tone="success">
                  Yes
                </Badge>
              ) : (
                <Badge key={c.stage}>Never</Badge>
              ),
            ])}
          />
        </TitledCard>
        <Layout>
          <Layout.Section>
            <TitledCard title="What each stage means here">
              <dl style={{ margin: 0 }}>
                {counts.map((c) => (
                  <div key={c.stage} style={{ paddingBottom: 10 }}>
                    <dt>
                      <Text as="span" fontWeight="semibold">
                        {c.stage}
                      </Text>
                    </dt>
                    <dd style={{ margin: 0 }}>
                      <Text as="span" tone="subdued">
                        {insight.help[c.stage]}
                      </Text>
                    </dd>
                  </div>
                ))}
              </dl>
              {!insight.consentKnown && (
                <Text as="p" variant="bodySm" tone="subdued">
                  Lead needs the customers' marketing consent, which this store has not reported: until it does, nobody
                  is counted as a Lead (an unknown consent is never taken as a yes). Shopify reports it for every
                  customer with an e-mail address. WooCommerce does not record it itself; Ciclo reads it where the
                  Mailchimp for WooCommerce plugin keeps it on the customer.
                </Text>
              )}
              {insight.ungroupedGuestOrders > 0 && (
                <Text as="p" variant="bodySm" tone="subdued">
                  {formatCount(insight.ungroupedGuestOrders)} guest orders without an e-mail belong to no Ghost.
                </Text>
              )}
            </TitledCard>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <TitledCard title="Latest stage changes">
              {stageMoves.length === 0 ? (
                <Text as="p" tone="subdued">
                  No customer changed stage in the latest recompute (the first run after an import records none).
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["Change", "Customers"]}
                  rows={stageMoves.map((m) => [`${m.from} → ${m.to}`, formatCount(m.customers)])}
                />
              )}
            </TitledCard>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
