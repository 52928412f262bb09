/**
 * Cross-site request forgery guard for everything a browser can submit with ambient credentials (the WooCommerce
 * and demo session cookies) or that must only be submitted from Ciclo's own pages (connect form, hosted survey).
 * Browsers send `Origin` on every cross-origin POST and `Sec-Fetch-Site` on every request, and a foreign page
 * cannot forge either; a request with neither comes from a non-browser client, which carries nobody's cookies.
 *
 * Node runs server.ts (which imports this) without a bundler: keep this file free of imports and non-erasable
 * TypeScript.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the guard reads of a request: a Fetch `Request`, or Express's request adapted in server.ts. */
export interface RequestHead {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
}

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Paths whose POSTs come from Ciclo's own pages in a browser: the admin, the connect form, the hosted survey and
 * the demo login (Remix's single-fetch adds `.data`). Webhooks, the key-exchange callback and the survey API are
 * server-to-server or cross-origin by design and are authenticated by signatures and tokens instead.
 */
export function isBrowserFormPath(pathname: string): boolean {
  const path = pathname.replace(/\.data$/, "");
  return (
    path === "/app" ||
    path.startsWith("/app/") ||
    path === "/woo/connect" ||
    path.startsWith("/survey/") ||
    path === "/demo"
  );
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Why a state-changing request is refused as cross-site, or null when it may go on. */
export function crossSiteReason(request: RequestHead, appUrl: string): string | null {
  if (!isUnsafeMethod(request.method)) return null;
  const site = request.headers.get("sec-fetch-site");
  // "none" is a user typing the URL or using a bookmark; only our own origin may submit forms.
  if (site !== null && site !== "same-origin" && site !== "none") return `sec-fetch-site ${site}`;
  const allowed = new Set([originOf(appUrl), originOf(request.url)].filter((o): o is string => o !== null));
  const origin = request.headers.get("origin");
  if (origin !== null) return allowed.has(origin) ? null : "foreign origin";
  // Old browsers omit Origin on same-origin form posts but send Referer; a foreign Referer is as telling.
  const referer = request.headers.get("referer");
  if (referer !== null) {
    const from = originOf(referer);
    return from !== null && allowed.has(from) ? null : "foreign referer";
  }
  return null;
}

export const CROSS_SITE_MESSAGE = "Cross-site request refused";

/** Throws a 403 Response for a cross-site state-changing request (call first in an action). */
export function assertSameOrigin(request: RequestHead, appUrl: string): void {
  if (crossSiteReason(request, appUrl) !== null)
    throw new Response(CROSS_SITE_MESSAGE, {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
}
