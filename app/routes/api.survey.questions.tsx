/** GET /api/survey/questions (and its CORS preflight) for the checkout extension: see app/surveys. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { handleSurveyQuestions } from "../surveys/extension-endpoints.server";
import { surveyRuntime } from "../surveys/survey-runtime.server";
import { authenticate } from "../shopify.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleSurveyQuestions(request, {
    authenticateCheckout: authenticate.public.checkout,
    authenticateCustomerAccount: authenticate.public.customerAccount,
    ...surveyRuntime(),
  });
