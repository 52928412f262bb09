/**
 * Derives prisma/postgres/schema.prisma from prisma/schema.prisma (the single source of truth).
 * Only the datasource provider and the generated client's output differ; the models are identical,
 * so both databases run the same queries. `--check` exits non-zero when the derived file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const HEADER = "// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.ts — do not edit by hand.\n";

export function derivePostgresSchema(sqliteSchema: string): string {
  const out = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    // A second client, generated next to the default one, for the PostgreSQL provider.
    .replace(
      /engineType\s*=\s*"client"/,
      'engineType = "client"\n  output     = "../../node_modules/.prisma/client-pg"',
    );
  if (out === sqliteSchema) throw new Error("schema.prisma did not have the expected datasource/generator blocks");
  return HEADER + out;
}

const root = fileURLToPath(new URL("..", import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const derived = derivePostgresSchema(readFileSync(`${root}prisma/schema.prisma`, "utf8"));
  const target = `${root}prisma/postgres/schema.prisma`;
  if (process.argv.includes("--check")) {
    const current = readFileSync(target, "utf8");
    if (current !== derived) {
      console.error("prisma/postgres/schema.prisma is stale: run `npm run db:derive`");
      process.exit(1);
    }
  } else {
    writeFileSync(target, derived);
    console.log("wrote prisma/postgres/schema.prisma");
  }
}
