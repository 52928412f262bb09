/**
 * From purchases to the repeat-purchase summary the models need (README "summary recipe"):
 * same-day purchases merge into one purchase day (amounts summed); x = distinct purchase days - 1;
 * t_x = (last day - first day) / unit; T = (end - first day) / unit; zbar = mean spend of the repeat days.
 * Zero-amount purchase days count for frequency but not for spend, so the spend mean has its own count
 * (`spendDays`) which is what the Gamma-Gamma model uses as its x.
 *
 * Days are integer "epoch days" (days since 1970-01-01 UTC); `toEpochDay` converts dates.
 */

const MS_PER_DAY = 86_400_000;

/** Epoch day of a Date (UTC) or an ISO date / YYYYMMDD string; null if unparseable. */
export function toEpochDay(date: Date | string | number): number | null {
  if (typeof date === "number") return Number.isFinite(date) ? Math.floor(date) : null;
  if (date instanceof Date) {
    const ms = date.getTime();
    return Number.isFinite(ms) ? Math.floor(ms / MS_PER_DAY) : null;
  }
  const text = date.trim();
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])/.exec(text);
  if (!match) return null;
  const [, y, m, d] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / MS_PER_DAY;
}

/** ISO date (YYYY-MM-DD) of an epoch day. */
export function fromEpochDay(day: number): string {
  return new Date(Math.round(day) * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface Purchase {
  customerId: string;
  /** Epoch day of the purchase. */
  day: number;
  /** Net amount (after refunds); may be 0. */
  amount: number;
}

/** Per-customer repeat-purchase summary, columns aligned by index. Times are in the chosen unit. */
export interface CustomerSummaryTable {
  customerIds: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean spend of the repeat purchase days with positive spend (0 if none). */
  zbar: Float64Array;
  /** Number of repeat purchase days with positive spend (Gamma-Gamma's x). */
  spendDays: Float64Array;
  /** Total spend over all purchase days, first included. */
  totalSpend: Float64Array;
  firstDay: Float64Array;
  lastDay: Float64Array;
  /** 1 for customers included in model fitting, 0 for rows whose data were unusable. */
  valid: Uint8Array;
}

export interface SummaryOptions {
  /** Last day (epoch day, inclusive) of the calibration period; later purchases are ignored. */
  endDay: number;
  /** Days per model time unit: 1 for days, 7 for weeks. */
  daysPerUnit: number;
}

/** Builds the summary from individual purchases (any order). Customers whose first purchase is after endDay are left out. */
export function summarizePurchases(purchases: readonly Purchase[], options: SummaryOptions): CustomerSummaryTable {
  const { endDay, daysPerUnit } = options;
  const byCustomer = new Map<string, Map<number, number>>();
  for (const purchase of purchases) {
    if (purchase.day > endDay) continue;
    let days = byCustomer.get(purchase.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(purchase.customerId, days);
    }
    days.set(purchase.day, (days.get(purchase.day) ?? 0) + purchase.amount);
  }
  const n = byCustomer.size;
  const table = emptyTable(n);
  let i = 0;
  for (const [customerId, days] of byCustomer) {
    const sorted = [...days.keys()].sort((p, q) => p - q);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    let repeatSpend = 0;
    let spendDays = 0;
    let total = 0;
    for (let k = 0; k < sorted.length; k++) {
      const amount = days.get(sorted[k]!)!;
      total += amount;
      if (k > 0 && amount > 0) {
        repeatSpend += amount;
        spendDays++;
      }
    }
    table.customerIds.push(customerId);
    table.x[i] = sorted.length - 1;
    table.tx[i] = (last - first) / daysPerUnit;
    table.T[i] = (endDay - first) / daysPerUnit;
    table.zbar[i] = spendDays > 0 ? repeatSpend / spendDays : 0;
    table.spendDays[i] = spendDays;
    table.totalSpend[i] = total;
    table.firstDay[i] = first;
    table.lastDay[i] = last;
    table.valid[i] = 1;
    i++;
  }
  return table;
}

function emptyTable(n: number): CustomerSummaryTable {
  return {
    customerIds: [],
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    zbar: new Float64Array(n),
    spendDays: new Float64Array(n),
    totalSpend: new Float64Array(n),
    firstDay: new Float64Array(n),
    lastDay: new Float64Array(n),
    valid: new Uint8Array(n),
  };
}

/**
 * Per-customer aggregates as the nightly job computes them in SQL over counted orders (paid, not cancelled,
 * not test, net of refunds). Plain arrays or typed arrays, aligned by index.
 */
export interface CustomerAggregates {
  customerIds?: readonly string[];
  /** Number of distinct purchase days (>= 1). */
  purchaseDays: ArrayLike<number>;
  /** Epoch day of the first and the last purchase. */
  firstPurchaseDay: ArrayLike<number>;
  lastPurchaseDay: ArrayLike<number>;
  /** Net spend over all purchase days. */
  totalSpend: ArrayLike<number>;
  /** Mean net spend of the repeat purchase days (first day excluded; 0 if none). */
  repeatSpendMean: ArrayLike<number>;
  /** Repeat days with positive spend; defaults to purchaseDays - 1 when omitted. */
  repeatSpendDays?: ArrayLike<number>;
}

/**
 * Summary from SQL aggregates as of `referenceDay`. Rows that cannot be a real customer history (no purchase
 * day, last before first, first after the reference day, non-finite numbers) are kept in place with valid = 0
 * so that outputs stay aligned with inputs; models ignore them.
 */
export function summarizeAggregates(
  aggregates: CustomerAggregates,
  referenceDay: number,
  daysPerUnit: number,
): CustomerSummaryTable {
  const n = aggregates.purchaseDays.length;
  const table = emptyTable(n);
  for (let i = 0; i < n; i++) {
    table.customerIds.push(aggregates.customerIds?.[i] ?? String(i));
    const days = aggregates.purchaseDays[i]!;
    const first = aggregates.firstPurchaseDay[i]!;
    const last = aggregates.lastPurchaseDay[i]!;
    const total = aggregates.totalSpend[i]!;
    const repeatMean = aggregates.repeatSpendMean[i]!;
    const spendDays = aggregates.repeatSpendDays ? aggregates.repeatSpendDays[i]! : days - 1;
    const ok =
      Number.isInteger(days) &&
      days >= 1 &&
      Number.isFinite(first) &&
      Number.isFinite(last) &&
      first <= last &&
      last <= referenceDay &&
      (days > 1 || first === last) &&
      Number.isFinite(total) &&
      Number.isFinite(repeatMean);
    table.firstDay[i] = Number.isFinite(first) ? first : 0;
    table.lastDay[i] = Number.isFinite(last) ? last : 0;
    table.totalSpend[i] = Number.isFinite(total) ? total : 0;
    if (!ok) continue;
    table.valid[i] = 1;
    table.x[i] = days - 1;
    table.tx[i] = (last - first) / daysPerUnit;
    table.T[i] = (referenceDay - first) / daysPerUnit;
    const positive = repeatMean > 0 && spendDays > 0;
    table.zbar[i] = positive ? repeatMean : 0;
    table.spendDays[i] = positive ? Math.min(spendDays, days - 1) : 0;
  }
  return table;
}
