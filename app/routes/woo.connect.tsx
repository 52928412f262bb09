/**
 * Connect a WooCommerce store: the store URL sends the merchant to WooCommerce's approval screen; manual key entry
 * is the fallback. The plugin's "Connect to Ciclo" button arrives with ?store_url=…, which only fills in the form:
 * the merchant confirms with a click (a link must not bounce anyone on to an arbitrary site). Every attempt is
 * rate-limited per client, and addresses Ciclo may not contact get one generic refusal.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppProvider, Banner, BlockStack, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { config } from "../config.server";
import { boundedFormData } from "../security/bounded-body.server";
import { formFields } from "../security/form-fields";
import { CLIENT_ADDRESS_HEADER } from "../security/request-guard.server";
import { assertSameOrigin } from "../security/same-origin.server";
import { WOO_CONNECT_FIELDS, WooConnectFormSchema } from "../platforms/woocommerce/connect-form";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// A refused attempt's Retry-After reaches the browser with the re-rendered page.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export const loader = ({ request }: LoaderFunctionArgs) => {
  const storeUrl = new URL(request.url).searchParams.get("store_url")?.slice(0, 500) ?? "";
  if (!storeUrl) return { storeUrl: "", error: null };
  const prefilled = wooServices().connect.prefill(storeUrl);
  return prefilled.error ? data(prefilled, { status: 400 }) : prefilled;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  assertSameOrigin(request, config().appUrl);
  const { connect } = wooServices();
  const admitted = connect.admit(request.headers.get(CLIENT_ADDRESS_HEADER) ?? "");
  if (!admitted.allowed)
    return data(
      { error: "Too many connection attempts. Wait a minute and try again." },
      { status: 429, headers: { "Retry-After": String(admitted.retryAfterSeconds) } },
    );
  const form = WooConnectFormSchema.safeParse(formFields(await boundedFormData(request), WOO_CONNECT_FIELDS));
  if (!form.success) return data({ error: form.error.issues[0]!.message }, { status: 400 });
  const { storeUrl, intent, consumerKey, consumerSecret } = form.data;
  if (intent === "manual") {
    const result = await connect.connectWithKeys(storeUrl, { consumerKey, consumerSecret });
    if (!result.ok) return data({ error: result.reason }, { status: 400 });
    return redirect(`/woo/return?store=${encodeURIComponent(result.store.id)}`);
  }
  const started = await connect.startAuthorization(storeUrl);
  if (!started.ok) return data({ error: started.reason }, { status: 400 });
  return redirect(started.url);
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
                  maxLength={500}
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
