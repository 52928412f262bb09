/** Top customers: the N most valuable customers (100 by default), by predicted or historic value, with a CSV. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { formatCount, formatMoney } from "../read-models/format";
import { segmentName, stageName } from "../domain/names";
import { parseTopQuery, topCustomerRows } from "../read-models/intelligence/intelligence.server";
import { TOP_CUSTOMERS_MAX } from "../read-models/intelligence/insight-types";
import { DownloadButton } from "../components/DownloadButton";

export const meta = () => [{ title: "Top customers · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  const { n, basis } = parseTopQuery(new URL(request.url));
  const rows = await topCustomerRows(services().db, store.id, n, basis);
  return { rows, n, basis, currency: store.currency, embedded };
};

export default function TopCustomersPage() {
  const { rows, n, basis, currency, embedded } = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  const navigation = useNavigation();
  const [count, setCount] = useState(String(n));
  const [by, setBy] = useState<string>(basis);
  const money = (minor: string | null) => (minor === null ? "—" : formatMoney(minor, currency));
  const total = rows.reduce(
    (sum, r) => sum + Number(basis === "predicted" ? (r.predictedMinor ?? 0) : r.historicMinor),
    0,
  );
  return (
    <Page title="Top customers" subtitle={`Your ${formatCount(n)} most valuable customers`}>
      <BlockStack gap="500">
        <Card>
          <Form method="get">
            <InlineStack gap="400" blockAlign="end">
              <TextField
                label="How many"
                name="n"
                type="number"
                min={1}
                max={TOP_CUSTOMERS_MAX}
                value={count}
                onChange={setCount}
                autoComplete="off"
              />
              <Select
                label="Ranked by"
                name="basis"
                options={[
                  { label: "Predicted value, next 12 months", value: "predicted" },
                  { label: "Spent so far", value: "historic" },
                ]}
                value={by}
                onChange={setBy}
              />
              <Button submit loading={navigation.state === "loading"}>
                Show
              </Button>
              <DownloadButton
                url={`/app/top-customers/export?n=${n}&basis=${basis}`}
                filename={`ciclo-top-${n}.csv`}
                embedded={embedded}
              >
                Download CSV
              </DownloadButton>
            </InlineStack>
          </Form>
        </Card>
        {rows.length === 0 ? (
          <Card>
            <EmptyState heading="No customers to rank yet" image="">
              <p>
                {basis === "predicted"
                  ? "Predicted values appear once the store has enough repeat customers for the purchase model; rank by money spent so far meanwhile."
                  : "Customers appear here after the first nightly recompute."}
              </p>
            </EmptyState>
          </Card>
        ) : (
          <Card>
            <BlockStack gap="300">
              <Text as="p" tone="subdued">
                Together they are worth {formatMoney(total, currency)}{" "}
                {basis === "predicted" ? "over the next 12 months" : "in money spent so far"}. Ties are broken by the
                other value, then by customer, so the list does not reshuffle between runs.
              </Text>
              <DataTable
                columnContentTypes={[
                  "numeric",
                  "text",
                  "text",
                  "text",
                  "numeric",
                  "numeric",
                  "numeric",
                  "text",
                  "text",
                ]}
                headings={[
                  "#",
                  "Customer",
                  "Segment",
                  "Stage",
                  "Orders",
                  "Predicted, 12 months",
                  "Spent so far",
                  "Came through",
                  "Suggested next",
                ]}
                rows={rows.map((r) => [
                  r.rank,
                  <Link key={r.id} url={`/app/customers/${r.id}`} removeUnderline>
                    {r.name}
                  </Link>,
                  segmentName(r.segment),
                  stageName(r.stage),
                  formatCount(r.orders),
                  money(r.predictedMinor),
                  money(r.historicMinor),
                  r.channel ?? "—",
                  r.nextProduct ?? "—",
                ])}
              />
            </BlockStack>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}
