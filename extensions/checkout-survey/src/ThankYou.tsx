/** @jsxImportSource preact */
// purchase.thank-you.block.render: the Jobs-To-Be-Done / attribution questions, right after paying.
import { render } from "preact";
import { APP_URL } from "./app-url";
import { createSurveyHost } from "./host";
import { Survey } from "./Survey";
import { REQUEST_TIMEOUT_MS, RETRY_DELAY_MS } from "./survey-client";

export default async () => {
  const orderId = shopify.orderConfirmation.value?.order.id;
  // No app URL was built in (see app-url.ts): nothing to ask, and the page must not break.
  if (!orderId || !APP_URL) return;
  const host = createSurveyHost(shopify);
  const client = {
    appUrl: APP_URL,
    sessionToken: host.sessionToken,
    timeoutMs: REQUEST_TIMEOUT_MS,
    retryDelayMs: RETRY_DELAY_MS,
  };
  render(<Survey host={host} client={client} target="thank-you" orderId={orderId} />, document.body);
};
