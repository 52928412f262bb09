/** Every Shopify webhook topic lands here (see shopify.app.toml). */
import type { ActionFunctionArgs } from "@remix-run/node";
import { verifyShopifyWebhook } from "../shopify.server";
import { services } from "../services.server";
import { handleShopifyWebhook } from "../platforms/shopify/webhook-handler.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleShopifyWebhook(request, {
    verify: verifyShopifyWebhook,
    inbox: services().inbox,
    onBulkOperationFinished: (gid) => services().bulkFinished.finished(gid),
  });

export const loader = () => new Response("Method not allowed", { status: 405 });
