/**
 * Who is looking at the admin: a Shopify merchant (embedded, session token) or, in demo mode only,
 * the standalone demo login. Routes call requireStore() and get the one Store they may see.
 */
import { createCookie, redirect } from "@remix-run/node";
import type { Store } from "@prisma/client";
import { config } from "../config.server";
import { assertSameOrigin } from "../security/same-origin.server";
import { services } from "../services.server";
import type { PlatformRuntime } from "../platforms/platform";
import { findShopifyStore } from "../platforms/shopify/stores.server";

export interface AdminContext {
  store: Store;
  embedded: boolean;
}

export const demoCookie = createCookie("ciclo_demo", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secrets: [config().shopifyApiSecret],
  maxAge: 60 * 60 * 24,
});

/** Shopify opens the embedded app with these parameters and App Bridge sends its session token as a Bearer. */
function fromShopifyAdmin(request: Request): boolean {
  const params = new URL(request.url).searchParams;
  return (
    params.has("shop") ||
    params.has("host") ||
    params.has("id_token") ||
    params.has("embedded") ||
    /^Bearer\s/i.test(request.headers.get("authorization") ?? "")
  );
}

/**
 * The admin session of a platform that has its own (WooCommerce: the plugin's signed embed, no App Bridge), or
 * null. Never for a request from Shopify's admin: a WooCommerce cookie planted in a Shopify merchant's browser must
 * not swap someone else's store into their Shopify page.
 */
export async function platformAdminContext(request: Request): Promise<AdminContext | null> {
  if (fromShopifyAdmin(request)) return null;
  for (const runtime of Object.values(services().platforms) as PlatformRuntime[]) {
    const context = await runtime.adminContext?.(request);
    if (context) return context;
  }
  return null;
}

export async function requireStore(request: Request): Promise<AdminContext> {
  // Every admin action goes through here: a cookie session must not be usable from another site's form.
  assertSameOrigin(request, config().appUrl);
  const { db } = services();
  // Platforms with their own admin session (WooCommerce: the plugin's signed embed, no App Bridge) first. A request
  // that comes from Shopify's admin is always a Shopify merchant's: a WooCommerce cookie planted in their browser
  // must not swap someone else's store into their Shopify page.
  const own = await platformAdminContext(request);
  if (own) return own;
  if (config().demo) {
    const shop = (await demoCookie.parse(request.headers.get("cookie"))) as string | null;
    if (shop) {
      const store = await findShopifyStore(db, shop);
      if (store) return { store, embedded: false };
    }
    if (!new URL(request.url).searchParams.has("shop") && !request.headers.get("authorization"))
      throw redirect("/demo");
  }
  const { authenticate } = await import("../shopify.server");
  const { session } = await authenticate.admin(request);
  const store = await findShopifyStore(db, session.shop);
  if (store) return { store, embedded: true };
  // Authenticated but no row yet (e.g. first load right after install): create it the way afterAuth does.
  const { store: created } = await services().installs.onInstalled(session.shop, session.scope ?? "");
  return { store: created, embedded: true };
}
