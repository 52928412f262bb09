/** Sync: what has arrived from the store so far, and the history backfill's progress. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { boundedFormData } from "../security/bounded-body.server";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { syncStatus, type SyncStatus } from "../sync/sync-status.server";
import { formatMinorUnits } from "../domain/money";
import { StatCard } from "../components/StatCard";
import { StatGrid } from "../components/StatGrid";
import { TitledCard } from "../components/TitledCard";

export const meta = () => [{ title: "Sync · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return syncStatus(services().db, store.id);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { store } = await requireStore(request);
  const form = await boundedFormData(request);
  const intent = form.get("intent");
  if (intent === "retry-parked") {
    const id = form.get("id");
    const retried = await services().processor.retryParked(store.id, typeof id === "string" && id ? [id] : undefined);
    return { retried };
  }
  if (intent !== "resync") return new Response("Unknown action", { status: 400 });
  const run = await services().backfill.start(store.id, "manual");
  return { started: run.id };
};

const ACTIVE = new Set(["queued", "running", "importing"]);

function duration(ms: number | null): string {
  if (ms === null) return "estimating…";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** Updates that can never apply as they are: listed with the reason, kept, and retried on request. */
function ParkedReceipts({ parked, total }: { parked: SyncStatus["parked"]; total: number }) {
  const fetcher = useFetcher();
  if (total === 0) return null;
  return (
    <Banner tone="warning" title={`${total} ${total === 1 ? "update is" : "updates are"} on hold`}>
      <BlockStack gap="200">
        <Text as="p">
          The store sent {total === 1 ? "an update" : "updates"} Ciclo could not read.{" "}
          {total === 1 ? "It is" : "They are"} kept, not applied; retry once the cause is fixed (for example after an
          app update).
        </Text>
        <DataTable
          columnContentTypes={["text", "text", "text", "text"]}
          headings={["Received", "Update", "Reason", ""]}
          rows={parked.map((p) => [
            new Date(p.receivedAt).toLocaleString(),
            p.topic,
            p.error ?? "",
            <fetcher.Form method="post" key={p.id}>
              <input type="hidden" name="intent" value="retry-parked" />
              <input type="hidden" name="id" value={p.id} />
              <Button submit size="slim" accessibilityLabel={`Retry ${p.topic} received ${p.receivedAt}`}>
                Retry
              </Button>
            </fetcher.Form>,
          ])}
        />
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="retry-parked" />
          <Button submit loading={fetcher.state !== "idle"}>
            {total === 1 ? "Retry" : `Retry all ${total}`}
          </Button>
        </fetcher.Form>
      </BlockStack>
    </Banner>
  );
}

export default function SyncPage() {
  const status = useLoaderData<typeof loader>();
  const fetcher = useFetcher();
  const revalidator = useRevalidator();
  const backfill = status.backfill;
  const active = !!backfill && ACTIVE.has(backfill.state);

  // Live progress while the history is importing.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const stats: Array<[string, string]> = [
    ["Customers", status.customers.toLocaleString()],
    ["Orders", status.orders.toLocaleString()],
    ["Orders counted toward customer value", status.ordersCounted.toLocaleString()],
    ["Guest orders (no customer)", status.guestOrders.toLocaleString()],
    ["Cancelled orders", status.cancelledOrders.toLocaleString()],
    ["Test orders", status.testOrders.toLocaleString()],
    ["Orders with refunds", status.refundedOrders.toLocaleString()],
    [
      "Net revenue",
      `${formatMinorUnits(BigInt(status.netRevenueMinor), status.store.currency)} ${status.store.currency}`,
    ],
  ];

  return (
    <Page
      title="Sync"
      subtitle={status.store.name ?? status.store.domain}
      primaryAction={
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="resync" />
          <Button submit loading={fetcher.state !== "idle"} disabled={active}>
            Re-sync order history
          </Button>
        </fetcher.Form>
      }
    >
      <Layout>
        {backfill && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Order history
                  </Text>
                  <Badge
                    tone={
                      backfill.state === "completed" ? "success" : backfill.state === "failed" ? "critical" : "info"
                    }
                  >
                    {backfill.state}
                  </Badge>
                </InlineStack>
                {active && (
                  <>
                    <ProgressBar progress={backfill.percent ?? 0} size="small" tone="primary" />
                    <Text as="p" tone="subdued">
                      {backfill.state === "importing"
                        ? `${backfill.ordersDone.toLocaleString()} orders imported · ${backfill.percent ?? 0}% · about ${duration(backfill.etaMs)} left`
                        : "Shopify is preparing your order history. This can take a few minutes for large stores."}
                    </Text>
                  </>
                )}
                {backfill.state === "completed" && (
                  <Text as="p" tone="subdued">
                    {backfill.ordersDone.toLocaleString()} orders imported in {duration(backfill.elapsedMs)}.
                  </Text>
                )}
                {backfill.malformedLines > 0 && (
                  <Banner tone="warning">
                    {backfill.malformedLines} lines of Shopify's export could not be read and were skipped. The rest of
                    the history was imported.
                  </Banner>
                )}
                {backfill.state === "failed" && (
                  <Banner tone="critical" title="The history import stopped">
                    {backfill.error ?? "Unknown error"}. Use “Re-sync order history” to try again.
                  </Banner>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
        <Layout.Section>
          {status.orders === 0 ? (
            <Card>
              <EmptyState heading="Your orders are on their way" image="">
                <p>
                  Ciclo is importing your store's order history. New orders appear here within seconds of being placed.
                </p>
              </EmptyState>
            </Card>
          ) : (
            <StatGrid>
              {stats.map(([label, value]) => (
                <StatCard key={label} label={label} value={value} />
              ))}
            </StatGrid>
          )}
        </Layout.Section>
        <Layout.Section>
          <TitledCard title="Live updates" gap="200">
            <Text as="p">
              {status.webhooks.processed.toLocaleString()} updates applied
              {status.webhooks.pending ? `, ${status.webhooks.pending} waiting` : ""}
              {status.webhooks.lastReceivedAt
                ? ` · last at ${new Date(status.webhooks.lastReceivedAt).toLocaleString()}`
                : ""}
              .
            </Text>
            {status.webhooks.retrying > 0 && (
              <Banner tone="info">
                {status.webhooks.retrying} updates could not be applied yet (a temporary problem) and are retried
                automatically. Nothing is lost.
              </Banner>
            )}
            {status.webhooks.failed > 0 && (
              <Banner tone="warning">
                {status.webhooks.failed} older updates could not be read and were skipped; reconciliation picks up their
                orders again.
              </Banner>
            )}
            <ParkedReceipts parked={status.parked} total={status.webhooks.parked} />
            <Text as="p" tone="subdued">
              Test orders, cancelled and voided orders are stored but do not count toward customer value. Refunds reduce
              an order's value. Guest orders are kept and counted separately.
            </Text>
          </TitledCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
