/** CSV of every survey answer, streamed (formula-injection safe). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { surveyResponsesCsv } from "../read-models/exports.server";
import { csvResponse } from "../read-models/csv-stream.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store } = await requireStore(request);
  return csvResponse(surveyResponsesCsv(services().db, store.id), "ciclo-survey-answers.csv");
};
