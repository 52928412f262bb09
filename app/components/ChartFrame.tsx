/**
 * A fixed-height frame for a Polaris Viz chart. Charts draw in the browser only (they measure their box), so
 * the server renders an empty frame of the same height: nothing moves when the chart appears (CLS stays 0).
 * The chart code itself loads lazily after the page is interactive, keeping it out of the first paint.
 * `summary` describes the chart in words for screen readers (the data is also in a table nearby); the drawing
 * itself is marked data-chart-drawing (the browser tests' axe check leaves Polaris Viz's internal SVG markup to
 * the library, see docs/decisions/064-admin-accessibility.md).
 */
import { Suspense, useEffect, useState, type ReactNode } from "react";
import { Box, SkeletonBodyText, Text } from "@shopify/polaris";

export interface ChartFrameProps {
  height: number;
  summary: string;
  children: ReactNode;
}

export function ChartFrame({ height, summary, children }: ChartFrameProps) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <Box padding="200">
      <SkeletonBodyText lines={3} />
    </Box>
  );
  return (
    <figure style={{ margin: 0 }}>
      <figcaption>
        <Text as="span" visuallyHidden>
          {summary}
        </Text>
      </figcaption>
      <div data-chart-drawing style={{ height, width: "100%", overflow: "hidden" }}>
        {mounted ? <Suspense fallback={placeholder}>{children}</Suspense> : placeholder}
      </div>
    </figure>
  );
}
