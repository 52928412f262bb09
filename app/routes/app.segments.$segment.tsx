/**
 * Segment: what it means in plain words, its size and value, its members (sorted, filtered and paginated on
 * the server), CSV export, the tag that carries it to the store and how tag write-back is doing.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
} from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadSegmentPage } from "../read-models/segment.server";
import { MEMBER_SORTS, PAGE_SIZE, parseMemberQuery, type MemberSort } from "../read-models/member-query";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDay, formatDayKey, formatMoney, formatShare } from "../read-models/format";
import { STAGES, NO_STAGE_SLUG, stageName } from "../domain/names";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { DownloadButton } from "../components/DownloadButton";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Segment · Ciclo" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  const query = parseMemberQuery(new URL(request.url).searchParams);
  const data = await loadSegmentPage(services().db, storeView(store), params.segment ?? "", query, embedded);
  if (!data) throw new Response("No such segment", { status: 404 });
  return { ...data, embedded };
};

const HEADINGS: { title: string; sort?: MemberSort; numeric?: boolean }[] = [
  { title: "Customer" },
  { title: "Stage" },
  { title: "Orders", sort: "orders", numeric: true },
  { title: "Last order", sort: "last-order" },
  { title: "Total spend", sort: "spend", numeric: true },
  { title: "Predicted value", sort: "predicted-clv", numeric: true },
  { title: "Chance still a customer", sort: "p-alive", numeric: true },
];

export default function SegmentPage() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const { store, segment, query, members } = data;
  const money = (minor: string | null) => formatMoney(minor, store.currency);
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { preventScrollReset: true });
  };
  const sortable = HEADINGS.map((h) => h.sort !== undefined);
  const sortIndex = HEADINGS.findIndex((h) => h.sort === query.sort);
  const weekChange = data.customersWeekAgo === null ? null : data.customers - data.customersWeekAgo;

  return (
    <Page
      title={segment.name}
      subtitle={segment.definition}
      backAction={{ content: "Overview", url: "/app" }}
      secondaryActions={
        <DownloadButton
          url={`/app/segments/${segment.slug}/export`}
          filename={`${segment.slug}.csv`}
          embedded={data.embedded}
        >
          Export CSV
        </DownloadButton>
      }
    >
      <BlockStack gap="500">
        <StatGrid>
          <StatCard
            label="Customers"
            value={formatCount(data.customers)}
            detail={`${formatShare(data.customerShare)} of all customers${weekChange !== null ? ` · ${weekChange >= 0 ? "+" : ""}${formatCount(weekChange)} in a week` : ""}`}
          />
          <StatCard
            label="Revenue from them"
            value={money(data.revenueMinor)}
            detail={`${formatShare(data.revenueShare)} of all revenue`}
          />
          <StatCard
            label={data.predictive ? "Average predicted value (12 months)" : "Average customer value"}
            value={money(data.avgClvMinor)}
          />
          <StatCard label="What to do" value="" detail={segment.action} />
        </StatGrid>

        <Layout>
          <Layout.Section>
            <Card padding="0">
              <BlockStack gap="0">
                <div style={{ padding: 16 }}>
                  <InlineStack align="space-between" blockAlign="end" gap="300">
                    <Text as="h2" variant="headingMd">
                      Customers in this segment
                    </Text>
                    <InlineStack gap="300">
                      <Select
                        label="Lifecycle stage"
                        labelInline
                        options={[
                          { label: "All", value: "" },
                          ...STAGES.map((s) => ({ label: s.name, value: s.slug })),
                          { label: "No orders yet", value: NO_STAGE_SLUG },
                        ]}
                        value={query.stage ?? ""}
                        onChange={(value) => update({ stage: value || null, page: null })}
                      />
                      <Select
                        label="Sort by"
                        labelInline
                        options={Object.entries(MEMBER_SORTS).map(([value, s]) => ({ label: s.label, value }))}
                        value={query.sort}
                        onChange={(value) => update({ sort: value, page: null })}
                      />
                      <Select
                        label="Order"
                        labelHidden
                        options={[
                          { label: "Highest first", value: "desc" },
                          { label: "Lowest first", value: "asc" },
                        ]}
                        value={query.direction}
                        onChange={(value) => update({ direction: value, page: null })}
                      />
                    </InlineStack>
                  </InlineStack>
                </div>
                {members.rows.length === 0 ? (
                  <EmptyState heading="No customers here" image="">
                    <p>
                      {query.stage
                        ? `No ${segment.name} customers are in the “${stageName(query.stage)}” stage.`
                        : `No customer is in ${segment.name} right now. Segments are refreshed every night.`}
                    </p>
                  </EmptyState>
                ) : (
                  <IndexTable
                    resourceName={{ singular: "customer", plural: "customers" }}
                    itemCount={members.rows.length}
                    selectable={false}
                    loading={navigation.state === "loading"}
                    headings={
                      HEADINGS.map((h) => ({ title: h.title, alignment: h.numeric ? "end" : "start" })) as never
                    }
                    sortable={sortable}
                    sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
                    sortDirection={query.direction === "asc" ? "ascending" : "descending"}
                    defaultSortDirection="descending"
                    onSort={(index, direction) => {
                      const sort = HEADINGS[index]?.sort;
                      if (sort) update({ sort, direction: direction === "ascending" ? "asc" : "desc", page: null });
                    }}
                  >
                    {members.rows.map((row, index) => (
                      <IndexTable.Row id={row.customerId} key={row.customerId} position={index}>
                        <IndexTable.Cell>
                          <Link to={`/app/customers/${row.customerId}`}>{row.name}</Link>
                        </IndexTable.Cell>
                        <IndexTable.Cell>{stageName(row.stage)}</IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {row.orders}
                          </Text>
                        </IndexTable.Cell>
                        <IndexTable.Cell>{formatDay(row.lastOrderAt, store.timezone)}</IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {money(row.spendMinor)}
                          </Text>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {money(row.predictedClvMinor)}
                          </Text>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Text as="span" alignment="end" numeric>
                            {formatShare(row.pAlive, 0)}
                          </Text>
                        </IndexTable.Cell>
                      </IndexTable.Row>
                    ))}
                  </IndexTable>
                )}
                <div style={{ padding: 12, display: "flex", justifyContent: "center" }}>
                  <Pagination
                    hasPrevious={query.page > 1}
                    hasNext={members.hasNext}
                    onPrevious={() => update({ page: String(query.page - 1) })}
                    onNext={() => update({ page: String(query.page + 1) })}
                    label={`Page ${query.page} · ${PAGE_SIZE} per page`}
                  />
                </div>
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <TitledCard title="Tag in your store" gap="200">
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={data.tagPushed ? "success" : undefined}>{data.tag}</Badge>
                  <Text as="span" tone="subdued">
                    {data.tagPushed ? "written every night" : "not written (turned off in Settings)"}
                  </Text>
                </InlineStack>
                {data.shopifyCustomersUrl && data.tagPushed && (
                  <a href={data.shopifyCustomersUrl} target="_top">
                    Open these customers in Shopify admin
                  </a>
                )}
                <Text as="p" tone="subdued">
                  Use the tag in Shopify Flow, Shopify Email, Klaviyo or ad audiences to reach this segment.
                </Text>
              </TitledCard>
              <TitledCard title="Tag sync" gap="200">
                <Text as="p">
                  {data.tagSync.pending === 0
                    ? "All tag changes are written."
                    : `${formatCount(data.tagSync.pending)} tag changes waiting to be written.`}
                </Text>
                {data.tagSync.failed + data.tagSync.notFound > 0 && (
                  <Banner tone="warning">
                    {formatCount(data.tagSync.failed)} changes were refused by the store and{" "}
                    {formatCount(data.tagSync.notFound)} customers no longer exist there.
                    {data.tagSync.recentProblems[0]?.error
                      ? ` Latest reason: ${data.tagSync.recentProblems[0].error}.`
                      : ""}
                  </Banner>
                )}
              </TitledCard>
              {data.snapshotDay && (
                <Text as="p" tone="subdued" variant="bodySm">
                  Scores from {formatDayKey(data.snapshotDay)}.
                </Text>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
