/** Shown while a page's data loads during navigation: Polaris skeletons in the page's own shape. */
import { BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import { StatGrid } from "./StatGrid";

export function PageLoading({ title }: { title: string }) {
  return (
    <SkeletonPage title={title} primaryAction>
      <Layout>
        <Layout.Section>
          <StatGrid>
            {[1, 2, 3, 4].map((i) => (
              <Card key={i}>
                <BlockStack gap="200">
                  <SkeletonBodyText lines={1} />
                  <SkeletonDisplayText size="small" />
                </BlockStack>
              </Card>
            ))}
          </StatGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={8} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}
