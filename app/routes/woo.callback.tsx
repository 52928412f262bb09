/** WooCommerce's key-exchange POST (JSON with the new REST key). It must answer exactly 200 to keep the key. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../security/bounded-body.server";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const body = await readBoundedBody(request, BODY_LIMITS.keyExchange);
  if (!body.ok) return payloadTooLarge();
  const outcome = await wooServices().connect.handleCallback(body.text);
  return new Response(outcome.status === 200 ? "OK" : outcome.message, {
    status: outcome.status,
    headers: { "content-type": "text/plain" },
  });
};

export const loader = () => new Response("Method not allowed", { status: 405 });
