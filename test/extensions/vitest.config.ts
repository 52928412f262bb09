// Runs only the extension tests, with the tester inlined as its README asks (so `extension.render()` works
// too). The root config does not need this: the tests import each target module themselves (decision 036).
//   npx vitest run --config test/extensions/vitest.config.ts
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/extensions/**/*.test.ts"],
    environment: "node",
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
  },
});
