/**
 * The row of headline numbers at the top of a page: four across on wide screens, two on small ones, one on
 * phones. PageLoading's skeleton uses it too, so the placeholder keeps the page's shape.
 */
import { InlineGrid } from "@shopify/polaris";
import type { ReactNode } from "react";

export function StatGrid({ children }: { children: ReactNode }) {
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
      {children}
    </InlineGrid>
  );
}
