/**
 * CLV command line, for analysts and for checking the engine end to end:
 *   npm run --silent clv -- (--transactions FILE | --summary FILE) [--calibration-end YYYY-MM-DD]
 *       [--time-unit day|week] [--horizon N] [--discount-rate R] [--json]
 * --transactions: CSV `customer_id,date,amount` (ISO or YYYYMMDD dates; extra columns ignored). The CDNOW
 *   layout (whitespace-separated `master_id sample_id YYYYMMDD cds dollars`, no header) is recognised too, so
 *   the published CDNOW parameters can be reproduced from CDNOW_sample.txt itself.
 * --summary: CSV `customer_id,x,t_x,T[,m]` (m = mean repeat spend); lifetimes' `ID,frequency,recency,T[,zbar]`
 *   headers are accepted as aliases.
 * Times are in --time-unit (default week, the literature's unit); --horizon defaults to one year in that unit.
 * --output FILE writes every customer's predictions to FILE, as CSV, or as JSON lines when FILE ends in .jsonl or
 *   .ndjson (--format csv|jsonl overrides); stdout then keeps the report (text, or --json without the rows).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { asCountModel, fitBgNbd } from "../app/domain/clv/bgnbd";
import { fitGammaGamma, type GammaGammaFit } from "../app/domain/clv/gammagamma";
import { scoreCustomers } from "../app/domain/clv/predict";
import { assessDataSufficiency, assessFit, type SufficiencyReason } from "../app/domain/clv/sufficiency";
import { fromEpochDay, summarizePurchases, toEpochDay } from "../app/domain/clv/summary";
import { readSummary } from "./clv/read-summary";
import { readTransactions } from "./clv/read-transactions";
import { stringIds, UsageError, type BadRow, type CustomerTable } from "./clv/types";
import { formatForPath, writePredictions, type OutputFormat } from "./clv/write-predictions";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The file's bytes (a string is taken as UTF-8). */
  readFile: (path: string) => Buffer | string;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path),
};

interface Options {
  transactions?: string;
  summary?: string;
  calibrationEnd?: string;
  timeUnit: "day" | "week";
  horizon?: number;
  discountRate: number;
  json: boolean;
  output?: string;
  format?: OutputFormat;
}

const USAGE =
  "usage: clv (--transactions FILE | --summary FILE) [--calibration-end YYYY-MM-DD] [--time-unit day|week] [--horizon N] [--discount-rate R] [--json] [--output FILE [--format csv|jsonl]]\n";

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { timeUnit: "week", discountRate: 0.1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--transactions":
        options.transactions = value();
        break;
      case "--summary":
        options.summary = value();
        break;
      case "--calibration-end":
        options.calibrationEnd = value();
        break;
      case "--time-unit": {
        const unit = value();
        if (unit !== "day" && unit !== "week") throw new UsageError("--time-unit must be day or week");
        options.timeUnit = unit;
        break;
      }
      case "--horizon": {
        const horizon = Number(value());
        if (!(horizon > 0)) throw new UsageError("--horizon must be a positive number");
        options.horizon = horizon;
        break;
      }
      case "--discount-rate": {
        const rate = Number(value());
        if (!(rate >= 0 && rate < 10))
          throw new UsageError("--discount-rate must be a number between 0 and 10 (0.1 = 10%)");
        options.discountRate = rate;
        break;
      }
      case "--json":
        options.json = true;
        break;
      case "--output":
        options.output = value();
        break;
      case "--format": {
        const format = value();
        if (format !== "csv" && format !== "jsonl") throw new UsageError("--format must be csv or jsonl");
        options.format = format;
        break;
      }
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (!options.transactions === !options.summary)
    throw new UsageError("give exactly one of --transactions or --summary");
  if (options.format && !options.output) throw new UsageError("--format needs --output FILE");
  return options;
}

