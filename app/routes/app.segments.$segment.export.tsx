/** CSV of a segment's members with their scores, streamed. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { customersCsv } from "../read-models/exports.server";
import { csvResponse } from "../read-models/csv-stream.server";
import { segmentBySlug } from "../domain/names";
import { storeView } from "../read-models/store-view";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const segment = segmentBySlug(params.segment ?? "");
  if (!segment) throw new Response("No such segment", { status: 404 });
  return csvResponse(customersCsv(services().db, storeView(store), segment.slug), `ciclo-${segment.slug}.csv`);
};
