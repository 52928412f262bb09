/**
 * The checkout extension's survey endpoints end to end on real SQLite and PostgreSQL, with real session tokens
 * checked by shopify-app-remix: auth, CORS, idempotency, rate limits, eligibility and impressions.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../support/databases";
import { EXTENSION_ORIGIN, SurveyHarness } from "../support/survey-harness";

const SHOP = "ciclo-surveys";
const NOW = new Date("2026-03-02T12:00:00Z");
const DAY = 86_400_000;

describe.each(DB_KINDS)("survey endpoints on %s", (kind) => {
  let h: SurveyHarness;
  let storeId: string;
  let token: string;
  beforeEach(async () => {
    h = await SurveyHarness.create(kind, { now: () => NOW });
    storeId = (await h.installStore(SHOP)).id;
    token = await h.token(SHOP);
  });
  afterEach(async () => {
    await h.close();
  });

  const responses = () => h.db.surveyResponse.findMany({ orderBy: { questionId: "asc" } });

  it("stores an answer with its order, customer and the customer's segment, stage and CLV at answer time", async () => {
    const customerId = await h.addCustomer(storeId, "501", { segment: "at-risk", stage: "at-risk", clvMinor: 123_45n });
    await h.addOrder(storeId, "9001", { customerId });
    const res = await h.answer(
      { target: "thank-you", orderId: "gid://shopify/Order/9001", questionId: "winback-reason", answerId: "discount" },
      await h.token(SHOP, { sub: "gid://shopify/Customer/501" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const [row, ...rest] = await responses();
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      storeId,
      orderExternalId: "9001",
      customerId,
      customerExternalId: "501",
      target: "thank-you",
      questionSet: "winback",
      questionId: "winback-reason",
      answerId: "discount",
      score: null,
      text: null,
      segmentAtAnswer: "at-risk",
      stageAtAnswer: "at-risk",
      clvAtAnswerMinor: 12345n,
    });
    expect(row!.createdAt.toISOString()).toBe(NOW.toISOString());
  });

  it("ties an answer to the token's logged-in customer when the order has not arrived yet", async () => {
    const customerId = await h.addCustomer(storeId, "777", { segment: "champions", stage: "hero", clvMinor: 90_000n });
    const loggedIn = await h.token(SHOP, { sub: "gid://shopify/Customer/777" });
    const res = await h.answer(
      { target: "thank-you", orderId: "4242", questionId: "jtbd-trigger", answerId: "gift" },
      loggedIn,
    );
    expect(res.status).toBe(200);
    expect(await responses()).toMatchObject([
      {
        orderExternalId: "4242",
        customerId,
        customerExternalId: "777",
        segmentAtAnswer: "champions",
        questionSet: "short-loyal",
      },
    ]);
  });

  it("answers 401 and stores nothing for expired, not-yet-valid, forged, malformed and missing tokens", async () => {
    await h.addOrder(storeId, "9001", { fulfillmentStatus: "FULFILLED" });
    const now = Date.now() / 1000;
    const bad = {
      expired: await h.token(SHOP, { exp: now - 60, iat: now - 600, nbf: now - 600 }),
      notYetValid: await h.token(SHOP, { nbf: now + 600 }),
      forged: await h.token(SHOP, {}, "someone-elses-secret"),
      tamperedPayload: (() => {
        const [header, , sig] = token.split(".");
        const payload = Buffer.from(JSON.stringify({ dest: "https://other.myshopify.com", exp: now + 600 })).toString(
          "base64url",
        );
        return `${header}.${payload}.${sig}`;
      })(),
      garbage: "not-a-jwt",
      empty: "",
    };
    const answer = { target: "thank-you", orderId: "9001", questionId: "jtbd-trigger", answerId: "gift" };
    const nps = { target: "order-status", orderId: "9001", questionId: "nps", score: 10 };
    for (const [name, badToken] of Object.entries(bad)) {
      for (const body of [answer, nps]) {
        const res = await h.answer(body, badToken);
        expect({ name, status: res.status }).toEqual({ name, status: 401 });
        expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      }
      const q = await h.questions({ target: "order-status", orderId: "9001", locale: "en" }, badToken);
      expect({ name, status: q.status }).toEqual({ name, status: 401 });
    }
    expect((await h.answer(answer, null)).status).toBe(401);
    expect((await h.questions({ target: "thank-you", orderId: "9001" }, null)).status).toBe(401);
    expect(await h.db.surveyResponse.count()).toBe(0);
    expect(await h.db.surveyImpression.count()).toBe(0);
  });

  it("answers 404 for a valid token of a shop that is not installed, storing nothing", async () => {
    const stranger = await h.token("not-installed");
    const res = await h.answer(
      { target: "thank-you", orderId: "1", questionId: "jtbd-trigger", answerId: "gift" },
      stranger,
    );
    expect(res.status).toBe(404);
    expect(await h.db.surveyResponse.count()).toBe(0);
  });

  it("answers the CORS preflight on both paths without a token", async () => {
    for (const send of [
      () => h.questions({}, null, { method: "OPTIONS" }),
      () =>
        import("../../app/surveys/extension-endpoints.server").then(({ handleSurveyAnswer }) =>
          handleSurveyAnswer(
            new Request("https://ciclo.test/api/survey/answers", {
              method: "OPTIONS",
              headers: { Origin: EXTENSION_ORIGIN, "Access-Control-Request-Method": "POST" },
            }),
            h.deps,
          ),
        ),
    ]) {
      const res = await send();
      expect(res.status).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
      expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Content-Type/);
    }
  });

  it("stores a double tap, a retry and a replay once, whichever spelling of the order id", async () => {
    const body = { target: "thank-you", orderId: "9001", questionId: "jtbd-trigger", answerId: "gift" };
    const taps = await Promise.all(Array.from({ length: 6 }, () => h.answer(body, token)));
    const results = (await Promise.all(taps.map((r) => r.json()))) as { ok: boolean; duplicate: boolean }[];
    expect(taps.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const retry = await h.answer({ ...body, orderId: "gid://shopify/Order/9001" }, await h.token(SHOP));
    expect(await retry.json()).toEqual({ ok: true, duplicate: true });
    // A later, different answer to the same question does not replace the first.
    const changed = await h.answer({ ...body, answerId: "promotion" }, token);
    expect(await changed.json()).toEqual({ ok: true, duplicate: true });
    expect(await responses()).toMatchObject([{ answerId: "gift" }]);
  });

  it("rate-limits per shop with 429 and Retry-After, storing nothing refused, other shops unaffected", async () => {
    await h.close();
    let clock = 1_000_000;
    h = await SurveyHarness.create(kind, { rateLimit: { refillPerSecond: 1, capacity: 3 } });
    (h.deps as { limiter: unknown }).limiter = new (
      await import("../../app/surveys/shop-rate-limiter")
    ).ShopRateLimiter({ refillPerSecond: 1, capacity: 3 }, () => clock);
    storeId = (await h.installStore(SHOP)).id;
    await h.installStore("other-shop");
    const ask = (questionId: string, answerId: string, t = token) =>
      h.answer({ target: "thank-you", orderId: "9001", questionId, answerId }, t);
    expect((await ask("jtbd-trigger", "gift")).status).toBe(200);
    expect((await ask("jtbd-job", "work")).status).toBe(200);
    expect((await ask("attribution", "google")).status).toBe(200);
    const refused = await ask("jtbd-barrier", "price");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await ask("jtbd-barrier", "price", await h.token("other-shop"))).status).toBe(200);
    clock += 1000; // one token back
    expect((await ask("jtbd-barrier", "price")).status).toBe(200);
    const stored = await h.db.surveyResponse.findMany({ where: { storeId } });
    expect(stored.map((r) => r.questionId).sort()).toEqual(["attribution", "jtbd-barrier", "jtbd-job", "jtbd-trigger"]);
  });

  it("chooses the question set by segment and records one impression per order and target", async () => {
    const lapsed = await h.addCustomer(storeId, "501", { segment: "previously-loyal", stage: "lost", clvMinor: 1n });
    await h.addOrder(storeId, "100", { customerId: lapsed, processedAt: new Date("2025-01-01T00:00:00Z") });
    await h.addOrder(storeId, "9001", { customerId: lapsed });
    const token = await h.token(SHOP, { sub: "gid://shopify/Customer/501" });
    const first = await h.questions({ target: "thank-you", orderId: "gid://shopify/Order/9001", locale: "it" }, token);
    expect(first.status).toBe(200);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await first.json()).toEqual({
      eligible: true,
      questionSet: "winback",
      questions: [
        expect.objectContaining({ id: "winback-reason", kind: "choice" }),
        expect.objectContaining({ id: "jtbd-job", kind: "choice" }),
        { id: "jtbd-comment", kind: "text", optional: true },
      ],
    });
    // A reload after one answer continues where the customer stopped, and is not a second impression.
    await h.answer({ target: "thank-you", orderId: "9001", questionId: "winback-reason", answerId: "discount" }, token);
    const reload = (await (await h.questions({ target: "thank-you", orderId: "9001" }, token)).json()) as {
      questions: { id: string }[];
    };
    expect(reload.questions.map((q) => q.id)).toEqual(["jtbd-job", "jtbd-comment"]);
    expect(
      await h.db.surveyImpression.findMany({ select: { orderExternalId: true, target: true, customerId: true } }),
    ).toEqual([{ orderExternalId: "9001", target: "thank-you", customerId: lapsed }]);

    // A first-time buyer gets the full Jobs-To-Be-Done set.
    const newcomer = await h.addCustomer(storeId, "502");
    await h.addOrder(storeId, "9002", { customerId: newcomer });
    const newcomerToken = await h.token(SHOP, { sub: "gid://shopify/Customer/502" });
    const fresh = (await (await h.questions({ target: "thank-you", orderId: "9002" }, newcomerToken)).json()) as {
      questionSet: string;
    };
    expect(fresh.questionSet).toBe("jtbd-new");
  });

  it("applies the cooldown and already-answered rules, and records no impression when not asking", async () => {
    const customerId = await h.addCustomer(storeId, "501", { segment: "loyal", stage: "repeat", clvMinor: 1n });
    await h.addOrder(storeId, "100", { customerId, processedAt: new Date(NOW.getTime() - 20 * DAY) });
    await h.addOrder(storeId, "9001", { customerId });
    const token = await h.token(SHOP, { sub: "gid://shopify/Customer/501" });
    await h.db.surveyResponse.create({
      data: {
        storeId,
        orderExternalId: "100",
        customerId,
        target: "thank-you",
        questionSet: "short-loyal",
        questionId: "jtbd-trigger",
        answerId: "gift",
        createdAt: new Date(NOW.getTime() - 10 * DAY),
      },
    });
    const cooled = await (await h.questions({ target: "thank-you", orderId: "9001" }, token)).json();
    expect(cooled).toEqual({ eligible: false, reason: "cooldown", questionSet: "", questions: [] });
    // The merchant shortened the cooldown to a week: asked again.
    await h.db.storeSettings.create({ data: { storeId, surveyCooldownDays: 7 } });
    h.deps.stores.forget();
    const asked = (await (await h.questions({ target: "thank-you", orderId: "9001" }, token)).json()) as {
      eligible: boolean;
    };
    expect(asked.eligible).toBe(true);
    // Every question of the set answered: nothing left.
    for (const [questionId, answerId] of [
      ["jtbd-trigger", "gift"],
      ["jtbd-barrier", "price"],
    ] as const) {
      await h.answer({ target: "thank-you", orderId: "9001", questionId, answerId }, token);
    }
    const done = (await (await h.questions({ target: "thank-you", orderId: "9001" }, token)).json()) as {
      reason: string;
    };
    expect(done.reason).toBe("already-answered");
    expect(await h.db.surveyImpression.count()).toBe(1);
  });

  it("asks NPS on the order-status page only once the order is fulfilled, with a customer-account token", async () => {
    // The order-status page is a signed-in customer's (customer accounts): their orders, their token.
    const customerId = await h.addCustomer(storeId, "601");
    await h.addOrder(storeId, "9001", { customerId, fulfillmentStatus: "UNFULFILLED" });
    await h.addOrder(storeId, "9002", { customerId, fulfillmentStatus: "FULFILLED" });
    await h.addOrder(storeId, "9003", { customerId, fulfillmentStatus: "FULFILLED", cancelled: true });
    const token = await h.token(SHOP, { sub: "gid://shopify/Customer/601" });
    const ask = async (orderId: string) =>
      (await (await h.questions({ target: "order-status", orderId, locale: "en" }, token)).json()) as {
        eligible: boolean;
        reason?: string;
        questions: { id: string; kind: string; optional: boolean }[];
      };
    expect((await ask("9001")).reason).toBe("not-delivered");
    expect((await ask("9003")).reason).toBe("order-cancelled");
    expect((await ask("5555")).reason).toBe("unknown-order");
    expect((await ask("9002")).questions).toEqual([
      { id: "nps", kind: "nps", optional: false },
      { id: "nps-reason", kind: "text", optional: true },
    ]);
    expect(await h.db.surveyImpression.findMany({ select: { orderExternalId: true, target: true } })).toEqual([
      { orderExternalId: "9002", target: "order-status" },
    ]);
    const res = await h.answer({ target: "order-status", orderId: "9002", questionId: "nps", score: 9 }, token);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    expect(await responses()).toMatchObject([
      { questionId: "nps", score: 9, target: "order-status", questionSet: "nps" },
    ]);
  });

  it("answers 400 to a bad questions query", async () => {
    const res = await h.questions({ target: "checkout", orderId: "abc" }, token);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        { field: "target", code: "unknown-target" },
        { field: "orderId", code: "invalid-order-id" },
      ],
    });
    expect(await h.db.surveyImpression.count()).toBe(0);
  });

  it("follows the merchant's edited question sets: questions no set asks are refused", async () => {
    const sets = [
      {
        id: "just-why",
        target: "thank-you",
        audience: {},
        questions: [{ questionId: "jtbd-trigger", optional: true }],
      },
      { id: "nps-only", target: "order-status", audience: {}, questions: [{ questionId: "nps", optional: false }] },
    ];
    const edited = (await h.installStore("edited-shop", { surveyQuestionSets: JSON.stringify(sets) })).id;
    const editedToken = await h.token("edited-shop");
    const served = (await (await h.questions({ target: "thank-you", orderId: "1" }, editedToken)).json()) as {
      questionSet: string;
      questions: { id: string }[];
    };
    expect(served.questionSet).toBe("just-why");
    expect(served.questions.map((q) => q.id)).toEqual(["jtbd-trigger"]);
    const refused = await h.answer(
      { target: "thank-you", orderId: "1", questionId: "attribution", answerId: "google" },
      editedToken,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ errors: [{ field: "questionId", code: "question-not-in-set" }] });
    expect(await h.db.surveyResponse.count({ where: { storeId: edited } })).toBe(0);
  });
});
