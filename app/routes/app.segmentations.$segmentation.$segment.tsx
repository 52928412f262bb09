/**
 * One segment of any registered segmentation: what it means, its size, where its newcomers of the last 30 days came
 * from and where its leavers went, its members (sorted and paginated on the server) and the tag that carries it to
 * the store. Reads only the segmentation's definition, so a newly registered one needs no page of its own.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
} from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadSegmentationSegment, type SegmentMove } from "../read-models/segmentations.server";
import { MEMBER_SORTS, PAGE_SIZE, parseMemberQuery } from "../read-models/member-query";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatDay, formatMoney, formatShare } from "../read-models/format";
import { stageName } from "../domain/names";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { TitledCard } from "../components/TitledCard";
import { useFocusableTables } from "../components/useFocusableTables";

export const meta = () => [{ title: "Segment · Ciclo" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const query = parseMemberQuery(new URL(request.url).searchParams);
  const data = await loadSegmentationSegment(
    services().db,
    storeView(store),
    params.segmentation ?? "",
    params.segment ?? "",
    query,
  );
  if (!data) throw new Response("No such segment", { status: 404 });
  return data;
};

function Moves({ title, moves, none }: { title: string; moves: SegmentMove[]; none: string }) {
  return (
    <TitledCard title={title} gap="200">
      {moves.length === 0 ? (
        <Text as="p" tone="subdued">
          {none}
        </Text>
      ) : (
        <DataTable
          columnContentTypes={["text", "numeric"]}
          headings={["Segment", "Customers"]}
          rows={moves.map((m) => [m.label, formatCount(m.customers)])}
        />
      )}
    </TitledCard>
  );
}

export default function SegmentationSegmentPage() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const { store, segmentation, segment, members, query } = data;
  useFocusableTables(data);
  const money = (minor: string | null) => formatMoney(minor, store.currency);
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Page
      title={segment.label}
      subtitle={segment.explanation}
      backAction={{ content: "Segmentations", url: "/app/segmentations" }}
    >
      <BlockStack gap="500">
        <StatGrid>
          <StatCard
            label="Customers"
            value={formatCount(segment.customers)}
            detail={`${formatShare(segment.share)} of the customers in ${segmentation.name}`}
          />
          <StatCard label="Segmentation" value={segmentation.name} detail={segmentation.description} />
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
                    <p>No customer is in {segment.label} right now. Segments are refreshed every night.</p>
                  </EmptyState>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "text", "numeric", "numeric"]}
                    headings={["Customer", "Stage", "Orders", "Last order", "Total spend", "Predicted value"]}
                    rows={members.rows.map((row) => [
                      <Link key={row.customerId} to={`/app/customers/${row.customerId}`}>
                        {row.name}
                      </Link>,
                      stageName(row.stage),
                      row.orders,
                      formatDay(row.lastOrderAt, store.timezone),
                      money(row.spendMinor),
                      money(row.predictedClvMinor),
                    ])}
                  />
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
              <Moves
                title="Came from (last 30 days)"
                moves={data.cameFrom}
                none="Nobody moved into this segment from another one in the last 30 days."
              />
              <Moves
                title="Went to (last 30 days)"
                moves={data.wentTo}
                none="Nobody left this segment for another one in the last 30 days."
              />
              <TitledCard title="Tag in your store" gap="200">
                {data.tag ? (
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={data.tagPushed ? "success" : undefined}>{data.tag}</Badge>
                    <Text as="span" tone="subdued">
                      {data.tagPushed ? "written every night" : "not written (turned off in Settings)"}
                    </Text>
                  </InlineStack>
                ) : (
                  <Text as="p" tone="subdued">
                    This segmentation is not written to the store as tags.
                  </Text>
                )}
              </TitledCard>
              {data.asOf && (
                <Text as="p" tone="subdued" variant="bodySm">
                  As of {formatDateTime(data.asOf, store.timezone)}.
                </Text>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}
