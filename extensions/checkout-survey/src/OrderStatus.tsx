/** @jsxImportSource preact */
// customer-account.order-status.block.render: NPS and its reason, only once the order has arrived.
import { render } from "preact";
import { APP_URL } from "./app-url";
import { createSurveyHost } from "./host";
import { isOrderReadyForNps } from "./order-delivery";
import { Survey } from "./Survey";
import { REQUEST_TIMEOUT_MS, RETRY_DELAY_MS } from "./survey-client";

export default async () => {
  const orderId = shopify.order.value?.id;
  // No app URL was built in (see app-url.ts): nothing to ask, and the page must not break.
  if (!orderId || !APP_URL) return;
  const host = createSurveyHost(shopify);
  const client = {
    appUrl: APP_URL,
    sessionToken: host.sessionToken,
    timeoutMs: REQUEST_TIMEOUT_MS,
    retryDelayMs: RETRY_DELAY_MS,
  };
  render(
    <Survey
      host={host}
      client={client}
      target="order-status"
      orderId={orderId}
      isReady={() => isOrderReadyForNps(orderId, REQUEST_TIMEOUT_MS)}
    />,
    document.body,
  );
};
