/**
 * Checks made on a request's head before any route code runs or any of its body is read. server.ts applies them
 * to every request of the production server (so they answer before Remix's own, cruder checks); the routes repeat
 * the parts they depend on, so the Vite dev server and in-process tests get the same behaviour.
 *
 * Node runs server.ts (which imports this) without a bundler: relative imports with their `.ts` extension only,
 * and erasable TypeScript.
 */
import { crossSiteReason, CROSS_SITE_MESSAGE, isBrowserFormPath, type RequestHead } from "./same-origin.server.ts";

/**
 * The connecting client's address, set by server.ts from the socket (any value a client sends is overwritten),
 * for per-client limits. Absent under the Vite dev server.
 */
export const CLIENT_ADDRESS_HEADER = "x-ciclo-client-address";

export interface Refusal {
  status: number;
  message: string;
}

/**
 * The most a request body to `pathname` may declare. Mirrors BODY_LIMITS in bounded-body.server.ts, which the
 * routes enforce while reading (for bodies sent without a Content-Length); kept here so server.ts needs no bundler.
 */
export function declaredBodyLimit(pathname: string): number {
  if (pathname === "/webhooks" || pathname.startsWith("/webhooks/")) return 5 * 1024 * 1024;
  if (pathname === "/woo/callback") return 16 * 1024;
  if (pathname === "/api/survey/answers") return 4 * 1024;
  if (isBrowserFormPath(pathname)) return 256 * 1024;
  return 64 * 1024;
}

/**
 * A path or query that is not valid percent-encoding, or that decodes to a NUL character: no route takes one, and a
 * NUL cannot even be compared with a PostgreSQL text column (the query fails instead of finding nothing).
 */
export function malformedUrl(url: URL): boolean {
  try {
    const decoded = decodeURIComponent(url.pathname) + decodeURIComponent(url.search.replace(/\+/g, " "));
    return decoded.includes("\u0000");
  } catch {
    return true;
  }
}

export function refuseEarly(request: RequestHead, appUrl: string): Refusal | null {
  const url = new URL(request.url);
  const { pathname } = url;
  if (malformedUrl(url)) return { status: 400, message: "Bad request" };
  if (isBrowserFormPath(pathname) && crossSiteReason(request, appUrl) !== null)
    return { status: 403, message: CROSS_SITE_MESSAGE };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > declaredBodyLimit(pathname))
    return { status: 413, message: "Payload too large" };
  return null;
}
