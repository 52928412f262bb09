/**
 * Synthetic customers drawn from the BG/NBD and Gamma-Gamma models, for benchmarks and parameter-recovery
 * tests. Purchases happen in continuous time and are recorded at day resolution (t_x and T in whole days, as
 * dates give them). Every simulated transaction is counted, even two on the same day: merging them would
 * break the model's own assumptions (its dropout coin is tossed after each transaction) and bias r and α by
 * several per cent (docs/decisions/014-clv-benchmark-data.md).
 */
import { SeededRandom } from "../math/random";
import type { BgNbdParams } from "./bgnbd";
import type { GammaGammaParams } from "./gammagamma";

export interface SimulationOptions {
  customers: number;
  seed: number;
  bgnbd: BgNbdParams;
  spend: GammaGammaParams;
  /** Days over which first purchases are spread (CDNOW: the first 12 weeks). */
  acquisitionDays: number;
  /** Days from the first possible first purchase to the end of the observation period (CDNOW: 39 weeks). */
  observationDays: number;
  /** Model time unit in days (7 = weeks, the unit the parameters are in). */
  daysPerUnit: number;
}

export interface SimulatedCustomers {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  /** True purchase rates and dropout probabilities, for checks. */
  lambda: Float64Array;
  p: Float64Array;
}

export function simulateCustomers(options: SimulationOptions): SimulatedCustomers {
  const { customers: n, bgnbd, spend, daysPerUnit } = options;
  const random = new SeededRandom(options.seed);
  const out: SimulatedCustomers = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    zbar: new Float64Array(n),
    lambda: new Float64Array(n),
    p: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const firstDay = Math.floor(random.uniform() * options.acquisitionDays);
    const startWithinDay = random.uniform(); // time of day of the first purchase
    const observedDays = options.observationDays - 1 - firstDay; // last observed day, relative to the first purchase
    const lambda = random.gamma(bgnbd.r, bgnbd.alpha) / daysPerUnit; // per day
    const p = random.beta(bgnbd.a, bgnbd.b);
    let t = startWithinDay;
    let lastDay = 0;
    let x = 0;
    for (;;) {
      t += random.exponential(lambda);
      // The period is taken to end at midday of its last date: then the recipe's whole-day differences
      // (t_x and T measured date to date) are unbiased for the continuous durations on average.
      if (t > observedDays + 0.5) break;
      const day = Math.floor(t);
      x++;
      lastDay = day;
      if (random.uniform() < p) break; // BG/NBD: may drop out after each repeat purchase
    }
    out.x[i] = x;
    out.tx[i] = lastDay / daysPerUnit;
    out.T[i] = observedDays / daysPerUnit;
    out.lambda[i] = lambda * daysPerUnit;
    out.p[i] = p;
    if (x > 0) {
      // Mean of x Gamma(p, ν) spends is Gamma(p·x, x·ν); ν ~ Gamma(q, γ) per customer.
      const nu = random.gamma(spend.q, spend.gamma);
      out.zbar[i] = random.gamma(spend.p * x, x * nu);
    }
  }
  return out;
}
