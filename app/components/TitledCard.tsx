/**
 * A page section: a Polaris card headed by its title (h2), with the section's content stacked below. Polaris's
 * Card has no title of its own, so this keeps the sections' heading level and spacing the same on every page.
 */
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function TitledCard({
  title,
  gap = "300",
  children,
}: {
  title: string;
  gap?: "200" | "300";
  children: ReactNode;
}) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}
