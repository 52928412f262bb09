/** POST /api/survey/answers (and its CORS preflight, which Remix routes to the loader): see app/surveys. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleSurveyAnswer } from "../surveys/extension-endpoints.server";
import { surveyRuntime } from "../surveys/survey-runtime.server";
import { authenticate } from "../shopify.server";

const deps = () => ({
  authenticateCheckout: authenticate.public.checkout,
  authenticateCustomerAccount: authenticate.public.customerAccount,
  ...surveyRuntime(),
});

export const action = ({ request }: ActionFunctionArgs) => handleSurveyAnswer(request, deps());
export const loader = ({ request }: LoaderFunctionArgs) => handleSurveyAnswer(request, deps());
