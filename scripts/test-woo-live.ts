/**
 * `npm run test:woo-live`: the WooCommerce scenarios against the real store from /work/shared/peers/woocommerce
 * (start it first: see its README). Loads $WOO_ROOT/credentials.env (default /tmp/woo), checks the store
 * answers, then runs test/live/woocommerce.live.ts with Node's test runner. Prints no keys.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const root = process.env["WOO_ROOT"] ?? "/tmp/woo";
const file = `${root}/credentials.env`;
if (!existsSync(file)) {
  console.error(`${file} not found: start the store with /work/shared/peers/woocommerce/start.sh (see its README)`);
  process.exit(2);
}
const env: NodeJS.ProcessEnv = { ...process.env, WOO_ROOT: root };
for (const line of readFileSync(file, "utf8").split("\n")) {
  const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  if (m) env[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, "$2");
}
const probe = await fetch(`${env["WOO_BASE_URL"]}/wp-json/`).catch(() => null);
if (!probe || probe.status !== 200) {
  console.error(`the store at ${env["WOO_BASE_URL"]} does not answer: is it running?`);
  process.exit(2);
}
console.log(
  `WooCommerce ${env["WOO_WC_VERSION"]} on WordPress ${env["WOO_WP_VERSION"]} (${env["WOO_ORDER_STORAGE"]}) at ${env["WOO_BASE_URL"]}`,
);
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=1", "test/live/woocommerce.live.ts"],
  {
    env,
    stdio: "inherit",
  },
);
process.exit(run.status ?? 1);
