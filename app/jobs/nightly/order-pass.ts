/**
 * One pass over the counted orders of a run of customers (a slice of the store's customer list), as the nightly's
 * read streams them in customer then time order, each with its lines' product ids: the per-customer aggregates scoring
 * needs, the baskets and lines of the intelligence phases, the backtest's sample and each customer's acquisition.
 * Pure: rows in, typed arrays out, so that the store's slices can be read on threads of their own and put together
 * (mergeOrderPasses). Customer indexes are the slice's own (0 … ids.length - 1).
 */
import { customerLocator } from "../customer-locator";
import { acquisitionCollector, type AcquisitionContext, type Acquisitions } from "./acquisition-collector";
import { Float64Column, Int32Column } from "./growable-columns";

/**
 * The read's columns, in order: customer id, store day, net amount, order id, the order's product ids (a JSON array
 * of the ids of its product lines, or null), then the sources.
 */
export type OrderRow = unknown[];

/** A deterministic sample of customers' purchase days, gathered in the same pass for the nightly backtest. */
export interface PurchaseSample {
  customerIds: string[];
  /** Per sampled customer: [day, amount] of each purchase day, in day order. */
  days: Array<Array<[number, number]>>;
}

export interface CustomerAggregates {
  /** Counted orders (RFM frequency); 0 = no counted orders (Prospect). */
  orders: Float64Array;
  purchaseDays: Float64Array;
  firstDay: Float64Array;
  lastDay: Float64Array;
  totalSpend: Float64Array;
  repeatSpendMean: Float64Array;
  repeatSpendDays: Float64Array;
}

export const AGGREGATE_COLUMNS = [
  "orders",
  "purchaseDays",
  "firstDay",
  "lastDay",
  "totalSpend",
  "repeatSpendMean",
  "repeatSpendDays",
] as const satisfies ReadonlyArray<keyof CustomerAggregates>;

/** What one pass found, by the slice's customer indexes and its own product numbering. */
export interface OrderPassResult extends CustomerAggregates {
  acquisitions: Acquisitions;
  /** Per counted order (basket): the customer, store day and net amount. */
  basketCustomer: Int32Array;
  basketDay: Int32Array;
  basketAmount: Float64Array;
  /** Per order line with a product: its basket and product (an index into productIds). */
  lineBasket: Int32Array;
  lineProduct: Int32Array;
  /** Products as first seen, and per product the greatest id of a counted order holding it. */
  productIds: string[];
  titleFrom: string[];
  sample: PurchaseSample;
}

