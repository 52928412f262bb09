/**
 * Runs a TypeScript child script (through tsx) and checks that it ends on its own: nothing it started (a thread, a
 * connection) may keep its process alive. Returns what it printed.
 */
import { spawnSync } from "node:child_process";
import { expect } from "vitest";

export function runScriptToItsEnd(script: string, args: string[]): string {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    timeout: 20_000,
    encoding: "utf8",
  });
  expect(child.signal, child.stderr).toBeNull(); // not killed by the timeout
  expect(child.status, child.stderr).toBe(0);
  expect(performance.now() - started).toBeLessThan(15_000);
  return child.stdout;
}
