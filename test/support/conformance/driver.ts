/**
 * What each platform supplies to the shared conformance suite (test/platforms/conformance.test.ts): a driver
 * that acts out the same neutral store life on the platform's own simulator, in the platform's own words, and
 * carries the simulator's real signed deliveries through the platform's real endpoint, inbox and read paths.
 * The suite then compares what ended up stored, neutrally, with the same expectations for every platform.
 */
import type { CustomerLabels, EncodedLabels } from "../../../app/platforms/platform";
import type { Db } from "../../../app/db.server";

/** The catalogue every driver sells from: unit prices the simulators can all express. */
export const CONFORMANCE_PRODUCTS = {
  widget: { title: "Peer Widget", priceMinor: 1000 },
  gadget: { title: "Peer Gadget", priceMinor: 2450 },
} as const;
export type ProductKey = keyof typeof CONFORMANCE_PRODUCTS;

export const CONFORMANCE_CURRENCY = "EUR";

export interface NewOrder {
  customer: string;
  lines: { product: ProductKey; quantity: number }[];
  /** Money taken at checkout (true), or awaiting payment (false). */
  paid: boolean;
}

/** What the store holds for our labels, read back from the simulator's customer record. */
export interface StoredLabels {
  /** Our tags (only those under the prefix), sorted. */
  tags: string[];
  /** The label values the platform keeps beyond tags (null when it keeps none). */
  values: { segment: string | null; stage: string | null; clv: string | null } | null;
  /** The store's state in the form `EncodedLabels.changedFrom` compares against (what a confirmed write leaves). */
  confirmed: string | null;
}

export interface Delivery {
  topic: string;
  /** The HTTP status our endpoint answered. */
  status: number;
}

/** One connected store on the platform's simulator, with Ciclo's side on a fresh database. */
export interface ConformanceStore {
  readonly db: Db;
  readonly storeId: string;
  /** The platform's order topics the suite must have seen delivered (created, updated/paid, refund, cancel). */
  readonly orderTopics: readonly string[];
  createCustomer(input: { email: string; firstName: string; lastName: string }): Promise<string>;
  createOrder(order: NewOrder): Promise<string>;
  /** A note-like change that touches no money (Shopify: a note; WooCommerce: completed). */
  touchOrder(orderId: string): Promise<void>;
  markPaid(orderId: string): Promise<void>;
  refund(orderId: string, amountMinor: number): Promise<void>;
  /** Cancels an unpaid order (the buyer never paid). */
  cancel(orderId: string): Promise<void>;
  /**
   * The platform's own uninstall signal (Shopify: app/uninstalled), or null when it sends none (WooCommerce: the
   * merchant disconnects in Ciclo). After it, the store's credentials no longer work.
   */
  readonly uninstall: (() => Promise<void>) | null;
  /** The privacy-law request for one customer (Shopify: customers/redact; WooCommerce: customer.deleted). */
  privacyRequest(customerId: string): Promise<void>;
  /** Delivers every signed request the simulator sent since the last call to Ciclo's endpoint; applies the inbox. */
  deliver(): Promise<Delivery[]>;
  /** Re-sends the last delivery with one byte of its body changed; returns our endpoint's status. */
  deliverTampered(): Promise<number>;
  /** Reads every order again from the simulator through the platform's own backfill/reconciliation path. */
  readBack(): Promise<void>;
  /** Writes the labels through the platform's own label writer into the simulator's customer store. */
  writeLabels(
    customerId: string,
    labels: CustomerLabels,
    tags: string[],
    encoded: EncodedLabels | null,
  ): Promise<string[]>;
  readLabels(customerId: string): Promise<StoredLabels>;
  close(): Promise<void>;
}

export interface ConformanceDriver {
  /** The tag prefix the label writer is given. */
  readonly prefix: string;
  open(): Promise<ConformanceStore>;
}
