/**
 * The WordPress plugin: every PHP file passes `php -l`, and the tokens its PHP signs verify with Ciclo's
 * TypeScript (and fail with a wrong secret, a changed id or once expired). Needs the php CLI (apt: php-cli).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signSurveyToken, verifyEmbedToken, verifySurveyToken } from "../../../app/platforms/woocommerce";

const PLUGIN = join(process.cwd(), "extensions/woocommerce/ciclo");

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? phpFiles(path) : name.endsWith(".php") ? [path] : [];
  });
}

function requirePhp(): void {
  const probe = spawnSync("php", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "the php CLI is required for the WordPress plugin checks: install it (Debian/Ubuntu: apt-get install -y php-cli)",
    );
  }
}

describe("WordPress plugin", () => {
  it("every PHP file passes php -l", () => {
    requirePhp();
    const files = phpFiles(PLUGIN);
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const result = spawnSync("php", ["-l", file], { encoding: "utf8" });
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it("escapes output and checks capabilities and nonces where it acts", () => {
    requirePhp();
    const source = (name: string) => execFileSync("cat", [join(PLUGIN, "includes", name)], { encoding: "utf8" });
    for (const name of ["settings.php", "embed.php"])
      expect(source(name)).toContain("current_user_can( 'manage_woocommerce' )");
    expect(source("settings.php").match(/check_admin_referer\( 'ciclo_connect' \)/g)).toHaveLength(2);
    // Every echo that prints a variable passes it through an escaping function.
    for (const name of ["settings.php", "embed.php", "survey.php"]) {
      for (const line of source(name)
        .split("\n")
        .filter((l) => /\becho\b/.test(l) && /\$\w+/.test(l))) {
        expect(line, line).toMatch(/esc_(html|url|attr)/);
      }
    }
  });

  it("tokens signed by the plugin's PHP verify in Ciclo", () => {
    requirePhp();
    const secret = "s".repeat(48);
    const now = Math.floor(Date.now() / 1000);
    const php = `define('ABSPATH', '/'); define('DAY_IN_SECONDS', 86400); require '${join(PLUGIN, "includes/tokens.php")}';
      echo ciclo_embed_token('store_42', 7, '${secret}', ${now}), "\\n", ciclo_survey_token('store_42', 1234, '${secret}', ${now});`;
    const [embed, survey] = execFileSync("php", ["-r", php], { encoding: "utf8" }).trim().split("\n") as [
      string,
      string,
    ];
    const at = new Date(now * 1000);
    expect(verifyEmbedToken(embed, secret, at)).toMatchObject({
      ok: true,
      value: { storeId: "store_42", wpUserId: "7" },
    });
    expect(verifyEmbedToken(embed, secret, new Date((now + 121) * 1000))).toEqual({ ok: false, reason: "expired" });
    expect(verifyEmbedToken(embed, "x".repeat(48), at)).toEqual({ ok: false, reason: "bad signature" });
    expect(verifySurveyToken(survey, secret, at)).toMatchObject({
      ok: true,
      value: { storeId: "store_42", orderId: "1234" },
    });
    expect(verifySurveyToken(survey.replace(".1234.", ".1235."), secret, at)).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(survey).toBe(signSurveyToken("store_42", "1234", secret, new Date((now + 30 * 86400) * 1000)));
    expect(verifySurveyToken(embed, secret, at)).toEqual({ ok: false, reason: "malformed token" });
  });
});
