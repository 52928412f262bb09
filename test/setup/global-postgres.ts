/**
 * Vitest global setup: one real PostgreSQL server for the whole run (each test file makes its own database).
 */
import type { TestProject } from "vitest/node";
import { startPostgres, type PostgresServer } from "../../tools/postgres-server";

let server: PostgresServer | null = null;

export default async function setup(project: TestProject) {
  server = await startPostgres();
  project.provide("pgAdminUrl", server.adminUrl);
  return () => server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
