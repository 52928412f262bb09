/**
 * Bundles each target of the survey extension the way Shopify CLI does (esbuild, automatic JSX runtime, ES6
 * target, minified, no legal comments, one copy of the UI library), and reports the compiled sizes.
 * Shopify rejects a compiled extension over 64 KB; the budget is 20 KB (20,480 bytes).
 *
 *   npx tsx extensions/checkout-survey/build.ts            # sizes as JSON, bundles in dist/
 *   CICLO_APP_URL=https://app.example.com npx tsx …        # the app server the bundle will call
 */
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const EXTENSION_DIR = dirname(fileURLToPath(import.meta.url));
export const SHOPIFY_SIZE_LIMIT_BYTES = 64 * 1024;
export const SURVEY_SIZE_BUDGET_BYTES = 20 * 1024;

export interface SurveyBuildOptions {
  appUrl?: string;
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
 * The entry Shopify CLI generates for a multi-target extension: every target module in ONE bundle, each
 * registered with `shopify.extend`, so the UI library is shipped once.
 */
export function extensionEntry(targets: Record<string, string>): string {
  return Object.entries(targets)
    .map(
      ([target, module], i) =>
        `import T${i} from '${module}';shopify.extend('${target}', (...args) => T${i}(...args));`,
    )
    .join("\n");
}

function esbuildOptions(appUrl: string, preactDir: string) {
  return {
    bundle: true,
    format: "esm",
    minify: true,
    target: "es6",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    alias: { preact: preactDir, react: "preact/compat", "react-dom": "preact/compat" },
    define: { CICLO_APP_URL: JSON.stringify(appUrl), "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  } as const;
}

/**
 * `bytes`: the compiled extension as Shopify CLI ships it (all targets in one file; the 64 KB limit applies to
 * it). `perTarget`: each target bundled on its own, to see what each costs.
 */
export async function buildSurveyExtension(
  options: SurveyBuildOptions = {},
): Promise<{ bytes: number; perTarget: Record<string, number> }> {
  const appUrl = options.appUrl ?? process.env.CICLO_APP_URL ?? "http://localhost:3000";
  const write = options.write ?? true;
  const targets = readTargets(readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8"));
  // One preact for the whole bundle, whichever package asks for it (Shopify CLI does the same for react).
  const preactDir = dirname(createRequire(import.meta.url).resolve("preact/package.json"));
  const shared = esbuildOptions(appUrl, preactDir);

  const main = await build({
    ...shared,
    stdin: { contents: extensionEntry(targets), resolveDir: EXTENSION_DIR, loader: "tsx", sourcefile: "extension.tsx" },
    outfile: join(EXTENSION_DIR, "dist", "ciclo-checkout-survey.js"),
    write: false,
  });
  const bundle = main.outputFiles[0]!;
  if (write) {
    mkdirSync(dirname(bundle.path), { recursive: true });
    writeFileSync(bundle.path, bundle.contents);
  }

  const perTarget: Record<string, number> = {};
  for (const [target, module] of Object.entries(targets)) {
    const alone = await build({ ...shared, entryPoints: [join(EXTENSION_DIR, module)], write: false });
    perTarget[target] = alone.outputFiles[0]!.contents.byteLength;
  }
  return { bytes: bundle.contents.byteLength, perTarget };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = await buildSurveyExtension();
  console.log(
    JSON.stringify({
      ...sizes,
      withinShopifyLimit: sizes.bytes <= SHOPIFY_SIZE_LIMIT_BYTES,
      withinBudget: sizes.bytes <= SURVEY_SIZE_BUDGET_BYTES,
    }),
  );
}
