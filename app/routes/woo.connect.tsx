/**
 * Connect a WooCommerce store: the store URL sends the merchant to WooCommerce's approval screen (the plugin's
 * "Connect to Ciclo" button arrives here with ?store_url=… and goes straight on); manual key entry is the
 * fallback. Errors (bad address, keys that can't read orders) are shown with their reason.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppProvider, Banner, BlockStack, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => {
  const storeUrl = new URL(request.url).searchParams.get("store_url");
  if (storeUrl) {
    try {
      return redirect(wooServices().connect.authorizeUrl(storeUrl));
    } catch (error) {
      return { storeUrl, error: `That store address is not valid: ${(error as Error).message}.` };
    }
  }
  return { storeUrl: "", error: null };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const form = await request.formData();
  const storeUrl = String(form.get("storeUrl") ?? "").trim();
  if (!storeUrl) return { error: "Enter your store's address." };
  const { connect } = wooServices();
  if (form.get("intent") === "manual") {
    const result = await connect.connectWithKeys(storeUrl, {
      consumerKey: String(form.get("consumerKey") ?? "").trim(),
      consumerSecret: String(form.get("consumerSecret") ?? "").trim(),
    });
    if (!result.ok) return { error: result.reason };
    return redirect(`/woo/return?store=${encodeURIComponent(result.store.id)}`);
  }
  try {
    return redirect(connect.authorizeUrl(storeUrl));
  } catch (error) {
    return { error: `That store address is not valid: ${(error as Error).message}.` };
  }
};

export default function WooConnect() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [storeUrl, setStoreUrl] = useState(loaded.storeUrl);
  const [consumerKey, setConsumerKey] = useState("");
  const [consumerSecret, setConsumerSecret] = useState("");
  const error = acted?.error ?? loaded.error;
  return (
    <AppProvider i18n={enTranslations}>
      <Page narrowWidth title="Connect your WooCommerce store">
        <BlockStack gap="400">
          {error ? (
            <Banner tone="critical" title="Ciclo could not connect">
              <p>{error}</p>
            </Banner>
          ) : null}
          <Card>
            <Form method="post">
              <FormLayout>
                <TextField
                  label="Store address"
                  name="storeUrl"
                  value={storeUrl}
                  onChange={setStoreUrl}
                  placeholder="https://shop.example"
                  autoComplete="url"
                  helpText="You will approve Ciclo's access in your WordPress admin."
                />
                <input type="hidden" name="intent" value="authorize" />
                <Button submit variant="primary" loading={busy}>
                  Continue to WooCommerce
                </Button>
              </FormLayout>
            </Form>
          </Card>
          <Card>
            <Form method="post" autoComplete="off">
              <FormLayout>
                <Text as="h2" variant="headingSm">
                  Or enter REST API keys
                </Text>
                <Text as="p" tone="subdued">
                  WooCommerce › Settings › Advanced › REST API › Add key, with Read/Write permission for a shop manager
                  or administrator.
                </Text>
                <input type="hidden" name="storeUrl" value={storeUrl} />
                <input type="hidden" name="intent" value="manual" />
                <TextField
                  label="Consumer key"
                  name="consumerKey"
                  value={consumerKey}
                  onChange={setConsumerKey}
                  autoComplete="off"
                />
                <TextField
                  label="Consumer secret"
                  name="consumerSecret"
                  type="password"
                  value={consumerSecret}
                  onChange={setConsumerSecret}
                  autoComplete="off"
                />
                <Button submit loading={busy}>
                  Connect with these keys
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </BlockStack>
      </Page>
    </AppProvider>
  );
}
