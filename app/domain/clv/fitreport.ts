/** What every maximum-likelihood fit reports, whatever the model. */
export interface FitReport<P> {
  params: P;
  logLikelihood: number;
  converged: boolean;
  message: string;
  iterations: number;
  /** Asymptotic standard errors from the inverse Hessian of the log-likelihood; null if it is singular. */
  standardErrors: { [K in keyof P]: number | null };
  customers: number;
  /** Distinct rows the likelihood was summed over. */
  groups: number;
}

/**
 * A fit counts as converged only when the optimiser stopped at a stationary point, everything is finite and
 * the Hessian there is positive definite (so standard errors exist). Tiny or degenerate data sets often have
 * no interior maximum: the likelihood keeps rising as a parameter runs off to infinity and the gradient
 * vanishes there; reporting that as "converged" would be a silent garbage fit.
 */
export function fitOutcome(
  optimizerConverged: boolean,
  optimizerMessage: string,
  finite: boolean,
  standardErrors: readonly (number | null | undefined)[],
): { converged: boolean; message: string } {
  if (!finite) return { converged: false, message: "the likelihood is not finite at the optimum" };
  if (!optimizerConverged) return { converged: false, message: optimizerMessage };
  if (standardErrors.some((se) => se === null || se === undefined)) {
    return {
      converged: false,
      message:
        "no interior maximum: the likelihood is flat or still rising at the boundary (Hessian not positive definite)",
    };
  }
  return { converged: true, message: optimizerMessage };
}
