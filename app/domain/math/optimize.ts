/**
 * A small BFGS minimiser for smooth functions of a few unconstrained variables (the models optimise
 * log-parameters, so positivity is built in). Written here rather than pulled from npm because the
 * maintained JS optimisers either lack a BFGS with user gradients or are unmaintained; see
 * docs/decisions/010-clv-optimizer.md.
 */

/** Returns f(x) and writes ∇f(x) into `gradient`. May return a non-finite value outside the domain. */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  /** Stop when max |∂f/∂x_i| is below this. */
  gradientTolerance?: number;
  maxIterations?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/**
 * BFGS (Nocedal & Wright, Algorithm 6.1) with a backtracking Armijo line search; the inverse-Hessian update is
 * skipped when the curvature condition s·y > 0 fails, which keeps the approximation positive definite.
 */
export function minimizeBfgs(
  objective: ObjectiveWithGradient,
  start: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    return {
      x,
      value: f,
      gradient: g,
      iterations: 0,
      evaluations,
      converged: false,
      message: "objective not finite at start",
    };
  }
  const h = new Float64Array(n * n); // inverse Hessian approximation, row-major
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  const direction = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let firstStep = true;
  let stalled = 0;

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(g) < gradientTolerance) {
      return {
        x,
        value: f,
        gradient: g,
        iterations: iteration,
        evaluations,
        converged: true,
        message: "gradient below tolerance",
      };
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d -= h[i * n + j]! * g[j]!;
      direction[i] = d;
      slope += d * g[i]!;
    }
    if (!(slope < 0)) {
      // Lost descent (numerical noise): restart from steepest descent.
      h.fill(0);
      for (let i = 0; i < n; i++) h[i * n + i] = 1;
      slope = 0;
      for (let i = 0; i < n; i++) {
        direction[i] = -g[i]!;
        slope -= g[i]! * g[i]!;
      }
    }
    // First step: keep the move in log-parameter space to about one unit.
    let step = firstStep ? Math.min(1, 1 / Math.max(maxAbs(direction), 1e-12)) : 1;
    let fNew = NaN;
    let accepted = false;
    for (let backtrack = 0; backtrack < 40; backtrack++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      fNew = objective(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && gNew.every(Number.isFinite)) {
        // Armijo sufficient decrease; when the predicted decrease is below rounding noise, any non-increase.
        const noise = 1e-12 * Math.max(1, Math.abs(f));
        if (fNew <= f + 1e-4 * step * slope || (-step * slope < noise && fNew <= f + noise)) {
          accepted = true;
          break;
        }
        // Quadratic interpolation of the next trial step, kept within [0.1, 0.5] of the current one.
        const denominator = 2 * (fNew - f - step * slope);
        const trial = denominator > 0 ? (-slope * step * step) / denominator : 0.5 * step;
        step = Math.min(0.5 * step, Math.max(0.1 * step, trial));
      } else {
        step *= 0.25;
      }
      if (step < 1e-12) break;
    }
    if (!accepted) {
      const converged = maxAbs(g) < gradientTolerance * 1e3;
      return { x, value: f, gradient: g, iterations: iteration, evaluations, converged, message: "line search failed" };
    }
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
      yy += y[i]! * y[i]!;
    }
    if (sy > 1e-12 * Math.sqrt(yy) * Math.sqrt(s.reduce((acc, v) => acc + v * v, 0))) {
      if (firstStep) {
        // Nocedal & Wright eq. 6.20: scale the initial inverse Hessian before the first update.
        const scale = sy / yy;
        for (let i = 0; i < n * n; i++) h[i] = h[i]! * scale;
        firstStep = false;
      }
      // H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, expanded.
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += h[i * n + j]! * y[j]!;
        hy[i] = v;
        yHy += y[i]! * v;
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i * n + j] =
            h[i * n + j]! - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
        }
      }
    }
    const improvement = f - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    stalled = improvement <= 1e-16 * Math.max(1, Math.abs(f)) ? stalled + 1 : 0;
    if (stalled >= 3) {
      const converged = maxAbs(g) < gradientTolerance * 1e3;
      return {
        x,
        value: f,
        gradient: g,
        iterations: iteration + 1,
        evaluations,
        converged,
        message: "no further progress",
      };
    }
  }
  return {
    x,
    value: f,
    gradient: g,
    iterations: maxIterations,
    evaluations,
    converged: false,
    message: "iteration limit",
  };
}

/** Hessian by central differences of an analytic gradient (symmetrised). */
export function hessianFromGradient(
  objective: ObjectiveWithGradient,
  at: Float64Array,
  relativeStep = 1e-5,
): Float64Array {
  const n = at.length;
  const hessian = new Float64Array(n * n);
  const gPlus = new Float64Array(n);
  const gMinus = new Float64Array(n);
  const point = Float64Array.from(at);
  for (let j = 0; j < n; j++) {
    const step = relativeStep * Math.max(1, Math.abs(at[j]!));
    point[j] = at[j]! + step;
    objective(point, gPlus);
    point[j] = at[j]! - step;
    objective(point, gMinus);
    point[j] = at[j]!;
    for (let i = 0; i < n; i++) hessian[i * n + j] = (gPlus[i]! - gMinus[i]!) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mean = 0.5 * (hessian[i * n + j]! + hessian[j * n + i]!);
      hessian[i * n + j] = mean;
      hessian[j * n + i] = mean;
    }
  }
  return hessian;
}

/** Gradient by central differences, for the small models where an analytic gradient isn't worth it. */
export function withNumericGradient(f: (x: Float64Array) => number, relativeStep = 1e-6): ObjectiveWithGradient {
  return (x, gradient) => {
    const value = f(x);
    const point = Float64Array.from(x);
    for (let j = 0; j < x.length; j++) {
      const step = relativeStep * Math.max(1, Math.abs(x[j]!));
      point[j] = x[j]! + step;
      const up = f(point);
      point[j] = x[j]! - step;
      const down = f(point);
      point[j] = x[j]!;
      gradient[j] = (up - down) / (2 * step);
    }
    return value;
  };
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; null if not positive definite. */
export function invertPositiveDefinite(matrix: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  // inv(A) = inv(L)ᵀ inv(L)
  const li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    li[i * n + i] = 1 / l[i * n + i]!;
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = sum / l[i * n + i]!;
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += li[k * n + i]! * li[k * n + j]!;
      inverse[i * n + j] = sum;
    }
  }
  return inverse;
}

/**
 * Standard errors of positive parameters θ = exp(u) from the Hessian of the negative log-likelihood in u:
 * Var(u) = H⁻¹ and, by the delta method, se(θ_i) = θ_i · sqrt(Var(u)_ii). Null when H is not positive definite.
 */
export function standardErrorsFromLogHessian(hessian: Float64Array, logParams: Float64Array): (number | null)[] {
  const n = logParams.length;
  const inverse = invertPositiveDefinite(hessian, n);
  const errors: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const variance = inverse?.[i * n + i];
    errors.push(
      variance !== undefined && variance > 0 && Number.isFinite(variance)
        ? Math.exp(logParams[i]!) * Math.sqrt(variance)
        : null,
    );
  }
  return errors;
}
