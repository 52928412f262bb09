// ESLint flat config: TypeScript-aware recommended rules and React hooks rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

// Who may import whom among the top-level folders (decision 145). The app imports none of the tooling; simulators
// stand alone (they may use app/ types); tools/ serve tests, benchmarks and scripts alike; bench/ and scripts/ never
// reach into test/. A relative import that climbs out of its folder into a forbidden one is an error, static or
// dynamic (`import("../test/...")`).
const FORBIDDEN = {
  "app/**": ["test", "bench", "scripts", "simulators", "tools"],
  "server.ts": ["test", "bench", "scripts", "simulators", "tools"],
  "simulators/**": ["test", "bench", "scripts", "tools"],
  "tools/**": ["test", "bench", "scripts"],
  "bench/**": ["test"],
  "scripts/**": ["test", "bench"],
  "test/**": ["bench"],
};
const climbsInto = (folders) => `^(\\.\\./)+(${folders.join("|")})(/|$)`;
const importDirections = Object.entries(FORBIDDEN).map(([files, folders]) => {
  const message = `${files.replace("/**", "/")} may not import from ${folders.map((f) => `${f}/`).join(", ")} (docs/decisions/145-tools-apart-from-tests.md)`;
  return {
    files: [files],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: climbsInto(folders), message }] }],
      "no-restricted-syntax": [
        "error",
        { selector: `ImportExpression[source.value=/${climbsInto(folders).replaceAll("/", "\\x2F")}/]`, message },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", ".tmp/**", "extensions/*/dist/**", "coverage/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...importDirections,
);
