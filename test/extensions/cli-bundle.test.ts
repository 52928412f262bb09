/**
 * The extension as `shopify app deploy` ships it: bundled with only what Shopify CLI defines
 * (`process.env.NODE_ENV` and `process.env.NAME` for the app's `.env` and environment; see build.ts), then checked
 * for references to anything the extension sandbox does not provide, and run in a bare VM context with only the
 * sandbox's globals to see which server it calls.
 */
import { runInNewContext } from "node:vm";
import { Linter } from "eslint";
import globals from "globals";
import { describe, expect, it, vi } from "vitest";
import { buildSurveyExtension, cliDefines, parseDotenv } from "../../extensions/checkout-survey/build";
import { installTestDocument } from "../support/minimal-dom";

const APP_URL = "https://ciclo-app.example.com";

/**
 * What a UI extension's code can see: the standard library and a web worker's globals (it runs in a worker), the
 * `shopify` API object and remote DOM's `document`. Anything else must be replaced at build time or it is a
 * ReferenceError in production.
 */
const SANDBOX_GLOBALS = { ...globals.es2021, ...globals.worker, shopify: "readonly", document: "readonly" } as const;

function undefinedReferences(code: string): string[] {
  const messages = new Linter().verify(code, {
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: SANDBOX_GLOBALS },
    rules: { "no-undef": ["error", { typeof: true }] },
  });
  const names = messages.map((m) => /'([^']+)' is not defined/.exec(m.message)?.[1] ?? m.message);
  return [...new Set(names)].sort();
}

/** Runs the bundle with only the sandbox globals; returns the registered targets and the requests made. */
async function runThankYou(code: string) {
  const document = installTestDocument();
  const requests: string[] = [];
  const targets = new Map<string, () => Promise<void>>();
  const shopify = {
    extend: (target: string, run: () => Promise<void>) => targets.set(target, run),
    orderConfirmation: { value: { order: { id: "gid://shopify/Order/77" } } },
    i18n: { translate: (key: string) => key },
    sessionToken: { get: async () => "session-token" },
    storage: { read: async () => null, write: async () => {} },
    localization: { extensionLanguage: { value: { isoCode: "en" } } },
  };
  const fetch = vi.fn(async (url: string) => {
    requests.push(String(url));
    return new Response(JSON.stringify({ eligible: false, questionSet: "", questions: [] }));
  });
  runInNewContext(code, { shopify, document, fetch, setTimeout, clearTimeout, Promise, console, Response });
  await targets.get("purchase.thank-you.block.render")!();
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return { targets: [...targets.keys()].sort(), requests };
}

describe("the extension bundled the way `shopify app deploy` bundles it", () => {
  it("with CICLO_APP_URL in the CLI's environment, references nothing the sandbox lacks and calls that URL", async () => {
    const { code } = await buildSurveyExtension({ env: { CICLO_APP_URL: APP_URL }, write: false });
    expect(undefinedReferences(code)).toEqual([]);
    expect(code).toContain(APP_URL);
    expect(code).not.toContain("localhost");
    const run = await runThankYou(code);
    expect(run.targets).toEqual(["customer-account.order-status.block.render", "purchase.thank-you.block.render"]);
    expect(run.requests).toHaveLength(1);
    expect(run.requests[0]).toMatch(new RegExp(`^${APP_URL}/api/survey/questions\\?`));
  });

  it("without it, the check names the leftover reference and the deployed survey stays hidden without crashing", async () => {
    const { code } = await buildSurveyExtension({ env: {}, write: false });
    expect(undefinedReferences(code)).toEqual(["process"]);
    const run = await runThankYou(code);
    expect(run.requests).toEqual([]);
  });

  it("defines exactly what the CLI defines, from `.env` text as the CLI reads it", () => {
    const env = parseDotenv(
      '# app settings\nSHOPIFY_API_KEY=abc\nCICLO_APP_URL="https://x.example"\n\nexport FOO=bar\n',
    );
    expect(cliDefines(env)).toEqual({
      "process.env.NODE_ENV": '"production"',
      "process.env.SHOPIFY_API_KEY": '"abc"',
      "process.env.CICLO_APP_URL": '"https://x.example"',
      "process.env.FOO": '"bar"',
    });
  });
});
