/**
 * Segmentations: every registered way of grouping customers (app/domain/segmentations/), one section each, with
 * what it tells, each segment's explanation and size, and a link to its members. Nothing here names a particular
 * segmentation: a new one in the registry appears on this page without edits.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, Page, Text } from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { loadSegmentations, type SegmentationSummary } from "../read-models/segmentations.server";
import { formatCount, formatShare } from "../read-models/format";
import type { SegmentTone } from "../domain/segmentations";
import { TitledCard } from "../components/TitledCard";
import { useFocusableTables } from "../components/useFocusableTables";

export const meta = () => [{ title: "Segmentations · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return { segmentations: await loadSegmentations(services().db, store.id) };
};

const BADGE_TONE: Record<SegmentTone, "success" | "attention" | "critical" | undefined> = {
  success: "success",
  attention: "attention",
  critical: "critical",
  neutral: undefined,
};

function SegmentationSection({ segmentation }: { segmentation: SegmentationSummary }) {
  return (
    <TitledCard title={segmentation.name}>
      <Text as="p" tone="subdued">
        {segmentation.description}
        {segmentation.tagFamily ? ` Tag family in Settings: “${segmentation.tagFamily}”.` : ""}
      </Text>
      {segmentation.customers === 0 ? (
        <EmptyState heading="No customers assigned yet" image="">
          <p>After the next nightly recompute, every customer is placed in one of these segments.</p>
        </EmptyState>
      ) : (
        <DataTable
          // Figures before the long explanations, so they stay in view on narrow screens.
          columnContentTypes={["text", "numeric", "numeric", "text"]}
          headings={["Segment", "Customers", "Share", "What they have in common"]}
          rows={segmentation.segments.map((s) => [
            <Link key={s.key} to={`/app/segmentations/${segmentation.id}/${s.key}`}>
              <Badge tone={BADGE_TONE[s.tone]}>{s.label}</Badge>
            </Link>,
            formatCount(s.customers),
            formatShare(s.share),
            s.explanation,
          ])}
        />
      )}
    </TitledCard>
  );
}

export default function SegmentationsPage() {
  const { segmentations } = useLoaderData<typeof loader>();
  useFocusableTables(segmentations);
  return (
    <Page title="Segmentations" subtitle="Each way Ciclo groups your customers, and who is in each group today.">
      <BlockStack gap="500">
        {segmentations.length === 0 ? (
          <Card>
            <EmptyState heading="No segmentations" image="">
              <p>No way of grouping customers is registered.</p>
            </EmptyState>
          </Card>
        ) : (
          segmentations.map((s) => <SegmentationSection key={s.id} segmentation={s} />)
        )}
      </BlockStack>
    </Page>
  );
}
