/// <reference types="@shopify/ui-extensions/purchase.thank-you.block.render" />
import { describe, expect, it, vi } from "vitest";
import type { SurveyQuestionsResponse } from "../../app/domain/surveys/api";
import { surveyFlagKey } from "../../extensions/checkout-survey/src/Survey";
import {
  body,
  buttonLabelled,
  buttons,
  click,
  headingText,
  json,
  renderTarget,
  settle,
  surveyExtension,
  TEST_APP_URL,
  translatorFor,
  typeInto,
  unmount,
} from "../support/extension-harness";

const TARGET = "purchase.thank-you.block.render";
const ORDER_ID = "gid://shopify/Order/1";
const { extension, renderWithBackend } = surveyExtension(TARGET);

const JTBD: SurveyQuestionsResponse = {
  eligible: true,
  questionSet: "jtbd-new",
  questions: [
    { id: "jtbd-trigger", kind: "choice", answers: [{ id: "gift" }, { id: "replacement" }], optional: true },
    { id: "attribution", kind: "choice", answers: [{ id: "instagram" }, { id: "friend" }], optional: true },
    { id: "jtbd-comment", kind: "text", optional: true },
  ],
};

describe("thank-you survey", () => {
  it("asks the first question with the session token and the order id, labels from the locale file", async () => {
    const backend = await renderWithBackend({ questions: JTBD });

    const [request] = backend.appRequests();
    const url = new URL(request!.url);
    expect(url.pathname).toBe("/api/survey/questions");
    expect(Object.fromEntries(url.searchParams)).toEqual({ target: "thank-you", orderId: ORDER_ID, locale: "en" });
    expect(request!.authorization).toBe("Bearer mock-session-token");

    expect(body().querySelector("s-section")?.getAttribute("heading")).toBe("Quick question");
    expect(headingText()).toBe("What made you decide to buy today?");
    expect(body().textContent).toContain("Question 1 of 3");
    expect(buttons().map((b) => b.textContent)).toEqual(["A gift", "Replacing something", "Skip", "No thanks"]);
    expect(buttonLabelled("Skip")?.getAttribute("accessibilityLabel")).toBe("Skip this question");
    expect(buttonLabelled("No thanks")?.getAttribute("accessibilityLabel")).toBe("Close the survey without answering");
  });

  it("sends one tap as one answer with the session token, then moves on", async () => {
    const backend = await renderWithBackend({ questions: JTBD });

    click(buttonLabelled("A gift"));
    click(buttonLabelled("A gift")); // a double tap
    await settle();

    expect(backend.answers()).toEqual([
      { target: "thank-you", orderId: ORDER_ID, questionId: "jtbd-trigger", answerId: "gift" },
    ]);
    const post = backend.appRequests().find((r) => r.method === "POST")!;
    expect(post.url).toBe(`${TEST_APP_URL}/api/survey/answers`);
    expect(post.authorization).toBe("Bearer mock-session-token");
    expect(headingText()).toBe("How did you hear about us?");
    expect(body().textContent).toContain("Question 2 of 3");
  });

  it("skips a question without sending anything, and sends free text", async () => {
    const backend = await renderWithBackend({ questions: JTBD });

    click(buttonLabelled("Skip"));
    await settle();
    expect(headingText()).toBe("How did you hear about us?");
    click(buttonLabelled("Skip"));
    await settle();
    expect(headingText()).toBe("Anything else you would like to tell us?");
    expect(backend.answers()).toEqual([]);

    const send = () => buttonLabelled("Send");
    expect(send()?.hasAttribute("disabled")).toBe(true);
    typeInto(body().querySelector("s-text-area"), "  Fast delivery  ");
    await settle();
    expect(body().querySelector("s-text-area")?.getAttribute("maxLength")).toBe("500");
    click(send());
    await settle();

    expect(backend.answers()).toEqual([
      { target: "thank-you", orderId: ORDER_ID, questionId: "jtbd-comment", text: "Fast delivery" },
    ]);
    expect(body().textContent).toBe("Thank you! Your answers help us improve.");
    expect(await extension.shopify.storage.read(surveyFlagKey("thank-you", ORDER_ID))).toBe("done");
  });

  it("a survey skipped to the end goes away without a thank-you", async () => {
    await renderWithBackend({ questions: JTBD });
    for (let i = 0; i < 3; i++) {
      click(buttonLabelled("Skip"));
      await settle();
    }
    expect(body().childNodes).toHaveLength(0);
  });

  it("'No thanks' hides the survey and it stays hidden on the next page load", async () => {
    const backend = await renderWithBackend({ questions: JTBD });
    click(buttonLabelled("No thanks"));
    await settle();
    expect(body().childNodes).toHaveLength(0);
    expect(await extension.shopify.storage.read(surveyFlagKey("thank-you", ORDER_ID))).toBe("dismissed");

    unmount();
    await renderTarget(TARGET);
    expect(body().childNodes).toHaveLength(0);
    expect(backend.appRequests()).toHaveLength(1); // the reload did not even ask the server
  });

  it("renders nothing when the server says the customer is not eligible (cooldown, already answered)", async () => {
    for (const reason of ["cooldown", "already-answered"] as const) {
      const backend = await renderWithBackend({
        questions: { eligible: false, reason, questionSet: "", questions: [] },
      });
      expect(body().childNodes).toHaveLength(0);
      expect(backend.answers()).toEqual([]);
      unmount();
    }
  });

  it("renders nothing for a malformed server reply", async () => {
    for (const reply of [
      { eligible: true, questions: "nope" },
      { eligible: true, questions: [{ id: 1, kind: "choice" }] },
    ]) {
      await renderWithBackend({ questions: () => json(reply) });
      expect(body().childNodes).toHaveLength(0);
      unmount();
    }
  });

  it("renders nothing without an order, and does not call the network", async () => {
    extension.shopify.orderConfirmation.value = undefined as never;
    const backend = await renderWithBackend({ questions: JTBD });
    expect(body().childNodes).toHaveLength(0);
    expect(backend.requests).toEqual([]);
  });

  it("a network failure retries once, then leaves the page untouched", async () => {
    const fetchMock = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    extension.fetch = fetchMock as unknown as typeof fetch;
    await expect(renderTarget(TARGET)).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 900)); // the retry delay
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(body().childNodes).toHaveLength(0);
  });

  it("a server that never answers times out: nothing is shown while waiting, nothing after", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const fetchMock = vi.fn(() => new Promise<Response>(() => {}));
    extension.fetch = fetchMock as unknown as typeof fetch;
    await renderTarget(TARGET);
    expect(body().childNodes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(6000 + 800 + 6000);
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(body().childNodes).toHaveLength(0);
  });

  it("an answer that fails twice hides the survey instead of thanking", async () => {
    const backend = await renderWithBackend({ questions: JTBD, answerReplies: [() => json({}, 503)] });
    click(buttonLabelled("A gift"));
    await new Promise((resolve) => setTimeout(resolve, 900));
    await settle();
    expect(backend.answers()).toHaveLength(2);
    expect(body().childNodes).toHaveLength(0);
    expect(body().textContent).not.toContain("Thank you");
  });

  it("a rejected answer (400) is not retried and hides the survey", async () => {
    const backend = await renderWithBackend({ questions: JTBD, answerReplies: [() => json({ errors: [] }, 400)] });
    click(buttonLabelled("A gift"));
    await settle();
    expect(backend.answers()).toHaveLength(1);
    expect(body().childNodes).toHaveLength(0);
  });

  it("retries after a 401 with a fresh session token, and carries on", async () => {
    let token = 0;
    extension.shopify.sessionToken.get = async () => `token-${++token}`;
    const backend = await renderWithBackend({
      questions: JTBD,
      answerReplies: [() => json({}, 401), () => json({ ok: true, duplicate: false })],
    });
    click(buttonLabelled("A gift"));
    await new Promise((resolve) => setTimeout(resolve, 900));
    await settle();
    const posts = backend.appRequests().filter((r) => r.method === "POST");
    expect(posts.map((p) => p.authorization)).toEqual(["Bearer token-2", "Bearer token-3"]);
    expect(headingText()).toBe("How did you hear about us?");
  });

  it("buttons are disabled while an answer is on its way", async () => {
    let release: (response: Response) => void = () => {};
    await renderWithBackend({
      questions: JTBD,
      answerReplies: [() => new Promise<Response>((resolve) => (release = resolve))],
    });
    click(buttonLabelled("A gift"));
    await settle();
    expect(buttonLabelled("Replacing something")?.hasAttribute("disabled")).toBe(true);
    release(json({ ok: true, duplicate: true }));
    await settle();
    expect(headingText()).toBe("How did you hear about us?");
  });

  it("speaks Italian when the customer's language is Italian", async () => {
    extension.shopify.i18n.translate = translatorFor("it") as never;
    extension.shopify.localization.extensionLanguage.value = { isoCode: "it" };
    const backend = await renderWithBackend({ questions: JTBD });

    expect(new URL(backend.appRequests()[0]!.url).searchParams.get("locale")).toBe("it");
    expect(body().querySelector("s-section")?.getAttribute("heading")).toBe("Una domanda veloce");
    expect(headingText()).toBe("Che cosa ti ha spinto ad acquistare oggi?");
    expect(buttons().map((b) => b.textContent)).toEqual(["Un regalo", "Sostituire qualcosa", "Salta", "No, grazie"]);
    expect(body().textContent).toContain("Domanda 1 di 3");
  });
});
