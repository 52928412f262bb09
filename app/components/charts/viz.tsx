/**
 * The Polaris Viz charts the admin uses, in one lazily loaded module (see ChartFrame): Shopify's own chart
 * library, each chart inside its PolarisVizProvider, animations off so a chart is final on first paint.
 */
import { BarChart, Grid, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { DataSeries } from "@shopify/polaris-viz";
import type { ComponentProps } from "react";

export type CellGroup = ComponentProps<typeof Grid>["cellGroups"][number];

type Format = (value: number | string | null) => string;

/** Width of one character of Polaris Viz's 12 px axis labels, rounded up (digits and separators are narrower). */
const LABEL_CHARACTER_PX = 7;

/**
 * A horizontal bar chart centres each value-axis label on its tick, and its first and last ticks sit on the
 * chart's left and right edges, so half of those two labels falls outside the drawing. Polaris Viz's way to make
 * room is the theme's chart container padding (the chart then measures the space inside it): half the widest
 * label on each side. The widest label is at most one character wider than the largest value (the axis ends on
 * a round number above it, e.g. 960 → 1,000).
 */
export function horizontalAxisPadding(data: DataSeries[], formatValue: Format = (v) => `${v ?? ""}`): string {
  const values = data.flatMap((series) => series.data.map((d) => d.value ?? 0));
  const largest = Math.max(0, ...values.map((v) => Math.abs(v)));
  const characters = Math.max(formatValue(0).length, formatValue(largest).length + 1);
  const half = Math.ceil((characters * LABEL_CHARACTER_PX) / 2) + 2;
  // 3 px on top is what Polaris Viz adds itself when no padding is set (room for the top label).
  return `3px ${half}px 0`;
}

export function VizBarChart(props: {
  data: DataSeries[];
  horizontal?: boolean;
  formatValue?: Format;
  formatKey?: Format;
  showLegend?: boolean;
}) {
  const themes = props.horizontal
    ? { Light: { chartContainer: { padding: horizontalAxisPadding(props.data, props.formatValue) } } }
    : undefined;
  return (
    <PolarisVizProvider themes={themes}>
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
