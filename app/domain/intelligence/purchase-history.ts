/**
 * Every customer's counted purchase days in compressed sparse row form, the input of cohorts, churn and the
 * journey's gap measures: the purchase days of customer c are `day[offsets[c] .. offsets[c + 1])`, ascending
 * and distinct, with the day's net amount beside each. The same "purchase day" unit as the CLV summary (several
 * orders on one day are one purchase), so counts here agree with x + 1 there. A million customers are three
 * typed arrays, not a million objects.
 */

export interface PurchaseHistory {
  customerCount: number;
  /** customerCount + 1 entries. */
  offsets: Int32Array;
  /** Epoch days, ascending and distinct within a customer. */
  day: Int32Array;
  /** Net amount of each purchase day (sum of that day's counted orders). */
  amount: Float64Array;
}

/**
 * Builds the history from counted orders (one entry per order, any order): `orderCustomer[k]` a dense customer
 * index (others are skipped: guests without a group, bad rows), `orderDay[k]` an epoch day, `orderAmount[k]` the
 * net amount (optional, 0 when absent). Orders on the same day merge into one purchase day.
 */
export function purchaseHistory(
  orderCustomer: ArrayLike<number>,
  orderDay: ArrayLike<number>,
  customerCount: number,
  orderAmount?: ArrayLike<number>,
): PurchaseHistory {
  const n = Math.min(orderCustomer.length, orderDay.length);
  const valid = (k: number) => {
    const c = orderCustomer[k]!;
    return Number.isInteger(c) && c >= 0 && c < customerCount && Number.isFinite(orderDay[k]!);
  };
  const starts = new Int32Array(customerCount + 1);
  for (let k = 0; k < n; k++) if (valid(k)) starts[orderCustomer[k]! + 1]!++;
  for (let c = 0; c < customerCount; c++) starts[c + 1]! += starts[c]!;
  const rawDay = new Int32Array(starts[customerCount]!);
  const rawAmount = new Float64Array(starts[customerCount]!);
  const fill = starts.slice(0, customerCount);
  for (let k = 0; k < n; k++) {
    if (!valid(k)) continue;
    const at = fill[orderCustomer[k]!]!++;
    rawDay[at] = Math.floor(orderDay[k]!);
    const amount = orderAmount ? orderAmount[k]! : 0;
    rawAmount[at] = Number.isFinite(amount) ? amount : 0;
  }
  // Sort each customer's few orders by day (insertion sort: most customers have one to five), then merge days.
  const offsets = new Int32Array(customerCount + 1);
  let out = 0;
  for (let c = 0; c < customerCount; c++) {
    const begin = starts[c]!;
    const end = starts[c + 1]!;
    for (let i = begin + 1; i < end; i++) {
      const d = rawDay[i]!;
      const a = rawAmount[i]!;
      let j = i - 1;
      while (j >= begin && rawDay[j]! > d) {
        rawDay[j + 1] = rawDay[j]!;
        rawAmount[j + 1] = rawAmount[j]!;
        j--;
      }
      rawDay[j + 1] = d;
      rawAmount[j + 1] = a;
    }
    offsets[c] = out;
    for (let i = begin; i < end; i++) {
      if (out > offsets[c]! && rawDay[out - 1] === rawDay[i]) rawAmount[out - 1]! += rawAmount[i]!;
      else {
        rawDay[out] = rawDay[i]!;
        rawAmount[out++] = rawAmount[i]!;
      }
    }
  }
  offsets[customerCount] = out;
  return {
    customerCount,
    offsets,
    day: out === rawDay.length ? rawDay : rawDay.slice(0, out),
    amount: out === rawAmount.length ? rawAmount : rawAmount.slice(0, out),
  };
}

/**
 * Month index (years × 12 + month, January = 0) of an epoch day, by integer arithmetic (the days-to-civil
 * algorithm of H. Hinnant's "chrono-compatible low-level date algorithms"), so a million purchases need no Date.
 */
export function monthOfDay(epochDay: number): number {
  const z = Math.floor(epochDay) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 2 : mp - 10; // 0 = January
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
  return year * 12 + month;
}

/** Epoch day of the first day of a month index. */
export function firstDayOfMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  return Math.round(Date.UTC(year, month, 1) / 86_400_000);
}

/** "2026-03" for a month index. */
export function monthLabel(monthIndex: number): string {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}
