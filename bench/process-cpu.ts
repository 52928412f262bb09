/**
 * CPU time as a second measure beside wall time. On a machine whose speed drifts, a run's wall time also moves
 * with how the work happened to be scheduled on its two cores; the CPU seconds it used move less, and against a
 * floor's CPU seconds from the same run they say how much work the pipeline does for what it must do.
 */
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU seconds used so far by every process named `name` on this machine (a database server's backends, and the
 * ones that exited, counted by the server process that waited for them); null where /proc is not there to read.
 */
export function processCpuSeconds(name: string): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  let ticks = 0;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited since the listing
    }
    if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== name) continue;
    // After the name: state is field 3; utime, stime, cutime, cstime are fields 14-17 (in clock ticks, 100 per second).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100;
}

/** This process's CPU seconds so far, all its threads. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
