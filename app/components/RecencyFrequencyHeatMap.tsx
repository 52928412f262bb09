/**
 * Recency x frequency heat map with counts and average spend. Polaris Viz has no heat map, so this is a
 * Polaris-styled table: real table semantics for screen readers, colour intensity by customer count (text
 * stays dark on light cells for contrast).
 */
import { Text } from "@shopify/polaris";
import { formatMoney } from "../read-models/format";

export interface HeatCell {
  r: number;
  f: number;
  customers: number;
  avgSpendMinor: string;
}

export function RecencyFrequencyHeatMap({ cells, currency }: { cells: HeatCell[]; currency: string }) {
  const max = Math.max(1, ...cells.map((c) => c.customers));
  const levels = [5, 4, 3, 2, 1];
  const at = (r: number, f: number) => cells.find((c) => c.r === r && c.f === f);
  return (
    <div style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label="Scrollable table">
      <table style={{ borderCollapse: "separate", borderSpacing: 4, width: "100%", minWidth: 360 }}>
        <caption style={{ textAlign: "left", paddingBottom: 8 }}>
          <Text as="span" tone="subdued">
            Rows: recency score (5 = bought most recently). Columns: frequency score (1 = one order, 5 = most orders).
            Each cell: customers and their average total spend.
          </Text>
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <Text as="span" variant="bodySm" tone="subdued">
                Recency ↓ / Frequency →
              </Text>
            </th>
            {levels
              .slice()
              .reverse()
              .map((f) => (
                <th key={f} scope="col">
                  <Text as="span" variant="bodySm">
                    F{f}
                  </Text>
                </th>
              ))}
          </tr>
        </thead>
        <tbody>
          {levels.map((r) => (
            <tr key={r}>
              <th scope="row">
                <Text as="span" variant="bodySm">
                  R{r}
                </Text>
              </th>
              {levels
                .slice()
                .reverse()
                .map((f) => {
                  const cell = at(r, f);
                  const intensity = cell ? cell.customers / max : 0;
                  return (
                    <td
                      key={f}
                      style={{
                        background: `rgba(41, 121, 255, ${(0.06 + intensity * 0.42).toFixed(3)})`,
                        borderRadius: 8,
                        padding: "8px 6px",
                        textAlign: "center",
                        color: "#1a1a1a",
                        minWidth: 56,
                      }}
                    >
                      <div style={{ fontWeight: 650 }}>{(cell?.customers ?? 0).toLocaleString("en-US")}</div>
                      <div style={{ fontSize: 12 }}>
                        {cell ? `avg ${formatMoney(cell.avgSpendMinor, currency, "en-US", { compact: true })}` : "—"}
                      </div>
                    </td>
                  );
                })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
