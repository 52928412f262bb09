import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Tests run against real parts: SQLite files, a PostgreSQL server started by test/setup/postgres.ts,
// real HMAC signatures. Each file gets its own databases, so files can run in parallel.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/setup/global-postgres.ts"],
    env: { NODE_ENV: "test", LOG_LEVEL: "error" },
  },
});