function round(value: number, digits = 6): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function main(argv: readonly string[], io: CliIo = defaultIo): number {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr((error.message ? `clv: ${error.message}\n` : "") + USAGE);
      return 2;
    }
    throw error;
  }
  const daysPerUnit = options.timeUnit === "week" ? 7 : 1;
  const bad: BadRow[] = [];
  const notes: string[] = [];
  let table: CustomerTable;
  try {
    let bytes: Buffer;
    try {
      const content = io.readFile((options.transactions ?? options.summary)!);
      bytes = typeof content === "string" ? Buffer.from(content) : content;
    } catch (error) {
      io.stderr(`clv: cannot read ${(options.transactions ?? options.summary)!}: ${(error as Error).message}\n`);
      return 1;
    }
    if (options.transactions) {
      const purchases = readTransactions(bytes.toString("utf8"), bad, notes);
      if (purchases.length === 0) {
        reportBad(io, bad);
        io.stderr(`clv: no usable transactions in ${options.transactions}\n`);
        return 1;
      }
      let endDay = -Infinity;
      for (const p of purchases) endDay = Math.max(endDay, p.day);
      if (options.calibrationEnd) {
        const day = toEpochDay(options.calibrationEnd);
        if (day === null) throw new UsageError(`--calibration-end: bad date "${options.calibrationEnd}"`);
        const ignored = purchases.filter((p) => p.day > day).length;
        if (ignored > 0) notes.push(`${ignored} transactions after ${fromEpochDay(day)} ignored for fitting`);
        endDay = day;
      }
      const summary = summarizePurchases(purchases, { endDay, daysPerUnit });
      if (summary.customerIds.length === 0) {
        io.stderr(`clv: no transactions on or before ${fromEpochDay(endDay)}\n`);
        return 1;
      }
      notes.push(
        `calibration period ends ${fromEpochDay(endDay)}; ${purchases.length} transactions, ${summary.customerIds.length} customers`,
      );
      table = {
        sufficiencyInput: { summary, referenceDay: endDay },
        ids: stringIds(summary.customerIds),
        x: summary.x,
        tx: summary.tx,
        T: summary.T,
        zbar: summary.zbar,
        spendDays: summary.spendDays,
      };
    } else {
      table = readSummary(bytes, bad, daysPerUnit);
      if (table.ids.length === 0) {
        reportBad(io, bad);
        io.stderr(`clv: no usable rows in ${options.summary!}\n`);
        return 1;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`clv: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  reportBad(io, bad);
  for (const note of notes) io.stderr(`clv: ${note}\n`);

  const n = table.ids.length;
  const horizon = options.horizon ?? (options.timeUnit === "week" ? 52 : 365);
  const fit = fitBgNbd({ x: table.x, tx: table.tx, T: table.T });
  if (!fit.converged) io.stderr(`clv: warning: BG/NBD fit did not converge (${fit.message})\n`);
  let spendFit: GammaGammaFit | null = null;
  let spendCustomers = 0;
  let spendTotal = 0;
  for (let i = 0; i < n; i++) {
    if (table.spendDays[i]! > 0) {
      spendCustomers++;
      spendTotal += table.zbar[i]!;
    }
  }
  if (spendCustomers >= 2) {
    spendFit = fitGammaGamma({ x: table.spendDays, zbar: table.zbar });
    if (!spendFit.converged || spendFit.params.q <= 1) {
      io.stderr(
        `clv: warning: Gamma-Gamma fit unusable (${spendFit.converged ? "q <= 1, no finite mean" : spendFit.message}); observed mean spend used\n`,
      );
    }
  } else {
    io.stderr("clv: no repeat spend data: Gamma-Gamma not fitted\n");
  }
  const spendUsable = spendFit !== null && spendFit.converged && spendFit.params.q > 1;
  const sufficiency = assessDataSufficiency(table.sufficiencyInput.summary, table.sufficiencyInput.referenceDay);
  const reasons: SufficiencyReason[] = [...sufficiency.reasons, ...assessFit(fit, "BG/NBD")];
  const predictive = sufficiency.ready && fit.converged;
  if (!predictive) {
    io.stderr("clv: not enough data yet for trustworthy predictions:\n");
    for (const reason of reasons) io.stderr(`clv:   ${reason.message}\n`);
  }
  const scores = scoreCustomers(
    asCountModel(fit.params),
    { x: table.x, tx: table.tx, T: table.T, zbar: table.zbar, spendDays: table.spendDays },
    {
      horizons: [horizon],
      clvHorizon: horizon,
      annualDiscountRate: options.discountRate,
      unitsPerYear: 365.25 / daysPerUnit,
      spend: spendUsable ? spendFit!.params : null,
      fallbackAverageSpend: spendCustomers > 0 ? spendTotal / spendCustomers : 0,
    },
  );
  const expected = scores.expectedPurchases[0]!;
  let written: { path: string; format: OutputFormat; rows: number } | null = null;
  if (options.output) {
    const format = options.format ?? formatForPath(options.output);
    try {
      const rows = writePredictions(options.output, format, {
        ids: table.ids,
        x: table.x,
        tx: table.tx,
        T: table.T,
        pAlive: scores.pAlive,
        expectedPurchases: expected,
        expectedAvgOrderValue: scores.expectedAverageOrderValue,
        clv: scores.clv,
      });
      written = { path: options.output, format, rows };
    } catch (error) {
      io.stderr(`clv: cannot write ${options.output}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const prediction = (i: number) => ({
    customerId: table.ids.get(i),
    x: table.x[i]!,
    tx: round(table.tx[i]!),
    T: round(table.T[i]!),
    pAlive: round(scores.pAlive[i]!),
    expectedPurchases: round(expected[i]!),
    expectedAvgOrderValue: round(scores.expectedAverageOrderValue[i]!, 4),
    clv: round(scores.clv[i]!, 4),
  });
  const fits = {
    customers: n,
    bgnbd: {
      r: fit.params.r,
      alpha: fit.params.alpha,
      a: fit.params.a,
      b: fit.params.b,
      logLikelihood: fit.logLikelihood,
      converged: fit.converged,
    },
    gammaGamma: spendFit
      ? {
          p: spendFit.params.p,
          q: spendFit.params.q,
          gamma: spendFit.params.gamma,
          logLikelihood: spendFit.logLikelihood,
        }
      : null,
  };
  if (options.json) {
    const result = written
      ? { ...fits, output: written }
      : { ...fits, predictions: Array.from({ length: n }, (_, i) => prediction(i)) };
    io.stdout(JSON.stringify(result) + "\n");
    return 0;
  }
  const se = fit.standardErrors;
  const fmt = (v: number, d = 4) => v.toFixed(d);
  const lines: string[] = [];
  lines.push(
    predictive
      ? "Status: predictive"
      : `Status: NOT ENOUGH DATA YET (predictions below are not trustworthy): ${reasons.map((r) => r.message).join(" ")}`,
  );
  lines.push(
    `Customers: ${n}   time unit: ${options.timeUnit}   horizon: ${horizon} ${options.timeUnit}s   discount rate: ${options.discountRate}`,
  );
  lines.push(
    `BG/NBD    r ${fmt(fit.params.r)} (se ${se.r?.toFixed(4) ?? "n/a"})  alpha ${fmt(fit.params.alpha)} (se ${se.alpha?.toFixed(4) ?? "n/a"})  a ${fmt(fit.params.a)} (se ${se.a?.toFixed(4) ?? "n/a"})  b ${fmt(fit.params.b)} (se ${se.b?.toFixed(4) ?? "n/a"})`,
  );
  lines.push(
    `          log-likelihood ${fit.logLikelihood.toFixed(4)}  converged ${fit.converged ? "yes" : "no"} (${fit.iterations} iterations, ${fit.groups} distinct rows)`,
  );
  if (spendFit) {
    lines.push(
      `Gamma-Gamma  p ${fmt(spendFit.params.p)}  q ${fmt(spendFit.params.q)}  gamma ${fmt(spendFit.params.gamma)}  log-likelihood ${spendFit.logLikelihood.toFixed(4)}  (${spendFit.customers} repeat customers)`,
    );
  } else lines.push("Gamma-Gamma  not fitted (no repeat spend)");
  let totalExpected = 0;
  let totalClv = 0;
  for (let i = 0; i < n; i++) {
    totalExpected += expected[i]!;
    totalClv += scores.clv[i]!;
  }
  lines.push(
    `Expected repeat purchases in the next ${horizon} ${options.timeUnit}s: ${totalExpected.toFixed(2)}   total CLV: ${totalClv.toFixed(2)}`,
  );
  if (written) lines.push(`Predictions for ${written.rows} customers written to ${written.path} (${written.format})`);
  lines.push("");
  lines.push("Top 20 customers by CLV");
  lines.push(
    ["customer", "x", "t_x", "T", "P(alive)", "E[purchases]", "E[order value]", "CLV"]
      .map((h) => h.padStart(15))
      .join(""),
  );
  for (const i of topIndices(scores.clv, 20)) {
    const p = prediction(i);
    lines.push(
      [
        p.customerId,
        String(p.x),
        fmt(p.tx, 2),
        fmt(p.T, 2),
        fmt(p.pAlive, 3),
        fmt(p.expectedPurchases, 3),
        fmt(p.expectedAvgOrderValue, 2),
        fmt(p.clv, 2),
      ]
        .map((c) => c.padStart(15))
        .join(""),
    );
  }
  io.stdout(lines.join("\n") + "\n");
  return 0;
}

/** Indices of the k largest values, largest first (ties keep input order), without sorting every customer. */
function topIndices(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length === k && !(values[i]! > values[top[k - 1]!]!)) continue;
    let at = top.length === k ? k - 1 : top.length;
    if (top.length < k) top.push(i);
    while (at > 0 && values[i]! > values[top[at - 1]!]!) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}

function reportBad(io: CliIo, bad: BadRow[]): void {
  if (bad.length === 0) return;
  for (const row of bad.slice(0, 20)) io.stderr(`clv: line ${row.line}: ${row.reason}\n`);
  if (bad.length > 20) io.stderr(`clv: … and ${bad.length - 20} more bad rows\n`);
  io.stderr(`clv: ${bad.length} bad rows skipped\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Piping into `head` closes stdout early; that is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  process.exitCode = main(process.argv.slice(2));
}
