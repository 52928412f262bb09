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
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { asCountModel, fitBgNbd } from "../app/domain/clv/bgnbd";
import { fitGammaGamma, type GammaGammaFit } from "../app/domain/clv/gammagamma";
import { scoreCustomers } from "../app/domain/clv/predict";
import { assessDataSufficiency, assessFit, type SufficiencyReason } from "../app/domain/clv/sufficiency";
import {
  fromEpochDay,
  summarizePurchases,
  toEpochDay,
  type CustomerSummaryTable,
  type Purchase,
} from "../app/domain/clv/summary";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, "utf8"),
};

interface Options {
  transactions?: string;
  summary?: string;
  calibrationEnd?: string;
  timeUnit: "day" | "week";
  horizon?: number;
  discountRate: number;
  json: boolean;
}

const USAGE =
  "usage: clv (--transactions FILE | --summary FILE) [--calibration-end YYYY-MM-DD] [--time-unit day|week] [--horizon N] [--discount-rate R] [--json]\n";

class UsageError extends Error {}

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
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (!options.transactions === !options.summary)
    throw new UsageError("give exactly one of --transactions or --summary");
  return options;
}

interface Table {
  /** Summary with days, for the data-sufficiency check, and the reference day it is relative to. */
  sufficiencyInput: { summary: CustomerSummaryTable; referenceDay: number };
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  spendDays: Float64Array;
}

interface BadRow {
  line: number;
  reason: string;
}

function splitCsvLine(line: string): string[] {
  // Plain CSV with optional double-quoted fields.
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field.trim());
      field = "";
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

function readTransactions(text: string, bad: BadRow[], notes: string[]): Purchase[] {
  const lines = text.split(/\r?\n/);
  const firstIndex = lines.findIndex((l) => l.trim() !== "");
  if (firstIndex === -1) return [];
  const purchases: Purchase[] = [];
  const firstLine = lines[firstIndex]!.trim();
  const cdnow = /^\S+\s+\S+\s+\d{8}\s+\S+\s+\S+$/.test(firstLine) && !firstLine.includes(",");
  let idCol = 0;
  let dateCol = 1;
  let amountCol = 2;
  let start = firstIndex;
  if (cdnow) {
    notes.push("recognised the CDNOW layout (master_id sample_id YYYYMMDD cds dollars): customer = sample_id");
  } else {
    const header = splitCsvLine(firstLine).map((h) => h.toLowerCase());
    idCol = header.indexOf("customer_id");
    dateCol = header.indexOf("date");
    amountCol = header.indexOf("amount");
    if (idCol < 0 || dateCol < 0 || amountCol < 0) {
      throw new UsageError(
        `line ${firstIndex + 1}: expected a header with customer_id,date,amount, got "${firstLine}"`,
      );
    }
    start = firstIndex + 1;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const fields = cdnow ? line.split(/\s+/) : splitCsvLine(line);
    const id = cdnow ? fields[1] : fields[idCol];
    const dateText = cdnow ? fields[2] : fields[dateCol];
    const amountText = cdnow ? fields[4] : fields[amountCol];
    if (!id) {
      bad.push({ line: i + 1, reason: "missing customer_id" });
      continue;
    }
    const day = dateText ? toEpochDay(dateText) : null;
    if (day === null) {
      bad.push({ line: i + 1, reason: `bad date "${dateText ?? ""}"` });
      continue;
    }
    const amount = amountText === undefined || amountText === "" ? NaN : Number(amountText);
    if (!Number.isFinite(amount)) {
      bad.push({ line: i + 1, reason: `bad amount "${amountText ?? ""}"` });
      continue;
    }
    if (amount < 0) {
      bad.push({ line: i + 1, reason: `negative amount ${amount} (pass net amounts per purchase)` });
      continue;
    }
    purchases.push({ customerId: id, day, amount });
  }
  return purchases;
}

