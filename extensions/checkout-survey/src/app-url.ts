/**
 * Where Ciclo's app server answers, fixed when the extension is bundled. Shopify CLI (`shopify app dev` and
 * `shopify app deploy`) bundles the extension itself, and the only build-time values it provides are
 * `process.env.NAME` replacements: every variable of the app's `.env` file and of the environment the CLI runs in
 * (plus `process.env.NODE_ENV`). So the URL is `process.env.CICLO_APP_URL`, set in `.env` or exported before
 * `shopify app deploy`. It is not a merchant-editable extension setting on purpose: every request carries the
 * customer's session token, and where it goes should not be changeable from the checkout editor.
 *
 * Built without CICLO_APP_URL, the reference stays in the bundle and `process` does not exist in the extension
 * sandbox: reading it throws, APP_URL is null and the survey stays hidden instead of calling a wrong server.
 */
declare const process: { env: Record<string, string | undefined> };

function appUrlFromBuild(): string | null {
  try {
    const url = process.env.CICLO_APP_URL;
    return url ? url.replace(/\/+$/, "") : null;
  } catch {
    return null;
  }
}

export const APP_URL: string | null = appUrlFromBuild();
