/** A customer data-request report as a JSON download (Settings › Your data), while it is kept (30 days). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { dataRequestReport } from "../read-models/data-requests.server";
import { services } from "../services.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const report = await dataRequestReport(services().db, store.id, params.id ?? "");
  if (!report) return new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  return new Response(report.json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${report.filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
