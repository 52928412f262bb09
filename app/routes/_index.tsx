import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { config } from "../config.server";

// Shopify opens the app with ?shop=…; the demo goes to its login; anyone else gets a short explanation.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  if (config().demo) throw redirect("/demo");
  return new Response("Ciclo is a Shopify app: install it from your Shopify admin.", {
    headers: { "content-type": "text/plain" },
  });
};
