/**
 * The segment map on the recency x frequency-and-spend grid, drawn with Polaris Viz's Grid (the chart Shopify
 * uses for its own RFM groups): each segment is a block of cells, labelled with its customer count.
 */
import { SEGMENT_GRID, type RfmSegment } from "../domain/segments";
import { ChartFrame } from "./ChartFrame";
import { LazyGrid } from "./charts/lazy";
import type { CellGroup } from "./charts/viz";

const COLORS: Partial<Record<RfmSegment, string>> = {
  Champions: "#0b5e3b",
  Loyal: "#1f7a4d",
  Active: "#2f7fb5",
  New: "#3f6fd8",
  Promising: "#5c6ac4",
  "Needs attention": "#8a6116",
  "At risk": "#b4481d",
  "Previously loyal": "#8e1f0b",
  "Almost lost": "#6d4c41",
  Dormant: "#4a4a4a",
};

interface Block {
  rows: [number, number];
  cols: [number, number];
}

/** A segment's cells as rectangles: runs of columns per row, merged down while identical. */
function blocksOf(name: RfmSegment): Block[] {
  const blocks: Block[] = [];
  SEGMENT_GRID.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (row[c] !== name) {
        c++;
        continue;
      }
      const start = c;
      while (c + 1 < row.length && row[c + 1] === name) c++;
      const above = blocks.find((b) => b.rows[1] === r - 1 && b.cols[0] === start && b.cols[1] === c);
      if (above) above.rows[1] = r;
      else blocks.push({ rows: [r, r], cols: [start, c] });
      c++;
    }
  });
  return blocks;
}

export interface GridSegment {
  name: RfmSegment;
  slug: string;
  customers: number;
  share: number;
  definition: string;
}

export function RfmSegmentGrid({
  segments,
  segmentUrl,
}: {
  segments: GridSegment[];
  segmentUrl: (slug: string) => string;
}) {
  const cellGroups: CellGroup[] = segments.flatMap((segment) => {
    const blocks = blocksOf(segment.name);
    const ids = blocks.map((_, i) => `${segment.slug}-${i}`);
    return blocks.map((block, i) => ({
      id: ids[i]!,
      start: { row: block.rows[0], col: block.cols[0] },
      end: { row: block.rows[1], col: block.cols[1] },
      bgColor: COLORS[segment.name] ?? "#4a4a4a",
      color: "#ffffff",
      name: segment.name,
      description: segment.definition,
      goal: null,
      connectedGroups: ids.filter((id) => id !== ids[i]),
      value: segment.customers.toLocaleString("en-US"),
      secondaryValue: `${(segment.share * 100).toFixed(1)}% of customers`,
      actions: [{ children: `Open ${segment.name}`, url: segmentUrl(segment.slug) }],
    }));
  });
  return (
    <ChartFrame
      height={360}
      summary="Segments placed by recency score (rows, 5 = most recent at the top) and combined frequency and spend score (columns, 5 = highest at the right), with their customer counts."
    >
      <LazyGrid cellGroups={cellGroups} xLabel="Frequency and spend score" yLabel="Recency score" />
    </ChartFrame>
  );
}
