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
