import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import {
  createReadableStreamFromReadable,
  type ActionFunctionArgs,
  type EntryContext,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { logger } from "./logger.server";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { services } from "./services.server";
import { framingHeaders } from "./security/framing.server";
import { platformAdminContext } from "./auth/admin-context.server";
import { config } from "./config.server";
import { startDataRequestRetention } from "./read-models/data-requests.server";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  await framingHeaders(request, responseHeaders, platformAdminContext);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        logger.error("render failed", { path: new URL(request.url).pathname, error });
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * Errors of loaders and actions go through the logger (which masks secrets) instead of Remix's raw console.error;
 * refusals answered on purpose (a thrown 4xx Response: 403, 413…) are not errors.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs): void {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  logger.error("request failed", { path: new URL(request.url).pathname, error });
}

// Build the services as soon as the server loads the build: with in-process workers they start the background work
// (webhook inbox, jobs, every platform's reconciliation schedule and resumed imports) once, here.
services();
if (config().inProcessWorkers) startDataRequestRetention(services().db);

/**
 * The server listens only once this resolves (server.ts): the database tuned, background work resumed, and the
 * request path's first reads done. A process restarted after a crash then meets Shopify's retried deliveries warm
 * instead of answering its first burst while it still starts up.
 */
export async function warmUp(): Promise<void> {
  // A failed start is logged where it happens (services()) and the process serves anyway, as it always has.
  await services().ready.catch(() => {});
  await services()
    .inbox.preloadStores()
    .catch((error: unknown) => logger.warn("store ids not preloaded", { error: String(error) }));
}
