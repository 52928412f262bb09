/**
 * The holdout backtest: for customers grouped by how often they had bought before, the purchases the model
 * predicted for the holdout period next to the purchases they actually made.
 */
import { ChartFrame } from "./ChartFrame";
import { LazyBarChart } from "./charts/lazy";

export interface BacktestBucket {
  label: string;
  customers: number;
  predictedMean: number;
  actualMean: number;
}

export function PredictedVsActualChart({ buckets }: { buckets: BacktestBucket[] }) {
  const key = (label: string) => `${label} repeat`;
  const data = [
    {
      name: "Predicted orders per customer",
      data: buckets.map((b) => ({ key: key(b.label), value: round(b.predictedMean) })),
    },
    {
      name: "Actual orders per customer",
      data: buckets.map((b) => ({ key: key(b.label), value: round(b.actualMean) })),
    },
  ];
  return (
    <ChartFrame
      height={300}
      summary="Predicted and actual orders per customer in the holdout period, by number of earlier repeat orders."
    >
      <LazyBarChart data={data} formatValue={(v) => String(v)} />
    </ChartFrame>
  );
}

const round = (value: number) => Math.round(value * 100) / 100;
