/** NPS per month (Polaris Viz line chart), with the month's number of answers in the summary. */
import { ChartFrame } from "./ChartFrame";
import { LazyLineChart } from "./charts/lazy";

export interface NpsMonth {
  month: string;
  nps: number | null;
  responses: number;
}

function monthLabel(month: string): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString("en-GB", {
    month: "short",
    year: "2-digit",
    timeZone: "UTC",
  });
}

export function NpsTrendChart({ months }: { months: NpsMonth[] }) {
  const data = [
    {
      name: "NPS",
      data: months.map((m) => ({ key: monthLabel(m.month), value: m.nps === null ? null : Math.round(m.nps) })),
    },
  ];
  const last = months[months.length - 1];
  return (
    <ChartFrame
      height={260}
      summary={`Net Promoter Score by month.${last && last.nps !== null ? ` Latest month: ${Math.round(last.nps)} from ${last.responses} answers.` : ""}`}
    >
      <LazyLineChart data={data} formatValue={(v) => String(v)} />
    </ChartFrame>
  );
}
