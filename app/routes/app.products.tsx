/**
 * Products: which products are bought together (pairs by support, confidence and lift, over orders or over each
 * customer's whole history) and, for one product (?product=id), its companions and the segments that buy it.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatShare } from "../read-models/format";
import { loadProductsPage, type ProductCompanion } from "../read-models/intelligence/intelligence.server";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Products · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const params = new URL(request.url).searchParams;
  return loadProductsPage(services().db, storeView(store), {
    basis: params.get("basis"),
    rank: params.get("rank"),
    product: params.get("product"),
  });
};

const EXPLAIN =
  "Support: the share of all orders (or customers) with both products. Confidence: of those who bought the first, the share who also bought the second. Lift: how many times more often they go together than if they were unrelated (1 = no link).";

export default function ProductsPage() {
  const { store, insight, computedAt, basis, rank, pairs, products, product } = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  const submit = useSubmit();
  const title = (id: string) => insight?.titles[id] ?? `Product ${id}`;
  const productLink = (id: string) => (
    <Link url={`/app/products?product=${encodeURIComponent(id)}`} removeUnderline>
      {title(id)}
    </Link>
  );
  if (!insight || insight.productCount === 0) {
    return (
      <Page title="Products" subtitle="Which products are bought together, and what should each customer get next?">
        <Card>
          <EmptyState heading="No product analysis yet" image="">
            <p>
              After the next nightly recompute, this page lists the products your customers buy together and the
              segments that buy each product. It needs orders with their products (line items) imported.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  if (product) {
    const companionRows = (rows: ProductCompanion[]) =>
      rows.map((r) => [
        productLink(r.product),
        formatCount(r.baskets),
        formatShare(r.confidence),
        r.lift.toFixed(2),
        formatShare(r.support, 2),
      ]);
    const headings = ["Bought with", "Together", "Confidence", "Lift", "Support"];
    const types = ["text", "numeric", "numeric", "numeric", "numeric"] as const;
    return (
      <Page
        title={product.title}
        subtitle="Its companions and the segments that buy it"
        backAction={{ content: "Products", url: "/app/products" }}
      >
        <BlockStack gap="500">
          <InlineStack gap="200">
            <Badge>{`In ${formatCount(product.baskets)} orders`}</Badge>
            <Badge>{`Bought by ${formatCount(product.buyers)} customers`}</Badge>
            <Badge tone="info">{`Suggested next to ${formatCount(product.suggestedTo)} customers`}</Badge>
          </InlineStack>
          <TitledCard title="Bought in the same order">
            {product.withOrders.length === 0 ? (
              <Text as="p" tone="subdued">
                Not bought together with any product often enough (at least 3 orders) yet.
              </Text>
            ) : (
              <DataTable columnContentTypes={[...types]} headings={headings} rows={companionRows(product.withOrders)} />
            )}
          </TitledCard>
          <TitledCard title="Bought by the same customers, at any time">
            {product.withHistories.length === 0 ? (
              <Text as="p" tone="subdued">
                No other product is bought by the same customers often enough yet.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={[...types]}
                headings={headings}
                rows={companionRows(product.withHistories)}
              />
            )}
          </TitledCard>
          <TitledCard title="Segments that buy it">
            <Text as="p" tone="subdued">
              Index: how much more often the segment buys it than customers overall (2 = twice as often).
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Segment", "Buyers", "Share of the segment", "Share of its buyers", "Index"]}
              rows={product.segments.map((s) => [
                s.segment,
                formatCount(s.buyers),
                formatShare(s.shareOfSegment),
                formatShare(s.shareOfBuyers),
                s.index.toFixed(2),
              ])}
            />
          </TitledCard>
          <Text as="p" variant="bodySm" tone="subdued">
            {EXPLAIN}
          </Text>
        </BlockStack>
      </Page>
    );
  }
  const sources = insight.suggestionSources;
  return (
    <Page title="Products" subtitle="Which products are bought together, and what should each customer get next?">
      <BlockStack gap="500">
        <Text as="p" tone="subdued">
          From {formatCount(insight.baskets)} orders of {formatCount(insight.histories)} customers and{" "}
          {formatCount(insight.productCount)} products. Updated {formatDateTime(computedAt, store.timezone)}.
        </Text>
        <TitledCard title="Bought together">
          <InlineStack gap="400">
            <Select
              label="Together in"
              options={[
                { label: "The same order", value: "orders" },
                { label: "The same customer's history", value: "histories" },
              ]}
              value={basis}
              onChange={(value) => submit({ basis: value, rank }, { method: "get" })}
            />
            <Select
              label="Ranked by"
              options={[
                { label: "Lift", value: "lift" },
                { label: "Confidence", value: "confidence" },
                { label: "Support", value: "support" },
              ]}
              value={rank}
              onChange={(value) => submit({ basis, rank: value }, { method: "get" })}
            />
          </InlineStack>
          {pairs.length === 0 ? (
            <Text as="p" tone="subdued">
              No two products are bought together often enough (at least 3 times) yet.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Product", "With", "Together", "Support", "Confidence (both ways)", "Lift"]}
              rows={pairs.map((p) => [
                productLink(p.a),
                productLink(p.b),
                formatCount(p.baskets),
                formatShare(p.support, 2),
                `${formatShare(p.confidenceAB, 0)} / ${formatShare(p.confidenceBA, 0)}`,
                p.lift.toFixed(2),
              ])}
            />
          )}
          <Text as="p" variant="bodySm" tone="subdued">
            {EXPLAIN}
          </Text>
        </TitledCard>
        <TitledCard title="Next product for each customer">
          <Text as="p">
            Every night each customer gets one suggestion: the product most often bought by customers of their segment
            who bought what they bought, leaving out what they already have. It is shown on the customer's page.
          </Text>
          <Text as="p" tone="subdued">
            {formatCount(sources.segment ?? 0)} from their segment, {formatCount(sources.store ?? 0)} from the whole
            store (small segments), {formatCount(sources.popular ?? 0)} the segment's most popular product,{" "}
            {formatCount(sources.none ?? 0)} without a suggestion.
          </Text>
        </TitledCard>
        <TitledCard title="Most bought products">
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={["Product", "Orders", "Customers", "Suggested next to"]}
            rows={products.map((p) => [
              productLink(p.id),
              formatCount(p.baskets),
              formatCount(p.buyers),
              formatCount(p.suggestedTo),
            ])}
          />
        </TitledCard>
      </BlockStack>
    </Page>
  );
}
