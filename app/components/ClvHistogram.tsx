/** How customer value is spread: customers per value band (Polaris Viz bar chart). */
import { formatMoney } from "../read-models/format";
import { ChartFrame } from "./ChartFrame";
import { LazyBarChart } from "./charts/lazy";

export interface ClvBand {
  fromMinor: string;
  toMinor: string | null;
  customers: number;
}

export function bandLabel(band: ClvBand, currency: string): string {
  const from = formatMoney(band.fromMinor, currency, "en-US", { compact: true });
  return band.toMinor === null
    ? `${from}+`
    : `${from}–${formatMoney(band.toMinor, currency, "en-US", { compact: true })}`;
}

export function ClvHistogram({ bands, currency, basis }: { bands: ClvBand[]; currency: string; basis: string }) {
  const data = [{ name: "Customers", data: bands.map((b) => ({ key: bandLabel(b, currency), value: b.customers })) }];
  const biggest = [...bands].sort((a, b) => b.customers - a.customers)[0];
  return (
    <ChartFrame
      height={280}
      summary={`Customers by ${basis} customer value.${biggest ? ` Most customers are worth ${bandLabel(biggest, currency)}.` : ""}`}
    >
      <LazyBarChart data={data} formatValue={(v) => Number(v).toLocaleString("en-US")} />
    </ChartFrame>
  );
}
