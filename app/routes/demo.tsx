/**
 * Standalone demo login: only when CICLO_DEMO is set (config refuses it in production). Picks the demo store
 * and sets a signed cookie; everything after that is the normal admin.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { demoCookie } from "../auth/admin-context.server";
import { config } from "../config.server";
import { services } from "../services.server";
import { assertSameOrigin } from "../security/same-origin.server";
import { boundedFormData } from "../security/bounded-body.server";
import { findShopifyStore } from "../platforms/shopify/stores.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!config().demo) throw new Response("Not found", { status: 404 });
  const shop = new URL(request.url).searchParams.get("shop");
  const store = shop
    ? await findShopifyStore(services().db, shop)
    : await services().db.store.findFirst({ where: { status: "installed" }, orderBy: { installedAt: "asc" } });
  if (!store) {
    return new Response("No demo store yet: run `npm run demo`.", {
      status: 404,
      headers: { "content-type": "text/plain" },
    });
  }
  return redirect("/app", { headers: { "Set-Cookie": await demoCookie.serialize(store.domain) } });
};

/**
 * The demo script installs its simulated shop here, the way Shopify's OAuth would call afterAuth, and asks for a
 * second recompute ("intent=recompute") in place of the next night's.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (!config().demo) throw new Response("Not found", { status: 404 });
  assertSameOrigin(request, config().appUrl);
  const form = await boundedFormData(request);
  const shop = String(form.get("shop") ?? "");
  if (form.get("intent") === "recompute") {
    // The demo's "next night": a second recompute, so stage changes (segment movement, journey moves) have data.
    const store = await findShopifyStore(services().db, shop);
    if (!store) return new Response("unknown shop", { status: 404 });
    return Response.json({ queued: (await services().jobs.recomputeNow(store.id, "manual")) !== null });
  }
  const token = String(form.get("accessToken") ?? "");
  // Expiring offline tokens (60 minutes) come with a refresh token, as token exchange stores them.
  const refreshToken = form.get("refreshToken") ? String(form.get("refreshToken")) : undefined;
  const expiresIn = Number(form.get("expiresIn") ?? 0);
  if (!/^[a-z0-9-]+\.myshopify\.com$/.test(shop) || !token)
    return new Response("shop and accessToken required", { status: 400 });
  const { sessionStorage } = await import("../shopify.server");
  const { Session } = await import("@shopify/shopify-api");
  await sessionStorage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "demo",
      isOnline: false,
      accessToken: token,
      scope: config().scopes.join(","),
      ...(refreshToken ? { refreshToken } : {}),
      ...(expiresIn > 0 ? { expires: new Date(Date.now() + expiresIn * 1000) } : {}),
    }),
  );
  const { store, run } = await services().installs.onInstalled(shop, config().scopes.join(","));
  return Response.json({ storeId: store.id, backfillRunId: run.id });
};
