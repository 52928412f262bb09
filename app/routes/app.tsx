/**
 * The admin shell. Inside Shopify: App Bridge navigation (NavMenu) + Polaris (embedded). Standalone (demo,
 * WooCommerce embed): Polaris alone with an accessible navigation bar, no App Bridge or Shopify CDN.
 * While the next page's data loads, a skeleton of the page replaces it (the loading state of every page).
 */
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider as ShopifyAppProvider } from "@shopify/shopify-app-remix/react";
import { AppProvider as PolarisAppProvider, Box, InlineStack, Text } from "@shopify/polaris";
import type { LinkLikeComponentProps } from "@shopify/polaris/build/ts/src/utilities/link";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { requireStore } from "../auth/admin-context.server";
import { config } from "../config.server";
import { PageLoading } from "../components/PageLoading";
import { ReadinessBanners } from "../components/ReadinessBanners";
import { shopifyReadiness } from "../platforms/shopify/readiness.server";
import { services } from "../services.server";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  // What the store lacks to work fully (scopes, approvals, a deployed survey), shown on every page.
  const notes = await shopifyReadiness(services().db, store.id);
  return { apiKey: config().shopifyApiKey, embedded, storeName: store.name ?? store.domain, notes };
};

const NAV = [
  { to: "/app", label: "Overview" },
  { to: "/app/predictions", label: "Predictions" },
  { to: "/app/channels", label: "Channels" },
  { to: "/app/retention", label: "Retention" },
  { to: "/app/journey", label: "Journey" },
  { to: "/app/segmentations", label: "Segmentations" },
  { to: "/app/products", label: "Products" },
  { to: "/app/top-customers", label: "Top customers" },
  { to: "/app/shopify-groups", label: "Shopify groups" },
  { to: "/app/surveys", label: "Surveys" },
  { to: "/app/settings", label: "Settings" },
  { to: "/app/sync", label: "Sync" },
];

function pageTitle(pathname: string): string {
  if (pathname.startsWith("/app/segments/")) return "Segment";
  if (pathname.startsWith("/app/segmentations/")) return "Segment";
  if (pathname.startsWith("/app/customers/")) return "Customer";
  return NAV.slice(1).find((item) => pathname.startsWith(item.to))?.label ?? "Overview";
}

/** Polaris links (Button url, Link) navigate client-side through Remix. */
function PolarisLink({ url, children, external, ...rest }: LinkLikeComponentProps) {
  // Downloads and other apps' pages are plain links; only in-app pages go through the router.
  if (external || rest.download || /^(https?:|shopify:|mailto:)/.test(url)) {
    return (
      <a
        href={url}
        {...rest}
        target={external ? "_blank" : undefined}
        rel={external ? "noopener noreferrer" : undefined}
      >
        {children}
      </a>
    );
  }
  return (
    <RemixLink to={url} {...rest}>
      {children}
    </RemixLink>
  );
}

function Content() {
  const navigation = useNavigation();
  const location = useLocation();
  const leaving = navigation.state === "loading" && navigation.location.pathname !== location.pathname;
  return leaving ? <PageLoading title={pageTitle(navigation.location.pathname)} /> : <Outlet />;
}

export default function AppLayout() {
  const { apiKey, embedded, storeName, notes } = useLoaderData<typeof loader>();
  const location = useLocation();
  if (embedded) {
    return (
      <ShopifyAppProvider isEmbeddedApp apiKey={apiKey}>
        <NavMenu>
          {NAV.map((item) => (
            <RemixLink key={item.to} to={item.to} rel={item.to === "/app" ? "home" : undefined}>
              {item.label}
            </RemixLink>
          ))}
        </NavMenu>
        <ReadinessBanners notes={notes} />
        <Content />
      </ShopifyAppProvider>
    );
  }
  const current = (to: string) => (to === "/app" ? location.pathname === "/app" : location.pathname.startsWith(to));
  return (
    <PolarisAppProvider i18n={enTranslations} linkComponent={PolarisLink}>
      <Box background="bg-surface" padding="300" borderBlockEndWidth="025" borderColor="border">
        <InlineStack gap="400" blockAlign="center">
          <Text as="span" variant="headingMd">
            Ciclo
          </Text>
          <Text as="span" tone="subdued">
            {storeName}
          </Text>
          <nav aria-label="Ciclo">
            <ul style={{ display: "flex", flexWrap: "wrap", gap: 16, listStyle: "none", margin: 0, padding: 0 }}>
              {NAV.map((item) => (
                <li key={item.to}>
                  <RemixLink
                    to={item.to}
                    aria-current={current(item.to) ? "page" : undefined}
                    prefetch="intent"
                    style={{
                      color: "#303030",
                      fontWeight: current(item.to) ? 650 : 450,
                      textDecoration: current(item.to) ? "underline" : "none",
                      textUnderlineOffset: 4,
                    }}
                  >
                    {item.label}
                  </RemixLink>
                </li>
              ))}
            </ul>
          </nav>
        </InlineStack>
      </Box>
      <main>
        <ReadinessBanners notes={notes} />
        <Content />
      </main>
    </PolarisAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
