/**
 * Who may frame Ciclo's pages (clickjacking). Inside Shopify the library sets `frame-ancestors` for the shop and
 * Shopify's admin when `?shop` is present. Every other document gets its own: an admin page opened with a
 * WooCommerce session may be framed only by that store's site (the plugin's wp-admin page), and everything else
 * by nobody. The survey page is left frameable: the WordPress plugin shows it on the store's thank-you page and
 * it holds nothing but the questions of the signed link.
 */
import type { Db } from "../db.server";
import type { Cookie } from "@remix-run/node";
import { adminContextForWoo } from "../woocommerce/embed-session.server";

const NOBODY = "frame-ancestors 'none'";

function isAdminPath(pathname: string): boolean {
  return pathname === "/app" || pathname.startsWith("/app/");
}

export async function framingHeaders(
  request: Request,
  headers: Headers,
  deps: { db: Db; cookie: Cookie },
): Promise<void> {
  if (headers.get("Content-Security-Policy")?.includes("frame-ancestors")) return;
  const { pathname } = new URL(request.url);
  if (pathname.startsWith("/survey/")) return;
  let policy = NOBODY;
  if (isAdminPath(pathname)) {
    const woo = await adminContextForWoo(request, deps);
    const origin = woo?.store.baseUrl ? safeOrigin(woo.store.baseUrl) : null;
    if (origin) policy = `frame-ancestors ${origin}`;
  }
  headers.set("Content-Security-Policy", `${policy};`);
  if (policy === NOBODY) headers.set("X-Frame-Options", "DENY");
}

function safeOrigin(url: string): string | null {
  try {
    const { origin, protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:" ? origin : null;
  } catch {
    return null;
  }
}
