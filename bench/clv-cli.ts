/**
 * The CLV command line end to end against lifetimes doing the same work, in the same run (these machines drift
 * several-fold in speed within a day, so only the ratio means something):
 *   read a 1,000,000-row customer summary CSV, fit BG/NBD and Gamma-Gamma, score every customer, write a CSV.
 * Ours: `npm run clv -- --summary IN --output OUT` (node --import tsx scripts/clv.ts) as a whole process, start-up
 * and TypeScript loading included.
 * Reference: bench/reference/lifetimes_clv.py, with a lifetimes source checkout on PYTHONPATH.
 * Runs alternate (ours, lifetimes, ours, lifetimes…) and each pair gives one ratio; the median is reported.
 *
 * Environment: CLV_CLI_CUSTOMERS (1000000), CLV_CLI_PAIRS (3), LIFETIMES_SRC (a folder holding the `lifetimes`
 * package, or a git directory of its repository), LIFETIMES_PYTHON (python3 with pandas, numpy, scipy, autograd
 * and dill). Without a reference the JSON says so and gives our time alone.
 * Prints one JSON object: {customers, pairs, cli_s, lifetimes_s, ratio, ratio_min, cli_cpu_s, lifetimes_cpu_s,
 * cpu_ratio, params_max_rel_diff, p_alive_max_abs_diff, clv_total_rel_diff}: wall-clock seconds and ratio (the
 * median of the pairs' ratios), and the same for CPU seconds (user + system of each process, Linux only).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { simulateCustomers } from "../app/domain/clv/simulate";
import { ROOT } from "../tools/root";

const CUSTOMERS = Number(process.env.CLV_CLI_CUSTOMERS ?? 1_000_000);
const PAIRS = Number(process.env.CLV_CLI_PAIRS ?? 3);
const HORIZON_WEEKS = 52;
const DISCOUNT_RATE = 0.1;
const work = join(ROOT, ".tmp", "clv-cli");
mkdirSync(work, { recursive: true });
const log = (message: string) => process.stderr.write(`[bench:clv-cli] ${message}\n`);

/** CDNOW-like customers (the literature's parameters), as our CLI's summary layout. */
function writeSummary(file: string): void {
  const s = simulateCustomers({
    customers: CUSTOMERS,
    seed: 20050101,
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    spend: { p: 6.25, q: 3.74, gamma: 15.44 },
    acquisitionDays: 84,
    observationDays: 273,
    daysPerUnit: 7,
  });
  const lines = ["customer_id,x,t_x,T,m"];
  for (let i = 0; i < CUSTOMERS; i++) {
    const m = s.x[i]! > 0 ? s.zbar[i]!.toFixed(2) : "0";
    lines.push(`c${i + 1},${s.x[i]},${+s.tx[i]!.toFixed(4)},${+s.T[i]!.toFixed(4)},${m}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

/** A folder with the lifetimes package: LIFETIMES_SRC itself, or its tree exported from a git directory. */
function lifetimesPath(): string | null {
  const src = process.env.LIFETIMES_SRC;
  if (!src) return null;
  if (existsSync(join(src, "lifetimes", "__init__.py"))) return src;
  const exported = join(work, "lifetimes-src");
  if (!existsSync(join(exported, "lifetimes", "__init__.py"))) {
    mkdirSync(exported, { recursive: true });
    execFileSync("sh", ["-c", 'git --git-dir "$0" archive HEAD lifetimes | tar -x -C "$1"', src, exported]);
  }
  return exported;
}

/** Clock ticks per second for /proc times (sysconf CLK_TCK; 100 on every Linux we know). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) of this process's finished children, from /proc/self/stat (cutime, cstime), or
 * null off Linux. Unlike the wall clock it does not grow while a child waits for a core that another session
 * holds, so on a shared machine it is the steadier of the two ratios.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command name start at field 3 (state); cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { s: number; cpuS: number | null; stdout: string } {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const s = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return { s, cpuS: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, stdout: result.stdout };
}

function readColumns(file: string, names: string[]): Float64Array[] {
  const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\n");
  const index = names.map((name) => header!.split(",").indexOf(name));
  const columns = names.map(() => new Float64Array(rows.length));
  rows.forEach((row, r) => {
    const fields = row.split(",");
    index.forEach((c, k) => (columns[k]![r] = Number(fields[c])));
  });
  return columns;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

const summary = join(work, `summary-${CUSTOMERS}.csv`);
if (!existsSync(summary)) {
  log(`writing a ${CUSTOMERS.toLocaleString()}-customer summary…`);
  writeSummary(summary);
}
const ours = join(work, "ours.csv");
const theirs = join(work, "lifetimes.csv");
const reference = lifetimesPath();
if (!reference)
  log("no reference: set LIFETIMES_SRC to a lifetimes checkout (and LIFETIMES_PYTHON) to time lifetimes beside us");

// What `npm run clv` runs: one node process with tsx as its loader (tsx's own command line would start a second
// node process to host the loader, 0.3-0.5 s before the first line of ours runs).
const cliArgs = ["--import", "tsx", "scripts/clv.ts", "--summary", summary];
const cliTimes: number[] = [];
const referenceTimes: number[] = [];
const cliCpu: number[] = [];
const referenceCpu: number[] = [];
interface Fit {
  bgnbd: Record<string, number>;
  gammaGamma: Record<string, number>;
}
const fits: { ours?: Fit; theirs?: Fit } = {};
for (let pair = 0; pair < PAIRS; pair++) {
  const cli = timed(process.execPath, [...cliArgs, "--output", ours, "--json"]);
  cliTimes.push(cli.s);
  if (cli.cpuS !== null) cliCpu.push(cli.cpuS);
  fits.ours = JSON.parse(cli.stdout) as Fit;
  log(`pair ${pair + 1}: ours ${cli.s.toFixed(2)} s`);
  if (!reference) continue;
  const python = process.env.LIFETIMES_PYTHON ?? "python3";
  const env = { ...process.env, PYTHONPATH: reference };
  const script = join(ROOT, "bench/reference/lifetimes_clv.py");
  const run = timed(python, [script, summary, theirs, String(HORIZON_WEEKS), String(DISCOUNT_RATE)], env);
  referenceTimes.push(run.s);
  if (run.cpuS !== null) referenceCpu.push(run.cpuS);
  fits.theirs = JSON.parse(run.stdout.trim().split("\n").pop()!) as Fit;
  log(`pair ${pair + 1}: lifetimes ${run.s.toFixed(2)} s (${(run.s / cli.s).toFixed(1)}x)`);
}

const ratios = referenceTimes.map((s, i) => s / cliTimes[i]!);
const cpuRatios =
  referenceCpu.length === referenceTimes.length && cliCpu.length === cliTimes.length
    ? referenceCpu.map((s, i) => s / cliCpu[i]!)
    : [];
let agreement: Record<string, number> = {};
const { ours: ourFit, theirs: theirFit } = fits;
if (ourFit && theirFit) {
  // lifetimes names Gamma-Gamma's scale v; ours gamma.
  const pairs: Array<[number, number]> = [
    ...(["r", "alpha", "a", "b"] as const).map((k): [number, number] => [ourFit.bgnbd[k]!, theirFit.bgnbd[k]!]),
    [ourFit.gammaGamma.p!, theirFit.gammaGamma.p!],
    [ourFit.gammaGamma.q!, theirFit.gammaGamma.q!],
    [ourFit.gammaGamma.gamma!, theirFit.gammaGamma.v!],
  ];
  const [ourAlive, ourClv] = readColumns(ours, ["p_alive", "clv"]);
  const [theirAlive, theirClv] = readColumns(theirs, ["p_alive", "clv"]);
  let aliveDiff = 0;
  let ourTotal = 0;
  let theirTotal = 0;
  for (let i = 0; i < ourAlive!.length; i++) {
    aliveDiff = Math.max(aliveDiff, Math.abs(ourAlive![i]! - theirAlive![i]!));
    ourTotal += ourClv![i]!;
    theirTotal += theirClv![i]!;
  }
  agreement = {
    params_max_rel_diff: round(Math.max(...pairs.map(([o, t]) => Math.abs(o - t) / Math.abs(t))), 6),
    p_alive_max_abs_diff: round(aliveDiff, 6),
    clv_total_rel_diff: round(Math.abs(ourTotal - theirTotal) / theirTotal, 4),
  };
}

process.stdout.write(
  JSON.stringify({
    customers: CUSTOMERS,
    pairs: PAIRS,
    cli_s: round(median(cliTimes), 2),
    lifetimes_s: referenceTimes.length ? round(median(referenceTimes), 2) : null,
    ratio: ratios.length ? round(median(ratios), 1) : null,
    ratio_min: ratios.length ? round(Math.min(...ratios), 1) : null,
    cli_cpu_s: cliCpu.length ? round(median(cliCpu), 2) : null,
    lifetimes_cpu_s: referenceCpu.length ? round(median(referenceCpu), 2) : null,
    cpu_ratio: cpuRatios.length ? round(median(cpuRatios), 1) : null,
    ...agreement,
  }) + "\n",
);
