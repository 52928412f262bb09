/** The notes of readiness.server.ts as Polaris banners above every admin page (nothing when all is in place). */
import { Banner, BlockStack, Box } from "@shopify/polaris";
import type { ReadinessNote } from "../platforms/shopify/readiness.server";

export function ReadinessBanners({ notes }: { notes: ReadinessNote[] }) {
  if (notes.length === 0) return null;
  return (
    <Box padding="400" paddingBlockEnd="0">
      <BlockStack gap="200">
        {notes.map((note) => (
          <Banner key={note.key} tone={note.tone} title={note.title}>
            <p>{note.body}</p>
          </Banner>
        ))}
      </BlockStack>
    </Box>
  );
}
