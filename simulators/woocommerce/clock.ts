/** The simulated store's clock: WordPress stores times with whole seconds. Tests may move it. */
export class SimClock {
  private offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  /** Whole seconds, as WordPress stores them. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** "2026-11-24T22:21:41" from epoch seconds (UTC, no zone suffix, as WooCommerce prints `_gmt` dates). */
export function wooDate(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().slice(0, 19);
}
