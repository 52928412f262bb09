/** @jsxImportSource preact */
// admin.customer-details.block.render: Ciclo's view of the customer on their Shopify admin page.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchInsights, type CustomerInsights } from "./insights";

type State = { status: "loading" } | { status: "failed" } | { status: "ready"; insights: CustomerInsights };

function npsTone(score: number): "success" | "warning" | "critical" {
  return score >= 9 ? "success" : score >= 7 ? "warning" : "critical";
}

type FormatDay = (iso: string) => string;

export function CustomerBlock({ customerId, formatDay }: { customerId: string | null; formatDay: FormatDay }) {
  const [state, setState] = useState<State>({ status: "loading" });
  useEffect(() => {
    if (!customerId) return setState({ status: "failed" });
    let live = true;
    void fetchInsights(customerId).then((insights) => {
      if (live) setState(insights ? { status: "ready", insights } : { status: "failed" });
    });
    return () => {
      live = false;
    };
  }, [customerId]);

  if (state.status === "loading") {
    return (
      <s-admin-block heading="Ciclo">
        <s-spinner accessibilityLabel="Loading customer insights" />
      </s-admin-block>
    );
  }
  if (state.status === "failed") {
    return (
      <s-admin-block heading="Ciclo">
        <s-text color="subdued">Customer insights are not available right now.</s-text>
      </s-admin-block>
    );
  }
  const i = state.insights;
  if (!i.found || !i.segment) {
    return (
      <s-admin-block heading="Ciclo">
        <s-text color="subdued">Not scored yet. Ciclo scores customers every night.</s-text>
      </s-admin-block>
    );
  }
  const value = i.predictedClv ?? i.historicClv ?? "—";
  return (
    <s-admin-block heading="Ciclo" collapsedSummary={`${i.segment} · ${value}`}>
      <s-stack gap="base">
        <s-stack direction="inline" gap="small-200">
          <s-badge tone="info">{i.segment}</s-badge>
          {i.stage && <s-badge>{i.stage}</s-badge>}
        </s-stack>
        <s-stack direction="inline" gap="large">
          <s-stack gap="none">
            <s-text color="subdued">{i.predictedClv ? "Predicted value (12 months)" : "Customer value"}</s-text>
            <s-text type="strong">{value}</s-text>
          </s-stack>
          <s-stack gap="none">
            <s-text color="subdued">Chance still a customer</s-text>
            <s-text type="strong">{i.pAlive === null ? "—" : `${Math.round(i.pAlive * 100)}%`}</s-text>
          </s-stack>
          <s-stack gap="none">
            <s-text color="subdued">Next order expected</s-text>
            <s-text type="strong">{i.nextOrderAt ? formatDay(i.nextOrderAt) : "—"}</s-text>
          </s-stack>
        </s-stack>
        {i.lastNps ? (
          <s-stack gap="small-200">
            <s-stack direction="inline" gap="small-200">
              <s-text color="subdued">Last NPS answer</s-text>
              <s-badge tone={npsTone(i.lastNps.score)}>{`${i.lastNps.score} / 10`}</s-badge>
              <s-text color="subdued">{formatDay(i.lastNps.answeredAt)}</s-text>
            </s-stack>
            {i.lastNps.reason && <s-paragraph>“{i.lastNps.reason}”</s-paragraph>}
          </s-stack>
        ) : (
          <s-text color="subdued">No NPS answer yet.</s-text>
        )}
      </s-stack>
    </s-admin-block>
  );
}

export default async () => {
  const customerId = shopify.data.selected[0]?.id ?? null;
  // Dates in the merchant's admin language.
  const formatDay: FormatDay = (iso) =>
    shopify.i18n.formatDate(new Date(iso), { day: "numeric", month: "short", year: "numeric" });
  render(<CustomerBlock customerId={customerId} formatDay={formatDay} />, document.body);
};
