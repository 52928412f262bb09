/**
 * Where a worker thread's entry is: from source (tests, tsx) the TypeScript module, run through tsx; from the
 * production build, the bundle `npm run build` writes beside the server bundle (scripts/build-workers.ts).
 * `from` is the caller's import.meta.url: the entry sits beside the caller in both layouts.
 */
import { existsSync } from "node:fs";

export function workerEntry(name: string, from: string): { url: URL; execArgv: string[] } {
  if (/\.tsx?$/.test(new URL(from).pathname))
    return { url: new URL(`./${name}.ts`, from), execArgv: ["--import", "tsx"] };
  const bundled = new URL(`./${name}.js`, from);
  if (!existsSync(bundled)) throw new Error(`worker bundle missing: ${bundled.pathname} (run npm run build)`);
  return { url: bundled, execArgv: [] };
}
