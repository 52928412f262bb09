/**
 * The admin shell. Inside Shopify: App Bridge + Polaris (embedded). In demo mode: Polaris alone, with a
 * plain navigation bar, so the admin works without Shopify's CDN or App Bridge.
 */
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider as ShopifyAppProvider } from "@shopify/shopify-app-remix/react";
import { AppProvider as PolarisAppProvider, Box, InlineStack, Text } from "@shopify/polaris";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { requireStore } from "../auth/admin-context.server";
import { config } from "../config.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  return { apiKey: config().shopifyApiKey, embedded, storeName: store.name ?? store.domain };
};

const NAV = [{ to: "/app", label: "Sync" }];

export default function AppLayout() {
  const { apiKey, embedded, storeName } = useLoaderData<typeof loader>();
  if (embedded) {
    return (
      <ShopifyAppProvider isEmbeddedApp apiKey={apiKey}>
        <NavMenu>
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} rel={item.to === "/app" ? "home" : undefined}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
        <Outlet />
      </ShopifyAppProvider>
    );
  }
  return (
    <PolarisAppProvider i18n={enTranslations}>
      <Box background="bg-surface" padding="300" borderBlockEndWidth="025" borderColor="border">
        <InlineStack gap="400" blockAlign="center">
          <Text as="span" variant="headingMd">
            Ciclo
          </Text>
          <Text as="span" tone="subdued">
            {storeName} · demo
          </Text>
          <nav aria-label="Ciclo">
            <InlineStack gap="300">
              {NAV.map((item) => (
                <Link key={item.to} to={item.to}>
                  {item.label}
                </Link>
              ))}
            </InlineStack>
          </nav>
        </InlineStack>
      </Box>
      <Outlet />
    </PolarisAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
