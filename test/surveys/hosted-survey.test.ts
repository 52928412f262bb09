/**
 * The hosted survey page's server side on real SQLite and PostgreSQL: signed single-order tokens (valid,
 * tampered, expired, another store's, the WordPress plugin's), the same questions and rules as the extension,
 * answers from a plain form, English / Italian.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signSurveyToken as signPluginToken } from "../../app/platforms/woocommerce/plugin-tokens";
import { SecretBox } from "../../app/security/secret-box.server";
import {
  fieldName,
  showHostedSurvey,
  submitHostedSurvey,
  tokenFromRequest,
} from "../../app/surveys/hosted-survey.server";
import { deriveSurveySecret, signSurveyToken, verifySurveyToken } from "../../app/surveys/survey-token.server";
import { DB_KINDS } from "../support/databases";
import { ENCRYPTION_KEY, SurveyHarness } from "../support/survey-harness";

const NOW = new Date("2026-03-05T12:00:00Z");
const LATER = new Date(NOW.getTime() + 7 * 86_400_000);

describe("survey tokens", () => {
  const secret = "per-store-secret";
  it("round-trips ids, target and expiry, and carries nothing else", () => {
    const token = signSurveyToken(
      { storeId: "store_1", orderId: "9001", target: "order-status", expiresAt: LATER },
      secret,
    );
    expect(token).toMatch(/^s2\.store_1\.9001\.order-status\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifySurveyToken(token, secret, NOW)).toEqual({
      ok: true,
      claims: {
        storeId: "store_1",
        orderId: "9001",
        target: "order-status",
        expiresAt: new Date(Math.floor(LATER.getTime() / 1000) * 1000),
      },
    });
  });

  it("refuses tampered, truncated, expired and foreign-secret tokens", () => {
    const token = signSurveyToken(
      { storeId: "store_1", orderId: "9001", target: "thank-you", expiresAt: LATER },
      secret,
    );
    const cases: [string, string, Date, string][] = [
      ["other order", token.replace(".9001.", ".9002."), NOW, "bad-signature"],
      ["other target", token.replace(".thank-you.", ".order-status."), NOW, "bad-signature"],
      ["truncated signature", token.slice(0, -2), NOW, "bad-signature"],
      ["no signature", token.slice(0, token.lastIndexOf(".")), NOW, "bad-signature"],
      ["expired", token, new Date(LATER.getTime() + 1000), "expired"],
      ["another secret", token, NOW, "bad-signature"],
      ["huge", "s2." + "a".repeat(5000), NOW, "malformed"],
    ];
    for (const [name, candidate, now, reason] of cases) {
      const key = name === "another secret" ? "someone-else" : secret;
      expect({ name, result: verifySurveyToken(candidate, key, now) }).toEqual({ name, result: { ok: false, reason } });
    }
  });

  it("accepts the WordPress plugin's thank-you tokens with the same secret", () => {
    const token = signPluginToken("store_1", "77", secret, LATER);
    const checked = verifySurveyToken(token, secret, NOW);
    expect(checked).toMatchObject({ ok: true, claims: { storeId: "store_1", orderId: "77", target: "thank-you" } });
    expect(verifySurveyToken(token, "wrong", NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("reads the token from the path or from ?t= as the plugin links it", () => {
    expect(tokenFromRequest(new Request("https://ciclo.test/survey/woo?t=s1.a.1.2.sig"), "woo")).toBe("s1.a.1.2.sig");
    expect(tokenFromRequest(new Request("https://ciclo.test/survey/s2.x"), "s2.x")).toBe("s2.x");
  });
});

describe.each(DB_KINDS)("hosted survey page on %s", (kind) => {
  let h: SurveyHarness;
  let storeId: string;
  let secret: string;
  beforeEach(async () => {
    h = await SurveyHarness.create(kind, { now: () => NOW });
    storeId = (await h.installStore("hosted-shop")).id;
    secret = deriveSurveySecret(ENCRYPTION_KEY, storeId);
  });
  afterEach(async () => {
    await h.close();
  });

  const deps = () => ({ ...h.deps, now: () => NOW });
  const page = (token: string, language = "en-GB,en;q=0.9") =>
    showHostedSurvey(
      new Request("https://ciclo.test/survey/x", { headers: { "Accept-Language": language } }),
      token,
      deps(),
    );
  const post = (token: string, fields: Record<string, string>, language = "en") =>
    submitHostedSurvey(
      new Request("https://ciclo.test/survey/x", {
        method: "POST",
        headers: { "Accept-Language": language, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      token,
      deps(),
    );
  const tokenFor = (orderId: string, target: "thank-you" | "order-status" = "order-status", expiresAt = LATER) =>
    signSurveyToken({ storeId, orderId, target, expiresAt }, secret);

  it("asks NPS for a delivered order in Italian, stores the answers once, then thanks", async () => {
    const customerId = await h.addCustomer(storeId, "501", { segment: "champions", stage: "hero", clvMinor: 50_000n });
    await h.addOrder(storeId, "9001", { customerId, fulfillmentStatus: "FULFILLED" });
    const token = tokenFor("9001");
    const view = await page(token, "it-IT,it;q=0.9,en;q=0.5");
    expect(view).toMatchObject({ state: "ask", locale: "it", questions: [{ id: "nps" }, { id: "nps-reason" }] });
    expect(await h.db.surveyImpression.count()).toBe(1);

    const fields = {
      [fieldName("nps")]: "9",
      [fieldName("nps-reason")]: "Spedizione <b>velocissima</b>!",
      orderId: "1234",
    };
    expect(await post(token, fields, "it")).toEqual({ status: 200, view: { state: "thanks", locale: "it" } });
    expect(await post(token, fields, "it")).toEqual({ status: 200, view: { state: "thanks", locale: "it" } });
    const rows = await h.db.surveyResponse.findMany({ orderBy: { questionId: "asc" } });
    expect(rows).toMatchObject([
      {
        orderExternalId: "9001",
        questionId: "nps",
        score: 9,
        locale: "it",
        customerId,
        segmentAtAnswer: "champions",
        target: "order-status",
      },
      { orderExternalId: "9001", questionId: "nps-reason", text: "Spedizione velocissima !", locale: "it" },
    ]);
    expect((await page(token)).state).toBe("thanks");
    expect(await h.db.surveyImpression.count()).toBe(1);
  });

  it("refuses tampered, expired, foreign and wrong-order tokens and stores nothing", async () => {
    await h.addOrder(storeId, "9001", { fulfillmentStatus: "FULFILLED" });
    const other = await h.installStore("other-shop");
    const valid = tokenFor("9001");
    const tampered = valid.replace(".9001.", ".9002.");
    const expired = tokenFor("9001", "order-status", new Date(NOW.getTime() - 1000));
    const otherStoresToken = signSurveyToken(
      { storeId: other.id, orderId: "9001", target: "order-status", expiresAt: LATER },
      secret, // signed with the first store's secret but claiming the other store
    );
    const answer = { [fieldName("nps")]: "10" };
    expect((await page(tampered)).state).toBe("invalid");
    expect(await post(tampered, answer)).toMatchObject({ status: 403 });
    expect((await page(expired)).state).toBe("expired");
    expect(await post(expired, answer)).toMatchObject({ status: 410 });
    expect((await page(otherStoresToken)).state).toBe("invalid");
    expect((await page("s2.nope.1.thank-you.1.x")).state).toBe("invalid");
    expect((await page("")).state).toBe("invalid");
    expect(await h.db.surveyResponse.count()).toBe(0);
    expect(await h.db.surveyImpression.count()).toBe(0);
  });

  it("rejects hostile form values with 400 and keeps the valid ones", async () => {
    await h.addOrder(storeId, "9001", { fulfillmentStatus: "FULFILLED" });
    const token = tokenFor("9001");
    const result = await post(token, {
      [fieldName("nps")]: "11",
      [fieldName("nps-reason")]: "ok <script>alert(1)</script>",
    });
    expect(result.status).toBe(400);
    expect(result.view).toMatchObject({
      state: "ask",
      questions: [{ id: "nps" }],
      errors: [{ field: "nps", code: "score-out-of-range" }],
    });
    expect(await h.db.surveyResponse.findMany({ select: { questionId: true, text: true } })).toEqual([
      { questionId: "nps-reason", text: "ok" },
    ]);
    for (const bad of ["7.5", "-1", "seven", "1e1"]) {
      expect((await post(token, { [fieldName("nps")]: bad })).status).toBe(400);
    }
    expect(await h.db.surveyResponse.count()).toBe(1);
  });

  it("serves a WooCommerce store's plugin token with its sealed per-store secret", async () => {
    const pluginSecret = "woo-plugin-secret";
    const woo = await h.db.store.create({
      data: {
        platform: "woocommerce",
        domain: "shop.example",
        embedSecret: new SecretBox(ENCRYPTION_KEY).seal(pluginSecret),
      },
    });
    const token = signPluginToken(woo.id, "55", pluginSecret, LATER);
    const view = await page(token);
    expect(view).toMatchObject({
      state: "ask",
      questions: [{ id: "jtbd-trigger" }, { id: "jtbd-job" }, { id: "attribution" }],
    });
    await post(token, { [fieldName("jtbd-trigger")]: "gift", [fieldName("attribution")]: "not-an-answer" });
    expect(
      await h.db.surveyResponse.findMany({
        select: { storeId: true, orderExternalId: true, answerId: true, target: true },
      }),
    ).toEqual([{ storeId: woo.id, orderExternalId: "55", answerId: "gift", target: "thank-you" }]);
    // The derived key is not accepted for a store whose links the plugin signs.
    expect((await page(signPluginToken(woo.id, "55", deriveSurveySecret(ENCRYPTION_KEY, woo.id), LATER))).state).toBe(
      "invalid",
    );
  });
});
