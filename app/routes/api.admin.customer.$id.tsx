/**
 * For the admin customer-details block extension: the customer's segment, stage, value, P(alive), expected
 * next order and last NPS answer. Authenticated with the App Bridge session token (authenticate.admin, which
 * also answers the CORS preflight) and scoped to the token's shop.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { services } from "../services.server";
import { shopifyStoreKey } from "../platforms/shopify/stores.server";
import { customerBlockData, customerExternalId } from "../read-models/customer-block.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const externalId = customerExternalId(params.id ?? "");
  if (!externalId) return cors(Response.json({ error: "bad customer id" }, { status: 400 }));
  const db = services().db;
  const store = await db.store.findUnique({
    where: shopifyStoreKey(session.shop),
    select: { id: true, currency: true },
  });
  if (!store) return cors(Response.json({ error: "store not installed" }, { status: 404 }));
  return cors(Response.json(await customerBlockData(db, store, externalId)));
};
