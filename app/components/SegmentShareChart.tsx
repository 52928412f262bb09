/** Segment sizes and revenue share: one bar pair per segment, "% of customers" next to "% of revenue". */
import { ChartFrame } from "./ChartFrame";
import { LazyBarChart } from "./charts/lazy";

export interface SegmentShare {
  name: string;
  customers: number;
  revenue: number;
}

export function SegmentShareChart({ segments }: { segments: SegmentShare[] }) {
  const totalCustomers = segments.reduce((sum, s) => sum + s.customers, 0) || 1;
  const totalRevenue = segments.reduce((sum, s) => sum + s.revenue, 0) || 1;
  const data = [
    {
      name: "% of customers",
      data: segments.map((s) => ({ key: s.name, value: Math.round((1000 * s.customers) / totalCustomers) / 10 })),
    },
    {
      name: "% of revenue",
      data: segments.map((s) => ({ key: s.name, value: Math.round((1000 * s.revenue) / totalRevenue) / 10 })),
    },
  ];
  const largest = [...segments].sort((a, b) => b.revenue - a.revenue)[0];
  return (
    <ChartFrame
      height={420}
      summary={`Share of customers and of revenue per segment.${largest ? ` ${largest.name} bring the most revenue.` : ""}`}
    >
      <LazyBarChart data={data} horizontal formatValue={(v) => `${v}%`} />
    </ChartFrame>
  );
}
