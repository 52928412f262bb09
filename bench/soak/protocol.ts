/** Messages between bench:soak and its Shopify process (./shopify-child.ts). */
export interface SoakSetUp {
  domain: string;
  customers: number;
  firstCustomerId: number;
  /** The app's webhook endpoint and the secret deliveries are signed with. */
  webhookUrl: string;
  secret: string;
  seed: number;
  /** Multiplies Shopify's retry schedule (4 h of retries compressed into the run). */
  retryScale: number;
}

export interface SoakTraffic {
  perSecond: number;
  durationMs: number;
  customers: number;
  firstCustomerId: number;
  seed: number;
}

/** An order created during the run, in its final state as Ciclo maps it. */
export interface TruthOrder {
  externalId: string;
  grossMinor: number;
  refundedMinor: number;
  cancelled: boolean;
  updatedAt: string;
}

export interface DeliveryReport {
  topic: string;
  duplicate: boolean;
  outcome: "pending" | "delivered" | "failed";
  attempts: Array<{ at: number; status: number | null; error: string | null; ms: number }>;
}

export type SoakRequest =
  | { type: "setUp"; options: SoakSetUp }
  | { type: "traffic"; options: SoakTraffic }
  | { type: "drain" }
  | { type: "truth" }
  | { type: "tags"; prefix: string }
  | { type: "close" };

/** id 0: the process is ready. */
export interface SoakReply {
  id: number;
  result?: unknown;
  error?: string;
}
