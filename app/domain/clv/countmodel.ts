/**
 * What the scoring code needs from a fitted repeat-purchase model. All three shipped models (BG/NBD,
 * MBG/NBD, Pareto/NBD) factor E[Y(t) | x, t_x, T] as P(alive | x, t_x, T) × E[purchases in t | alive, x, T],
 * and the second factor does not depend on t_x, so it is computed once per distinct (x, T).
 */
export type CountModelName = "bgnbd" | "mbgnbd" | "paretonbd";

export interface CountModel {
  name: CountModelName;
  params: Readonly<Record<string, number>>;
  pAlive(x: number, tx: number, T: number): number;
  /** Expected purchases in (T, T+t] for a customer alive at T. */
  expectedIfAlive(x: number, T: number, t: number): number;
  /** Median wait from T to the next purchase of a customer alive at T. */
  medianTimeToNextPurchase(x: number, T: number): number;
}

/** E[Y(t) | x, t_x, T] for any count model. */
export function conditionalExpectedPurchases(model: CountModel, x: number, tx: number, T: number, t: number): number {
  return model.pAlive(x, tx, T) * model.expectedIfAlive(x, T, t);
}
