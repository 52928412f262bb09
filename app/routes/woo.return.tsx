/** Where WooCommerce sends the merchant after the authorize screen (or manual entry lands): the outcome. */
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider, Banner, BlockStack, Button, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const { connect, webhook } = wooServices();
  const manualStoreId = params.get("store");
  if (manualStoreId) {
    const store = await webhook.db.store.findUnique({ where: { id: manualStoreId }, select: { domain: true } });
    return store
      ? { ok: true as const, domain: store.domain }
      : data({ ok: false as const, reason: "Unknown store." }, { status: 400 });
  }
  const outcome = await connect.returnOutcome(params);
  if (!outcome.ok) return data({ ok: false as const, reason: outcome.reason }, { status: 400 });
  const store = await webhook.db.store.findUnique({ where: { id: outcome.storeId }, select: { domain: true } });
  return { ok: true as const, domain: store?.domain ?? "" };
};

export default function WooReturn() {
  const result = useLoaderData<typeof loader>();
  return (
    <AppProvider i18n={enTranslations}>
      <Page narrowWidth title="WooCommerce">
        {result.ok ? (
          <Banner tone="success" title={`${result.domain} is connected`}>
            <BlockStack gap="200">
              <Text as="p">
                Ciclo is importing your order history. Open Ciclo from the Ciclo menu in your WordPress admin.
              </Text>
            </BlockStack>
          </Banner>
        ) : (
          <Banner tone="critical" title="The store was not connected">
            <BlockStack gap="200">
              <Text as="p">{result.reason}</Text>
              <Button url="/woo/connect">Try again</Button>
            </BlockStack>
          </Banner>
        )}
      </Page>
    </AppProvider>
  );
}
