/** CSV of the value per channel (default) or per campaign (?by=campaign), from the latest nightly analysis. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { badRequest, readInsight, type ChannelsInsight } from "../read-models/intelligence/intelligence.server";
import { channelValueCsv } from "../domain/intelligence/channel-value";
import { toMajorUnits } from "../read-models/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  const by = new URL(request.url).searchParams.get("by") ?? "channel";
  if (by !== "channel" && by !== "campaign") throw badRequest("by must be channel or campaign.");
  const insight = await readInsight<ChannelsInsight>(services().db, store.id, "channels");
  if (!insight)
    throw new Response("No channel analysis yet: it appears after the next nightly recompute.", { status: 404 });
  // Money in the store currency's major units (the nightly keeps minor units).
  const major = (minor: number | null) => (minor === null ? null : toMajorUnits(minor, store.currency));
  const rows = (by === "campaign" ? insight.data.campaigns : insight.data.channels).map((row) => ({
    ...row,
    meanPredictedValue: major(row.meanPredictedValue),
    meanHistoricValue: major(row.meanHistoricValue),
    totalHistoricValue: major(row.totalHistoricValue)!,
  }));
  return new Response("\uFEFF" + channelValueCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="ciclo-${by === "campaign" ? "campaigns" : "channels"}.csv"`,
    },
  });
};
