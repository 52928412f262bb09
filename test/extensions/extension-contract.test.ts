// Static checks of the extension: configuration, locale coverage, the Customer Account API query, bundle size.
import { buildClientSchema, parse, validate, type IntrospectionQuery } from "graphql";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE } from "../../app/domain/surveys/catalogue";
import { buildSurveyExtension, readTargets, SURVEY_SIZE_BUDGET_BYTES } from "../../extensions/checkout-survey/build";
import { ORDER_DELIVERY_QUERY } from "../../extensions/checkout-survey/src/order-delivery";
import { accessNotes, appTomlScopes, grants, typeScopesNeeded } from "../../simulators/shopify/required-access";
import { EXTENSION_DIR } from "../support/extension-harness";

type Translations = { [key: string]: string | Translations };
const locale = (name: string) =>
  JSON.parse(readFileSync(join(EXTENSION_DIR, "locales", `${name}.json`), "utf8")) as Translations;

function keys(node: Translations, prefix = ""): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === "string" ? [prefix + key] : keys(value, `${prefix}${key}.`),
  );
}

describe("survey extension contract", () => {
  it("declares API 2026-07, network access and both targets", () => {
    const toml = readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^api_version = "2026-07"$/m);
    expect(toml).toMatch(/\[extensions\.capabilities\]\s*\n(#.*\n)*network_access = true/);
    expect(readTargets(toml)).toEqual({
      "purchase.thank-you.block.render": "./src/ThankYou.tsx",
      "customer-account.order-status.block.render": "./src/OrderStatus.tsx",
    });
  });

  it("has a label in English and Italian for every question and answer in the catalogue", () => {
    const en = keys(locale("en.default"));
    const it = keys(locale("it"));
    expect(it.sort()).toEqual([...en].sort());
    for (const question of DEFAULT_CATALOGUE.values()) {
      expect(en).toContain(`questions.${question.id}`);
      for (const answer of question.answers) expect(en).toContain(`answers.${question.id}.${answer}`);
    }
  });

  it("the delivery query is valid against the Customer Account API 2026-07 schema", () => {
    const schemaPath = join("node_modules", "@shopify", "dev-mcp", "dist", "data", "customer_2026-07.json.gz");
    const introspection = JSON.parse(gunzipSync(readFileSync(schemaPath)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    const errors = validate(buildClientSchema(introspection.data), parse(ORDER_DELIVERY_QUERY));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it("shopify.app.toml asks for every scope the delivery query needs (customer_read_orders for Order, Fulfillment)", () => {
    const needed = typeScopesNeeded(accessNotes("customer"), ORDER_DELIVERY_QUERY);
    expect([...needed.keys()].sort()).toEqual(["Fulfillment", "Order"]);
    const granted = appTomlScopes();
    for (const [type, anyOf] of needed)
      expect({ type, granted: grants(granted, anyOf) }).toEqual({ type, granted: true });
    expect(granted).toContain("customer_read_orders");
  });

  it(`compiles to at most ${SURVEY_SIZE_BUDGET_BYTES} bytes (Shopify's limit is 64 KB)`, async () => {
    const sizes = await buildSurveyExtension({ write: false });
    expect(Object.keys(sizes.perTarget)).toHaveLength(2);
    expect(sizes.bytes).toBeGreaterThan(10_000); // it really bundled preact and both targets
    expect(sizes.bytes).toBeLessThanOrEqual(SURVEY_SIZE_BUDGET_BYTES);
  });
});