function readSummary(text: string, bad: BadRow[], daysPerUnit: number): Table {
  const lines = text.split(/\r?\n/);
  const firstIndex = lines.findIndex((l) => l.trim() !== "");
  if (firstIndex === -1) throw new UsageError("the summary file is empty");
  const aliases: Record<string, string> = {
    id: "customer_id",
    frequency: "x",
    recency: "t_x",
    zbar: "m",
    monetary_value: "m",
  };
  const header = splitCsvLine(lines[firstIndex]!).map((h) => aliases[h.toLowerCase()] ?? h.toLowerCase());
  const col = (name: string) => header.indexOf(name.toLowerCase());
  const [idCol, xCol, txCol, TCol, mCol] = [col("customer_id"), col("x"), col("t_x"), col("t"), col("m")];
  if (idCol < 0 || xCol < 0 || txCol < 0 || TCol < 0) {
    throw new UsageError(`line ${firstIndex + 1}: expected a header with customer_id,x,t_x,T[,m]`);
  }
  const ids: string[] = [];
  const rows: number[][] = [];
  for (let i = firstIndex + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const f = splitCsvLine(line);
    const x = Number(f[xCol]);
    const tx = Number(f[txCol]);
    const T = Number(f[TCol]);
    const m = mCol >= 0 && f[mCol] !== undefined && f[mCol] !== "" ? Number(f[mCol]) : 0;
    if (!(Number.isInteger(x) && x >= 0))
      bad.push({ line: i + 1, reason: `x must be a whole number >= 0, got "${f[xCol] ?? ""}"` });
    else if (!(tx >= 0 && T >= tx && Number.isFinite(T)))
      bad.push({ line: i + 1, reason: `need 0 <= t_x <= T, got t_x="${f[txCol] ?? ""}" T="${f[TCol] ?? ""}"` });
    else if (x === 0 && tx !== 0) bad.push({ line: i + 1, reason: "x = 0 needs t_x = 0" });
    else if (!(m >= 0 && Number.isFinite(m))) bad.push({ line: i + 1, reason: `bad m "${f[mCol] ?? ""}"` });
    else {
      ids.push(f[idCol] ?? String(ids.length + 1));
      rows.push([x, tx, T, m]);
    }
  }
  const n = rows.length;
  // Days relative to a reference day 0, so the shared sufficiency rules (history length…) apply here too.
  const summary: CustomerSummaryTable = {
    customerIds: ids,
    x: Float64Array.from(rows, (r) => r[0]!),
    tx: Float64Array.from(rows, (r) => r[1]!),
    T: Float64Array.from(rows, (r) => r[2]!),
    zbar: Float64Array.from(rows, (r) => (r[0]! > 0 ? r[3]! : 0)),
    spendDays: Float64Array.from(rows, (r) => (r[0]! > 0 && r[3]! > 0 ? r[0]! : 0)),
    totalSpend: new Float64Array(n),
    firstDay: Float64Array.from(rows, (r) => -r[2]! * daysPerUnit),
    lastDay: Float64Array.from(rows, (r) => (r[1]! - r[2]!) * daysPerUnit),
    valid: new Uint8Array(n).fill(1),
  };
  return {
    sufficiencyInput: { summary, referenceDay: 0 },
    ids,
    x: Float64Array.from(rows, (r) => r[0]!),
    tx: Float64Array.from(rows, (r) => r[1]!),
    T: Float64Array.from(rows, (r) => r[2]!),
    zbar: Float64Array.from(rows, (r) => (r[0]! > 0 ? r[3]! : 0)),
    spendDays: Float64Array.from(rows, (r) => (r[0]! > 0 && r[3]! > 0 ? r[0]! : 0)),
  };
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
  let table: Table;
  try {
    let text: string;
    try {
      text = io.readFile((options.transactions ?? options.summary)!);
    } catch (error) {
      io.stderr(`clv: cannot read ${(options.transactions ?? options.summary)!}: ${(error as Error).message}\n`);
      return 1;
    }
    if (options.transactions) {
      const purchases = readTransactions(text, bad, notes);
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
        ids: summary.customerIds,
        x: summary.x,
        tx: summary.tx,
        T: summary.T,
        zbar: summary.zbar,
        spendDays: summary.spendDays,
      };
    } else {
      table = readSummary(text, bad, daysPerUnit);
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
  const predictions = table.ids.map((customerId, i) => ({
    customerId,
    x: table.x[i]!,
    tx: round(table.tx[i]!),
    T: round(table.T[i]!),
    pAlive: round(scores.pAlive[i]!),
    expectedPurchases: round(expected[i]!),
    expectedAvgOrderValue: round(scores.expectedAverageOrderValue[i]!, 4),
    clv: round(scores.clv[i]!, 4),
  }));
  const result = {
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
    predictions,
  };
  if (options.json) {
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
  lines.push("");
  lines.push("Top 20 customers by CLV");
  lines.push(
    ["customer", "x", "t_x", "T", "P(alive)", "E[purchases]", "E[order value]", "CLV"]
      .map((h) => h.padStart(15))
      .join(""),
  );
  const order = predictions.map((_, i) => i).sort((p, q) => scores.clv[q]! - scores.clv[p]!);
  for (const i of order.slice(0, 20)) {
    const p = predictions[i]!;
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
