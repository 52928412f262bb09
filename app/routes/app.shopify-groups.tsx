/**
 * Shopify groups: how far Ciclo's segments agree with the RFM group and predicted spend tier Shopify shows for the
 * same customers (CustomerStatistics.rfmGroup / predictedSpendTier), as a matrix, and why they differ.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, List, Page, Text } from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatShare } from "../read-models/format";
import { loadShopifyGroupsPage } from "../read-models/intelligence/intelligence.server";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Shopify groups · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return loadShopifyGroupsPage(services().db, storeView(store));
};

function Matrix({
  rows,
  columns,
  counts,
  caption,
}: {
  rows: readonly string[];
  columns: readonly string[];
  counts: number[];
  caption: string;
}) {
  const max = Math.max(1, ...counts);
  return (
    <div style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label={`${caption}, scrollable`}>
      <table style={{ borderCollapse: "separate", borderSpacing: 2, minWidth: 640 }}>
        <caption style={{ textAlign: "left", paddingBottom: 8 }}>
          <Text as="span" tone="subdued">
            {caption}
          </Text>
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <Text as="span" variant="bodySm">
                Ciclo ↓ / Shopify →
              </Text>
            </th>
            {columns.map((c) => (
              <th key={c} scope="col">
                <Text as="span" variant="bodySm">
                  {c}
                </Text>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r}>
              <th scope="row" style={{ textAlign: "left", whiteSpace: "nowrap" }}>
                <Text as="span" variant="bodySm">
                  {r}
                </Text>
              </th>
              {columns.map((c, j) => {
                const value = counts[i * columns.length + j] ?? 0;
                const t = value / max;
                return (
                  <td
                    key={c}
                    style={{
                      textAlign: "center",
                      padding: "4px 6px",
                      borderRadius: 4,
                      color: "#1a1a1a",
                      background: value === 0 ? "transparent" : `hsl(${i === j ? 145 : 30} 60% ${95 - t * 45}%)`,
                    }}
                  >
                    <Text as="span" variant="bodySm">
                      {value === 0 ? "" : formatCount(value)}
                    </Text>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ShopifyGroupsPage() {
  const { store, insight, computedAt, segmentNames } = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  if (!insight || !insight.available) {
    return (
      <Page title="Shopify groups" subtitle="Why does Shopify put this customer in another group?">
        <Card>
          <EmptyState heading="Shopify's groups are not available for this store yet" image="">
            <BlockStack gap="200">
              <p>
                Shopify shows an RFM group and a predicted spend tier for each customer of some shops. To compare them
                with Ciclo's segments, Ciclo needs to read them for your customers:
              </p>
              <List>
                <List.Item>
                  the store is on Shopify (WooCommerce has no such groups) and Shopify has computed them (new shops and
                  shops with few orders have none);
                </List.Item>
                <List.Item>
                  the customer import reads <code>statistics.rfmGroup</code> and{" "}
                  <code>statistics.predictedSpendTier</code> (not read by this version's import yet).
                </List.Item>
              </List>
              <p>
                {insight
                  ? `${formatCount(insight.customers)} customers checked, none with a Shopify group.`
                  : "After the next nightly recompute this page says how many customers have one."}
              </p>
            </BlockStack>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const rfm = insight.rfm!;
  const spend = insight.spend!;
  const groupNames = segmentNames;
  return (
    <Page title="Shopify groups" subtitle="Why does Shopify put this customer in another group?">
      <BlockStack gap="500">
        <Text as="p" tone="subdued">
          {formatCount(insight.withGroup)} of {formatCount(insight.customers)} customers have a Shopify RFM group,{" "}
          {formatCount(insight.withTier)} a predicted spend tier. Updated {formatDateTime(computedAt, store.timezone)}.
        </Text>
        <TitledCard title="RFM: Ciclo's segment × Shopify's group">
          <Text as="p">{insight.rfmExplanation}</Text>
          <Text as="p" tone="subdued">
            Same group for {formatShare(rfm.rate)} of {formatCount(rfm.compared)} customers compared
            {rfm.kappa !== null ? `; agreement beyond chance (kappa) ${rfm.kappa.toFixed(2)}` : ""}.
          </Text>
          <Matrix
            rows={groupNames}
            columns={groupNames}
            counts={rfm.counts}
            caption="Rows: Ciclo's segment. Columns: Shopify's group (same names). The diagonal is agreement."
          />
        </TitledCard>
        {insight.disagreements && insight.disagreements.length > 0 && (
          <TitledCard title="Why they differ">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text"]}
              headings={["Ciclo", "Shopify", "Customers", "Why"]}
              rows={insight.disagreements.map((d) => [
                groupNames[rfm.labels.indexOf(d.ciclo)] ?? d.ciclo,
                groupNames[rfm.labels.indexOf(d.shopify)] ?? d.shopify,
                formatCount(d.customers),
                d.explanation,
              ])}
            />
          </TitledCard>
        )}
        <TitledCard title="Predicted spend: Ciclo's tier × Shopify's tier">
          <Text as="p" tone="subdued">
            Ciclo's predicted values are cut into Shopify's three tiers with the same shares Shopify uses in this shop,
            so this compares who ranks high, not cut-offs Shopify does not publish. Same tier for{" "}
            {formatShare(spend.rate)} of {formatCount(spend.compared)} customers.
          </Text>
          <Matrix
            rows={insight.spendLabels ?? []}
            columns={insight.spendLabels ?? []}
            counts={spend.counts}
            caption="Rows: Ciclo's tier. Columns: Shopify's predicted spend tier."
          />
        </TitledCard>
      </BlockStack>
    </Page>
  );
}
