/**
 * Who may frame Ciclo's pages (clickjacking). Inside Shopify the library sets `frame-ancestors` for the shop and
 * Shopify's admin when `?shop` is present. Every other document gets its own: an admin page opened with a
 * WooCommerce session may be framed only by that store's site (the plugin's wp-admin page), and everything else
 * by nobody. The survey page is left frameable: the WordPress plugin shows it on the store's thank-you page and
 * it holds nothing but the questions of the signed link.
 */
import type { Store } from "@prisma/client";

const NOBODY = "frame-ancestors 'none'";

function isAdminPath(pathname: string): boolean {
  return pathname === "/app" || pathname.startsWith("/app/");
}

export async function framingHeaders(
  request: Request,
  headers: Headers,
  /** The request's own admin session on a platform outside Shopify's admin (see requireStore), or null. */
  platformSession: (request: Request) => Promise<{ store: Pick<Store, "baseUrl"> } | null>,
): Promise<void> {
  if (headers.get("Content-Security-Policy")?.includes("frame-ancestors")) return;
  const { pathname } = new URL(request.url);
  if (pathname.startsWith("/survey/")) return;
  let policy = NOBODY;
  if (isAdminPath(pathname)) {
    const session = await platformSession(request);
    const origin = session?.store.baseUrl ? safeOrigin(session.store.baseUrl) : null;
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
