/** The customer page's intelligence card: suggested next product, acquisition channel and journey stage. */
import { Text } from "@shopify/polaris";
import type { CustomerInsightView } from "../read-models/intelligence/intelligence.server";
import { TitledCard } from "./TitledCard";

export function NextProductCard({ insight }: { insight: CustomerInsightView }) {
  return (
    <TitledCard title="Suggested next product" gap="200">
      {insight.nextProduct ? (
        <>
          <Text as="p" variant="headingMd">
            {insight.nextProduct}
          </Text>
          <Text as="p" tone="subdued">
            {insight.nextBecause
              ? `Customers like them who bought ${insight.nextBecause} often bought this too; they do not have it yet.`
              : "The most bought product among customers like them that they do not have yet."}
          </Text>
        </>
      ) : (
        <Text as="p" tone="subdued">
          No suggestion: there is nothing they have not bought that customers like them buy.
        </Text>
      )}
      <Text as="p" variant="bodySm" tone="subdued">
        Came through {insight.channel ?? "an unknown channel"}
        {insight.campaign ? ` (campaign ${insight.campaign})` : ""}. Journey stage: {insight.journeyStage ?? "—"}.
      </Text>
    </TitledCard>
  );
}
