/**
 * Segment movement as sentences a merchant can act on ("312 Loyal customers became At risk"), largest first,
 * with moves toward slipping segments marked.
 */
import { Badge, BlockStack, InlineStack, Text } from "@shopify/polaris";
import { SEGMENTS } from "../domain/names";

export interface MovementRow {
  from: string;
  to: string;
  customers: number;
}

const SLIPPING = new Set<string>(SEGMENTS.filter((s) => s.slipping).map((s) => s.name));

export function SegmentMovement({
  moves,
  limit = 8,
  emptyText,
  slipping = SLIPPING,
}: {
  moves: MovementRow[];
  limit?: number;
  emptyText: string;
  /** Names a move into is marked "Slipping" (default: the slipping RFM segments). */
  slipping?: ReadonlySet<string>;
}) {
  if (moves.length === 0) {
    return (
      <Text as="p" tone="subdued">
        {emptyText}
      </Text>
    );
  }
  return (
    <BlockStack gap="200">
      <ul style={{ margin: 0, paddingLeft: 0, listStyle: "none" }}>
        {moves.slice(0, limit).map((move) => {
          const worse = slipping.has(move.to) && !slipping.has(move.from);
          return (
            <li key={`${move.from}>${move.to}`} style={{ padding: "6px 0", borderBottom: "1px solid #ebebeb" }}>
              <InlineStack gap="200" blockAlign="center" wrap={false}>
                <Text as="span" variant="bodyMd" fontWeight="semibold">
                  {move.customers.toLocaleString("en-US")}
                </Text>
                <Text as="span" variant="bodyMd">
                  {move.from === "(new)"
                    ? `new customers joined ${move.to}`
                    : `${move.from} customers became ${move.to}`}
                </Text>
                {worse && <Badge tone="warning">Slipping</Badge>}
              </InlineStack>
            </li>
          );
        })}
      </ul>
    </BlockStack>
  );
}
