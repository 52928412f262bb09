/** CSV of the top N customers (?n=100&basis=predicted|historic), money in the store currency's major units. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { toMajorUnits } from "../read-models/format";
import { parseTopQuery, topCustomerRows } from "../read-models/intelligence/intelligence.server";
import { toCsv } from "../domain/surveys/csv";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const { n, basis } = parseTopQuery(new URL(request.url));
  const rows = await topCustomerRows(services().db, store.id, n, basis);
  const csv = toCsv(
    [
      "rank",
      "customer_id",
      "name",
      "segment",
      "stage",
      "orders",
      "predicted_value_12m",
      "historic_value",
      "channel",
      "next_product",
    ],
    rows.map((r) => [
      r.rank,
      r.externalId,
      r.name,
      r.segment,
      r.stage,
      r.orders,
      r.predictedMinor === null ? null : toMajorUnits(r.predictedMinor, store.currency),
      toMajorUnits(r.historicMinor, store.currency),
      r.channel,
      r.nextProduct,
    ]),
  );
  return new Response("\uFEFF" + csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="ciclo-top-${n}-${basis}.csv"`,
    },
  });
};
