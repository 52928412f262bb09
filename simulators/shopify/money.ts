/**
 * Money is kept as integer minor units (cents) and only turned into text at the edges, the way Shopify sends it:
 * REST webhook payloads use fixed two decimals ("12.50"); the GraphQL `Decimal` scalar drops trailing zeros but
 * keeps one decimal ("12.5", "25.0"). Only two-decimal currencies are modelled.
 */

export type Cents = number;

function assertCents(cents: Cents): void {
  if (!Number.isSafeInteger(cents)) throw new Error(`money must be integer cents, got ${cents}`);
}

/** "12.50" — REST Admin API / webhook payload format. */
export function restMoney(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "12.5" / "25.0" / "12.34" — GraphQL Admin `Decimal` format. */
export function graphqlDecimal(cents: Cents): string {
  const fixed = restMoney(cents);
  return fixed.endsWith("0") ? fixed.slice(0, -1) : fixed;
}

/** Parses "12.5", "12.50", "12" into cents; rejects anything with more than two decimals. */
export function parseMoney(text: string): Cents {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

/** Splits `total` in proportion to `weights` so the parts add up exactly (largest-remainder rounding). */
export function allocate(total: Cents, weights: readonly number[]): Cents[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map((x) => Math.floor(x));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    rest--;
  }
  return parts;
}

/** Tax contained in a tax-inclusive amount at `rateBasisPoints` (1900 = 19 %), rounded half up. */
export function includedTax(grossCents: Cents, rateBasisPoints: number): Cents {
  return Math.round((grossCents * rateBasisPoints) / (10000 + rateBasisPoints));
}

/** A shop-currency amount in the order's presentment currency (the order's own rate, rounded to the cent). */
export function presentmentCents(cents: Cents, order: { presentment?: { rate: number } }): Cents {
  return order.presentment ? Math.round(cents * order.presentment.rate) : cents;
}
