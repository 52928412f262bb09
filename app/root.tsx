import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/**
 * A refused or failed request rendered as a page: its status and, for a refusal (4xx), its short reason. Nothing
 * of an unexpected error is shown (it is logged on the server), and nothing is printed from here: Remix's default
 * boundary would console.error every refusal, bypassing the logger.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const reason =
    isRouteErrorResponse(error) && status < 500 && typeof error.data === "string" && error.data.length <= 200
      ? error.data
      : status < 500
        ? "This request was refused."
        : "Something went wrong. Please try again.";
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{`${status} · Ciclo`}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <main
          style={{ font: "16px/1.5 system-ui, sans-serif", maxWidth: "32rem", margin: "3rem auto", padding: "0 1rem" }}
        >
          <h1>{status}</h1>
          <p>{reason}</p>
        </main>
        <Scripts />
      </body>
    </html>
  );
}
