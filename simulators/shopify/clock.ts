/**
 * A shop's clock. Tests set it; every mutation takes a `stamp()` that is strictly later than the previous one by
 * at least a second (REST payloads have second resolution), so updated_at is monotonic per shop — as it is in
 * Shopify — and "newer updated_at wins" can be tested deterministically.
 */
export class ShopClock {
  private current: number;
  private lastStamp = Number.NEGATIVE_INFINITY;

  /** `followWallClock`: now() is the real time (for the demo); otherwise time only moves when told. */
  constructor(
    start: Date = new Date(),
    private readonly followWallClock = false,
  ) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.followWallClock ? Math.max(Date.now(), this.current) : this.current);
  }

  set(date: Date): void {
    this.current = date.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }

  /** Timestamp for a mutation: now, but at least one second after the previous stamp. */
  stamp(): Date {
    const now = Math.floor(this.now().getTime() / 1000) * 1000;
    const t = Math.max(now, this.lastStamp + 1000);
    this.lastStamp = t;
    if (t > this.current) this.current = t;
    return new Date(t);
  }

  /** Makes later stamps come after `date` (after loading history). */
  observe(date: Date): void {
    this.lastStamp = Math.max(this.lastStamp, Math.floor(date.getTime() / 1000) * 1000);
    if (this.lastStamp > this.current) this.current = this.lastStamp;
  }
}
