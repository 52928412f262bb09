/** The survey parts of the running app, for the routes (built by the composition root, services.server.ts). */
import { services } from "../services.server";
import type { SurveyRuntime } from "./runtime.server";

export type { SurveyRuntime } from "./runtime.server";

export function surveyRuntime(): SurveyRuntime {
  return services().surveys;
}
