/** One headline number with its label and an optional line of context. */
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function StatCard({ label, value, detail }: { label: string; value: string; detail?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        {detail && (
          <Text as="p" variant="bodySm" tone="subdued">
            {detail}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
