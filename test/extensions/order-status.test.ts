/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
import { describe, expect, it } from "vitest";
import type { SurveyQuestionsResponse } from "../../app/domain/surveys/api";
import {
  body,
  buttonLabelled,
  buttons,
  click,
  headingText,
  renderTarget,
  settle,
  surveyExtension,
  translatorFor,
  unmount,
} from "../support/extension-harness";

const TARGET = "customer-account.order-status.block.render";
const ORDER_ID = "gid://shopify/Order/1";
const { extension, renderWithBackend } = surveyExtension(TARGET);

const NPS: SurveyQuestionsResponse = {
  eligible: true,
  questionSet: "nps",
  questions: [
    { id: "nps", kind: "nps", optional: false },
    { id: "nps-reason", kind: "text", optional: true },
  ],
};

function order(fulfillmentStatus: string, shipments: (string | null)[], cancelledAt: string | null = null) {
  return {
    cancelledAt,
    fulfillmentStatus,
    fulfillments: {
      nodes: shipments.map((latestShipmentStatus) => ({ status: "SUCCESS", latestShipmentStatus, isPickedUp: false })),
    },
  };
}

describe("order-status NPS survey", () => {
  it("asks NPS 0-10 once the order was delivered, each score labelled for screen readers", async () => {
    const backend = await renderWithBackend({ questions: NPS, order: order("FULFILLED", ["DELIVERED"]) });

    const [deliveryCheck, questions] = backend.requests;
    expect(deliveryCheck!.url).toBe("shopify://customer-account/api/2026-07/graphql.json");
    expect(deliveryCheck!.body).toMatchObject({ variables: { id: ORDER_ID } });
    expect(deliveryCheck!.authorization).toBeNull(); // the host authenticates the Customer Account API
    expect(Object.fromEntries(new URL(questions!.url).searchParams)).toEqual({
      target: "order-status",
      orderId: ORDER_ID,
      locale: "en",
    });
    expect(questions!.authorization).toBe("Bearer mock-session-token");

    expect(headingText()).toBe("How likely are you to recommend us to a friend?");
    const scores = body().querySelectorAll("s-grid s-button");
    expect(scores.map((b) => b.textContent)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(scores[7]!.getAttribute("accessibilityLabel")).toBe("7 out of 10");
    expect(body().textContent).toContain("0 = not at all likely");
    // NPS is not optional inside the flow (no "Skip"), but the whole survey can always be closed.
    expect(buttonLabelled("Skip")).toBeNull();
    expect(buttonLabelled("No thanks")).not.toBeNull();
  });

  it("sends the score, then asks for the reason", async () => {
    const backend = await renderWithBackend({ questions: NPS, order: order("FULFILLED", ["DELIVERED"]) });
    click(buttonLabelled("9"));
    await settle();
    expect(backend.answers()).toEqual([{ target: "order-status", orderId: ORDER_ID, questionId: "nps", score: 9 }]);
    expect(headingText()).toBe("What is the main reason for your score?");
    expect(body().querySelector("s-text-area")).not.toBeNull();
  });

  it("shows nothing while the order is on its way, and does not ask the server", async () => {
    for (const state of [
      order("FULFILLED", ["IN_TRANSIT"]),
      order("UNFULFILLED", []),
      order("PARTIALLY_FULFILLED", [null]),
      order("FULFILLED", ["DELIVERED"], "2026-11-01T10:00:00Z"),
    ]) {
      const backend = await renderWithBackend({ questions: NPS, order: state });
      expect(body().childNodes).toHaveLength(0);
      expect(backend.appRequests()).toEqual([]);
      unmount();
    }
  });

  it("a fulfilled order without tracking (digital goods) is ready", async () => {
    await renderWithBackend({ questions: NPS, order: order("FULFILLED", [null]) });
    expect(headingText()).toBe("How likely are you to recommend us to a friend?");
  });

  it("without the customer_read_orders scope the delivery check is denied: no NPS, nothing shown, no error", async () => {
    const backend = await renderWithBackend({
      questions: NPS,
      order: order("FULFILLED", ["DELIVERED"]),
      scopes: ["read_orders", "read_customers"],
    });
    expect(body().childNodes).toHaveLength(0);
    expect(backend.appRequests()).toEqual([]);
  });

  it("shows nothing when the delivery check fails", async () => {
    extension.fetch = (async () => {
      throw new TypeError("offline");
    }) as typeof fetch;
    await renderTarget(TARGET);
    expect(body().childNodes).toHaveLength(0);
  });

  it("shows nothing when the server is in cooldown for this customer", async () => {
    await renderWithBackend({
      questions: { eligible: false, reason: "cooldown", questionSet: "", questions: [] },
      order: order("FULFILLED", ["DELIVERED"]),
    });
    expect(body().childNodes).toHaveLength(0);
  });

  it("speaks Italian", async () => {
    extension.shopify.i18n.translate = translatorFor("it") as never;
    extension.shopify.localization.extensionLanguage.value = { isoCode: "it" };
    await renderWithBackend({ questions: NPS, order: order("FULFILLED", ["DELIVERED"]) });
    expect(headingText()).toBe("Quanto è probabile che ci consiglieresti a un amico?");
    expect(body().querySelectorAll("s-grid s-button")[10]!.getAttribute("accessibilityLabel")).toBe("10 su 10");
    expect(buttons().map((b) => b.textContent)).toContain("No, grazie");
  });
});
