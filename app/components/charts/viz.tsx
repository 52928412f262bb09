/**
 * The Polaris Viz charts the admin uses, in one lazily loaded module (see ChartFrame): Shopify's own chart
 * library, each chart inside its PolarisVizProvider, animations off so a chart is final on first paint.
 */
import { BarChart, Grid, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { DataSeries } from "@shopify/polaris-viz";
import type { ComponentProps } from "react";

export type CellGroup = ComponentProps<typeof Grid>["cellGroups"][number];

type Format = (value: number | string | null) => string;

export function VizBarChart(props: {
  data: DataSeries[];
  horizontal?: boolean;
  formatValue?: Format;
  formatKey?: Format;
  showLegend?: boolean;
}) {
  return (
    <PolarisVizProvider>
      <BarChart
        data={props.data}
        direction={props.horizontal ? "horizontal" : "vertical"}
        isAnimated={false}
        showLegend={props.showLegend ?? props.data.length > 1}
        xAxisOptions={{ labelFormatter: props.horizontal ? props.formatValue : props.formatKey }}
        yAxisOptions={{ labelFormatter: props.horizontal ? props.formatKey : props.formatValue }}
        skipLinkText="Skip chart"
      />
    </PolarisVizProvider>
  );
}

export function VizLineChart(props: { data: DataSeries[]; formatValue?: Format; formatKey?: Format }) {
  return (
    <PolarisVizProvider>
      <LineChart
        data={props.data}
        isAnimated={false}
        showLegend={props.data.length > 1}
        xAxisOptions={{ labelFormatter: props.formatKey }}
        yAxisOptions={{ labelFormatter: props.formatValue }}
        skipLinkText="Skip chart"
      />
    </PolarisVizProvider>
  );
}

export function VizGrid(props: { cellGroups: CellGroup[]; xLabel: string; yLabel: string }) {
  return (
    <PolarisVizProvider>
      <Grid
        cellGroups={props.cellGroups}
        xAxisOptions={{ label: props.xLabel }}
        yAxisOptions={{ label: props.yLabel }}
      />
    </PolarisVizProvider>
  );
}
