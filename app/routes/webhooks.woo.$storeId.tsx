/** WooCommerce webhook deliveries for one store (registered by ensureWebhooks with this URL). */
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWooWebhook } from "../platforms/woocommerce/webhook-handler.server";
import { wooServices } from "../platforms/woocommerce/woo-services.server";

export const action = ({ request, params }: ActionFunctionArgs) =>
  handleWooWebhook(request, params.storeId ?? "", wooServices().webhook);

export const loader = () => new Response("Method not allowed", { status: 405 });
