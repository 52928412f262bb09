/**
 * Id allocation. Shopify ids are large, increasing, non-contiguous integers (e.g. 5940139491234); the simulator
 * mimics that with per-kind counters that step by a deterministic pseudo-random gap.
 */

export type IdKind =
  "customer" | "order" | "lineItem" | "refund" | "refundLine" | "transaction" | "bulkOperation" | "metafield";

const STARTS: Record<IdKind, number> = {
  customer: 7_010_000_000_000,
  order: 5_620_000_000_000,
  lineItem: 14_210_000_000_000,
  refund: 912_000_000_000,
  refundLine: 563_000_000_000,
  transaction: 6_830_000_000_000,
  bulkOperation: 4_410_000_000,
  metafield: 31_200_000_000_000,
};

export interface IdState {
  last: Record<IdKind, number>;
  /** Last order number used ("#1001" is number 1001). */
  orderNumber: number;
}

export class IdAllocator {
  private readonly state: IdState;

  constructor(state?: IdState) {
    this.state = state
      ? { last: { ...STARTS, ...state.last }, orderNumber: state.orderNumber }
      : { last: { ...STARTS }, orderNumber: 1000 };
  }

  next(kind: IdKind): number {
    const last = this.state.last[kind];
    // Gap 1..4096 derived from the previous id, so ids are sparse but reproducible.
    let h = Math.imul((last % 2147483647) ^ 0x5bd1e995, 0x27d4eb2d);
    h ^= h >>> 15;
    const next = last + 1 + ((h >>> 0) % 4096);
    this.state.last[kind] = next;
    return next;
  }

  nextOrderNumber(): number {
    this.state.orderNumber += 1;
    return this.state.orderNumber;
  }

  /** Makes sure future ids are above ids that already exist (after loading data). */
  observe(kind: IdKind, id: number): void {
    if (id > this.state.last[kind]) this.state.last[kind] = id;
  }

  observeOrderNumber(n: number): void {
    if (n > this.state.orderNumber) this.state.orderNumber = n;
  }

  snapshot(): IdState {
    return {
      last: { ...this.state.last },
      orderNumber: this.state.orderNumber,
    };
  }
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Parses "gid://shopify/Order/123" -> { type: "Order", id: 123 }; null when it is not a Shopify gid. */
export function parseGid(value: string): { type: string; id: number } | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  return m ? { type: m[1] as string, id: Number(m[2]) } : null;
}
