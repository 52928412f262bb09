// JSON sync status for the signed-in store (the admin polls it; scripts and the demo read it).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { syncStatus } from "../sync/sync-status.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return Response.json(await syncStatus(services().db, store.id));
};
