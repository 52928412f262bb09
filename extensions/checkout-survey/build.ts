/**
 * Bundles the survey extension exactly the way Shopify CLI's `shopify app dev` / `shopify app deploy` do
 * (packages/app/src/cli/services/extensions/bundle.ts and build/extension.ts in Shopify/cli): one entry that imports
 * every target module and registers it with `shopify.extend`, esbuild with bundle, automatic JSX, target es6,
 * minified, no legal comments, and as the only build-time values `process.env.NODE_ENV` plus `process.env.NAME` for
 * every variable of the app's `.env` file and of the environment the CLI runs in. Nothing else is defined, so what
 * passes here is what a deployed extension runs. Shopify rejects a compiled extension over 64 KB; our budget is
 * 20 KB (20,480 bytes).
 *
 *   CICLO_APP_URL=https://app.example.com npx tsx extensions/checkout-survey/build.ts   # sizes as JSON, bundle in dist/
 */
import { build, type BuildOptions } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const EXTENSION_DIR = dirname(fileURLToPath(import.meta.url));
const APP_ROOT = resolve(EXTENSION_DIR, "../..");
export const SHOPIFY_SIZE_LIMIT_BYTES = 64 * 1024;
export const SURVEY_SIZE_BUDGET_BYTES = 20 * 1024;

/** The CLI only turns environment names that are valid identifiers into defines (its EsbuildEnvVarRegex). */
const DEFINABLE_NAME = /^([a-zA-Z_$])([a-zA-Z0-9_$])*$/;

export interface SurveyBuildOptions {
  /** Variables the CLI would see (app `.env` plus its own environment). Default: read both, as the CLI does. */
  env?: Record<string, string>;
  /** Write the bundle to dist/ (default true). */
  write?: boolean;
}

/** target -> module, from shopify.extension.toml's [[extensions.targeting]] blocks. */
export function readTargets(tomlText: string): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const block of tomlText.split("[[extensions.targeting]]").slice(1)) {
    const target = /^\s*target\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    const module = /^\s*module\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (target && module) targets[target] = module;
  }
  return targets;
}

/**
 * The entry Shopify CLI generates for a multi-target (remote DOM) extension: every target module in ONE bundle,
 * each registered with `shopify.extend`, so the UI library is shipped once.
 */
export function extensionEntry(targets: Record<string, string>): string {
  return Object.entries(targets)
    .map(
      ([target, module], i) =>
        `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`,
    )
    .join("\n");
}

/** KEY=VALUE lines of a dotenv file (comments and blank lines skipped, surrounding quotes removed). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m || raw.trimStart().startsWith("#")) continue;
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, "$2");
  }
  return out;
}

/** What the CLI sees: the app's `.env`, overridden by its own environment (names that are identifiers only). */
export function cliEnvironment(processEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dotenvFile = join(APP_ROOT, ".env");
  const env = existsSync(dotenvFile) ? parseDotenv(readFileSync(dotenvFile, "utf8")) : {};
  for (const [key, value] of Object.entries(processEnv)) if (DEFINABLE_NAME.test(key) && value) env[key] = value;
  return env;
}

/** esbuild's `define` as the CLI builds it for a production (deploy) bundle. */
export function cliDefines(env: Record<string, string>): Record<string, string> {
  const define: Record<string, string> = { "process.env.NODE_ENV": JSON.stringify("production") };
  for (const [key, value] of Object.entries(env))
    if (DEFINABLE_NAME.test(key)) define[`process.env.${key}`] = JSON.stringify(value);
  return define;
}

function cliOptions(env: Record<string, string>): BuildOptions {
  return {
    bundle: true,
    define: cliDefines(env),
    jsx: "automatic",
    logLevel: "error",
    loader: { ".esnext": "ts", ".js": "jsx" },
    legalComments: "none",
    minify: true,
    target: "es6",
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    write: false,
  };
}

/**
 * `bytes`/`code`: the compiled extension as the CLI ships it (all targets in one file; the 64 KB limit applies to
 * it). `perTarget`: each target bundled on its own, to see what each costs.
 */
export async function buildSurveyExtension(
  options: SurveyBuildOptions = {},
): Promise<{ bytes: number; code: string; perTarget: Record<string, number> }> {
  const env = options.env ?? cliEnvironment();
  const targets = readTargets(readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8"));
  const shared = cliOptions(env);
  const main = await build({
    ...shared,
    stdin: { contents: extensionEntry(targets), resolveDir: EXTENSION_DIR, loader: "tsx" },
    outfile: join(EXTENSION_DIR, "dist", "ciclo-checkout-survey.js"),
  });
  const bundle = main.outputFiles![0]!;
  if (options.write ?? true) {
    mkdirSync(dirname(bundle.path), { recursive: true });
    writeFileSync(bundle.path, bundle.contents);
  }
  const perTarget: Record<string, number> = {};
  for (const [target, module] of Object.entries(targets)) {
    const alone = await build({ ...shared, entryPoints: [join(EXTENSION_DIR, module)] });
    perTarget[target] = alone.outputFiles![0]!.contents.byteLength;
  }
  return { bytes: bundle.contents.byteLength, code: bundle.text, perTarget };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code: _code, ...sizes } = await buildSurveyExtension();
  console.log(
    JSON.stringify({
      ...sizes,
      withinShopifyLimit: sizes.bytes <= SHOPIFY_SIZE_LIMIT_BYTES,
      withinBudget: sizes.bytes <= SURVEY_SIZE_BUDGET_BYTES,
    }),
  );
}
