/**
 * Runs after `npm install` (on the project's Node 22, via node_modules/.bin/node):
 * 1. npm itself runs on the machine's Node and compiles better-sqlite3 for that Node's ABI; when the
 *    binding does not load under Node 22 it is rebuilt against Node 22's own headers (shipped in the `node` package).
 * 2. Generates both Prisma clients (SQLite and PostgreSQL) — offline, with the driver-adapter engine.
 */
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const run = (command: string, env: NodeJS.ProcessEnv = process.env) => execSync(command, { stdio: "inherit", env });

function sqliteLoads(): boolean {
  const probe = spawnSync(process.execPath, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], {
    encoding: "utf8",
  });
  return probe.status === 0;
}

if (!sqliteLoads()) {
  // Node 22 headers: the platform package (an optional dependency pinned to the same version as `node`).
  const headers = `${process.cwd()}/node_modules/node-${process.platform}-${process.arch}`;
  if (!existsSync(`${headers}/include/node/node.h`)) {
    console.error(`postinstall: Node ${process.version} headers not found in ${headers}`);
    process.exit(1);
  }
  console.log(`postinstall: rebuilding better-sqlite3 for Node ${process.version} (about a minute)…`);
  run("npm rebuild better-sqlite3", { ...process.env, npm_config_nodedir: headers });
  if (!sqliteLoads()) {
    console.error("postinstall: better-sqlite3 still does not load under Node 22");
    process.exit(1);
  }
}

run("prisma generate --schema prisma/schema.prisma", { ...process.env, DATABASE_URL: "file:./prisma/dev.sqlite" });
run("prisma generate --schema prisma/postgres/schema.prisma", {
  ...process.env,
  DATABASE_URL: "postgresql://localhost/ciclo",
});
