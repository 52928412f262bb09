/** The plugin's iframe entry: a signed short-lived token becomes Ciclo's own session cookie, then the admin. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { startEmbedSession } from "../platforms/woocommerce/embed-session.server";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const started = await startEmbedSession(token, wooServices().embed);
  if (!started.ok) {
    return new Response(`Ciclo could not sign you in: ${started.reason}.`, {
      status: started.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  return redirect("/app", { headers: { "Set-Cookie": started.setCookie } });
};