export interface OrderPassOptions {
  /** The slice's first customer's index in the store's list: the sample takes every `sampleStep`-th of the store. */
  indexOffset: number;
  sampleStep: number;
  acquisition: AcquisitionContext;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export class OrderPass {
  private readonly n: number;
  /** Orders come in the customer list's order (both sorted by customer id in the database's collation). */
  private readonly locate;
  private readonly table: CustomerAggregates;
  private readonly acquisition;
  private readonly sample: PurchaseSample = { customerIds: [], days: [] };
  // The customer being summed, and its current day.
  private current = -1;
  private day = NaN;
  private daySpend = 0;
  private firstSpend = 0;
  private sampled: Array<[number, number]> | null = null;
  private readonly basketCustomer = new Int32Column();
  private readonly basketDay = new Int32Column();
  private readonly basketAmount = new Float64Column();
  private readonly lineBasket = new Int32Column();
  private readonly lineProduct = new Int32Column();
  private readonly productIndex = new Map<string, number>();
  private readonly productIds: string[] = [];
  private readonly titleFrom: string[] = [];

  constructor(
    private readonly ids: readonly string[],
    private readonly options: OrderPassOptions,
  ) {
    this.n = ids.length;
    this.locate = customerLocator(ids);
    const column = () => new Float64Array(this.n);
    this.table = Object.fromEntries(AGGREGATE_COLUMNS.map((name) => [name, column()])) as unknown as CustomerAggregates;
    this.acquisition = acquisitionCollector(options.acquisition, this.n);
  }

  private closeDay() {
    if (this.current < 0 || Number.isNaN(this.day)) return;
    const i = this.current;
    const t = this.table;
    if (t.purchaseDays[i] === 0) {
      t.firstDay[i] = this.day;
      this.firstSpend = this.daySpend;
    } else if (this.daySpend > 0) t.repeatSpendDays[i]!++;
    t.purchaseDays[i]!++;
    t.lastDay[i] = this.day;
    t.totalSpend[i]! += this.daySpend;
    this.sampled?.push([this.day, this.daySpend]);
  }

  private closeCustomer() {
    this.closeDay();
    if (this.current < 0) return;
    const t = this.table;
    const days = t.purchaseDays[this.current]!;
    // Mean spend of the repeat purchase days (the Gamma-Gamma input).
    t.repeatSpendMean[this.current] = days > 1 ? (t.totalSpend[this.current]! - this.firstSpend) / (days - 1) : 0;
  }

  add(batch: readonly OrderRow[]) {
    for (const row of batch) {
      const [customerId, rawDay, rawNet, orderId, productIds] = row;
      const i =
        this.current >= 0 && customerId === this.ids[this.current] ? this.current : this.locate(customerId as string);
      if (i < 0) continue; // a customer deleted since the list was read
      const d = Number(rawDay);
      const net = Number(rawNet);
      if (i !== this.current) {
        this.closeCustomer();
        this.current = i;
        this.day = d;
        this.daySpend = 0;
        this.sampled = (this.options.indexOffset + i) % this.options.sampleStep === 0 ? [] : null;
        if (this.sampled) {
          this.sample.customerIds.push(this.ids[i]!);
          this.sample.days.push(this.sampled);
        }
        this.acquisition.visit(i, {
          sourceName: text(row[5]),
          landingSite: text(row[6]),
          referringSite: text(row[7]),
          attribution: text(row[8]),
          netMinor: net,
        });
      } else if (d !== this.day) {
        this.closeDay();
        this.day = d;
        this.daySpend = 0;
      }
      this.table.orders[i]!++;
      this.daySpend += net;
      this.basketCustomer.push(i);
      this.basketDay.push(d);
      this.basketAmount.push(net);
      if (productIds === null || productIds === undefined) continue;
      // The order's product ids (one per product line), as the order writer stores them.
      for (const productId of JSON.parse(String(productIds)) as unknown[]) {
        const key = String(productId);
        let p = this.productIndex.get(key);
        if (p === undefined) {
          p = this.productIds.length;
          this.productIndex.set(key, p);
          this.productIds.push(key);
          this.titleFrom.push(orderId as string);
        } else if ((orderId as string) > this.titleFrom[p]!) this.titleFrom[p] = orderId as string;
        this.lineBasket.push(this.basketCustomer.length - 1);
        this.lineProduct.push(p);
      }
    }
  }

  finish(): OrderPassResult {
    this.closeCustomer();
    return {
      ...this.table,
      acquisitions: this.acquisition.result,
      basketCustomer: this.basketCustomer.toArray(),
      basketDay: this.basketDay.toArray(),
      basketAmount: this.basketAmount.toArray(),
      lineBasket: this.lineBasket.toArray(),
      lineProduct: this.lineProduct.toArray(),
      productIds: this.productIds,
      titleFrom: this.titleFrom,
      sample: this.sample,
    };
  }
}

/** The buffers of a pass's typed arrays: handed over (not copied) when a thread sends its result. */
export function passBuffers(pass: OrderPassResult): ArrayBuffer[] {
  return [
    ...AGGREGATE_COLUMNS.map((name) => pass[name].buffer),
    pass.acquisitions.channel.buffer,
    pass.acquisitions.firstOrderValue.buffer,
    pass.basketCustomer.buffer,
    pass.basketDay.buffer,
    pass.basketAmount.buffer,
    pass.lineBasket.buffer,
    pass.lineProduct.buffer,
  ] as ArrayBuffer[];
}

/** The passes over consecutive slices of the customer list (in list order), as one pass over the whole list. */
export function mergeOrderPasses(passes: readonly OrderPassResult[]): OrderPassResult {
  if (passes.length === 1) return passes[0]!;
  const customers = passes.reduce((sum, p) => sum + p.orders.length, 0);
  const baskets = passes.reduce((sum, p) => sum + p.basketCustomer.length, 0);
  const lines = passes.reduce((sum, p) => sum + p.lineBasket.length, 0);
  const table = Object.fromEntries(
    AGGREGATE_COLUMNS.map((name) => [name, new Float64Array(customers)]),
  ) as unknown as CustomerAggregates;
  const acquisitions: Acquisitions = {
    channel: new Uint8Array(customers),
    campaign: [],
    firstOrderValue: new Float64Array(customers),
  };
  const merged = {
    basketCustomer: new Int32Array(baskets),
    basketDay: new Int32Array(baskets),
    basketAmount: new Float64Array(baskets),
    lineBasket: new Int32Array(lines),
    lineProduct: new Int32Array(lines),
  };
  const productIndex = new Map<string, number>();
  const productIds: string[] = [];
  const titleFrom: string[] = [];
  const sample: PurchaseSample = { customerIds: [], days: [] };
  let customerOffset = 0;
  let basketOffset = 0;
  let lineOffset = 0;
  for (const pass of passes) {
    for (const name of AGGREGATE_COLUMNS) table[name].set(pass[name], customerOffset);
    acquisitions.channel.set(pass.acquisitions.channel, customerOffset);
    acquisitions.firstOrderValue.set(pass.acquisitions.firstOrderValue, customerOffset);
    for (const campaign of pass.acquisitions.campaign) acquisitions.campaign.push(campaign);
    for (let k = 0; k < pass.basketCustomer.length; k++)
      merged.basketCustomer[basketOffset + k] = pass.basketCustomer[k]! + customerOffset;
    merged.basketDay.set(pass.basketDay, basketOffset);
    merged.basketAmount.set(pass.basketAmount, basketOffset);
    // The pass's product numbers, as the merged numbering's.
    const product = new Int32Array(pass.productIds.length);
    pass.productIds.forEach((id, p) => {
      let g = productIndex.get(id);
      if (g === undefined) {
        g = productIds.length;
        productIndex.set(id, g);
        productIds.push(id);
        titleFrom.push(pass.titleFrom[p]!);
      } else if (pass.titleFrom[p]! > titleFrom[g]!) titleFrom[g] = pass.titleFrom[p]!;
      product[p] = g;
    });
    for (let k = 0; k < pass.lineBasket.length; k++) {
      merged.lineBasket[lineOffset + k] = pass.lineBasket[k]! + basketOffset;
      merged.lineProduct[lineOffset + k] = product[pass.lineProduct[k]!]!;
    }
    sample.customerIds.push(...pass.sample.customerIds);
    sample.days.push(...pass.sample.days);
    customerOffset += pass.orders.length;
    basketOffset += pass.basketCustomer.length;
    lineOffset += pass.lineBasket.length;
  }
  return { ...table, acquisitions, ...merged, productIds, titleFrom, sample };
}
