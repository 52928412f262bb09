// JSON status for the signed-in store: sync, recompute runs, tag write-back (the admin polls it; scripts and the
// demo read it).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { storeStatus } from "../read-models/store-status.server";
import { services } from "../services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return Response.json(await storeStatus(services().db, store.id));
};
