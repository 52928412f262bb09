/**
 * The production build (`npm run build`): always (`buildApp`, benchmarks measure what they just built), or only
 * when a source is newer than the build (`ensureBuilt`, browser tests and the admin bench), with a lock folder
 * so parallel test files build once.
 */
import { execSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./root";

const SERVER_BUILD = join(ROOT, "build/server/index.js");

export function buildApp(): void {
  execSync("npm run --silent build", { cwd: ROOT, stdio: "ignore" });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds once; concurrent test files wait on a lock directory instead of building in parallel. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, ".cache", "e2e-build.lock");
  mkdirSync(join(ROOT, ".cache"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file is building (a lock older than 5 minutes is a crashed run).
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const built = (() => {
      try {
        return statSync(SERVER_BUILD).mtimeMs;
      } catch {
        return 0;
      }
    })();
    const sources = Math.max(
      newestSource(join(ROOT, "app")),
      newestSource(join(ROOT, "extensions/checkout-survey/locales")),
    );
    if (built < sources) buildApp();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
