/** The store's data export: every customer with their scores, as CSV, streamed. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { customersCsv } from "../read-models/exports.server";
import { csvResponse } from "../read-models/csv-stream.server";
import { storeView } from "../read-models/store-view";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return csvResponse(customersCsv(services().db, storeView(store), null), "ciclo-customers.csv");
};
