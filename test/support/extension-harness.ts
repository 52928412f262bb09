/**
 * Helpers for rendering the survey extension under @shopify/ui-extensions-tester: the tester supplies the
 * `shopify` global, `fetch` and storage mocks; these add a DOM, real translations, a fake Ciclo backend and
 * user actions.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, vi } from "vitest";
import type { SurveyAnswerRequest, SurveyQuestionsResponse } from "../../app/domain/surveys/api";
import {
  accessDeniedErrors,
  accessNotes,
  appTomlScopes,
  typeScopesNeeded,
} from "../../simulators/shopify/required-access";
import { installTestDocument, TestEvent, type TestElement } from "./minimal-dom";

export const EXTENSION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../extensions/checkout-survey");
/** The app URL the targets read at build time (`process.env.CICLO_APP_URL`, see app-url.ts); Vite reads it at import. */
export const TEST_APP_URL = "https://ciclo.test";
process.env.CICLO_APP_URL ??= TEST_APP_URL;

installTestDocument();

export const body = () => (globalThis as unknown as { document: { body: TestElement } }).document.body;

/**
 * Imports the module shopify.extension.toml names for the target and runs its default export, like the
 * tester's `extension.render()`. Importing from the test side lets Vite compile the .tsx without
 * `server.deps.inline` for the tester (see docs/decisions/036).
 */
export async function renderTarget(target: string): Promise<void> {
  const toml = readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8");
  const block = toml.split("[[extensions.targeting]]").find((b) => b.includes(`target = "${target}"`));
  const module = block && /module\s*=\s*"([^"]+)"/.exec(block)?.[1];
  if (!module) throw new Error(`no module for ${target} in shopify.extension.toml`);
  const { default: run } = (await import(/* @vite-ignore */ join(EXTENSION_DIR, module))) as {
    default: () => Promise<void>;
  };
  await run();
  await settle();
}

/** Unmounts whatever Preact rendered into the body (before the tester's tearDown clears the DOM). */
export function unmount() {
  render(null, body() as unknown as Element);
}

/** Lets pending promises, fetch mocks and Preact's re-render queue run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

type Translations = { [key: string]: string | Translations };

/** shopify.i18n.translate over a real locale file: dotted keys, `{{name}}` replacements. */
export function translatorFor(locale: "en.default" | "it") {
  const translations = JSON.parse(
    readFileSync(join(EXTENSION_DIR, "locales", `${locale}.json`), "utf8"),
  ) as Translations;
  return (key: string, replacements: Record<string, string | number> = {}): string => {
    let node: string | Translations | undefined = translations;
    for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
    if (typeof node !== "string") throw new Error(`missing translation ${locale}: ${key}`);
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(replacements[name]));
  };
}

export function click(element: TestElement | null) {
  if (!element) throw new Error("nothing to click");
  element.dispatchEvent(new TestEvent("click"));
}

export function typeInto(element: TestElement | null, text: string) {
  if (!element) throw new Error("nothing to type into");
  (element as unknown as { value: string }).value = text;
  element.dispatchEvent(new TestEvent("input"));
}

export const buttons = () => body().querySelectorAll("s-button");
export const buttonLabelled = (text: string) => buttons().find((b) => b.textContent === text) ?? null;
export const headingText = () => body().querySelector("s-heading")?.textContent ?? null;

export interface RecordedRequest {
  url: string;
  method: string;
  authorization: string | null;
  body: unknown;
}

export interface FakeBackend {
  fetch: typeof fetch;
  requests: RecordedRequest[];
  appRequests(): RecordedRequest[];
  answers(): SurveyAnswerRequest[];
}

type Reply = Response | Promise<Response> | (() => Response | Promise<Response>);

export interface FakeBackendOptions {
  questions?: SurveyQuestionsResponse | Reply;
  /** Replies to POST /api/survey/answers, in order; the last one repeats. Default 200 ok. */
  answerReplies?: Reply[];
  /** Customer Account API order data for the order-status target. */
  order?: unknown;
  /** The app's granted scopes (default: what shopify.app.toml asks for). */
  scopes?: string[];
}

export const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), { status, headers: { "Content-Type": "application/json" } });

/** A fake of Ciclo's survey endpoints (and the Customer Account API) that records every request. */
export function fakeBackend(options: FakeBackendOptions): FakeBackend {
  const requests: RecordedRequest[] = [];
  let answerIndex = 0;
  const reply = (value: Reply) => (typeof value === "function" ? value() : value);
  const fetchMock = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : null;
    requests.push({ url, method: init.method ?? "GET", authorization: headers.get("Authorization"), body });
    if (url.startsWith("shopify://customer-account/")) {
      // The Customer Account API grants what shopify.app.toml asks for; a type outside it is ACCESS_DENIED.
      const query = (body as { query?: string } | null)?.query ?? "";
      const denied = accessDeniedErrors(
        typeScopesNeeded(accessNotes("customer"), query),
        options.scopes ?? appTomlScopes(),
      );
      if (denied.length) return json({ errors: denied, data: { order: null } });
      return json({ data: { order: options.order ?? null } });
    }
    if (url.includes("/api/survey/questions")) {
      const questions = options.questions;
      if (questions === undefined) return json({ eligible: false, questionSet: "", questions: [] });
      return questions instanceof Response || typeof questions === "function" || questions instanceof Promise
        ? reply(questions)
        : json(questions);
    }
    if (url.includes("/api/survey/answers")) {
      const replies = options.answerReplies ?? [];
      const next = replies[Math.min(answerIndex++, replies.length - 1)];
      return next === undefined ? json({ ok: true, duplicate: false }) : reply(next);
    }
    return json({}, 404);
  });
  return {
    fetch: fetchMock as unknown as typeof fetch,
    requests,
    appRequests: () => requests.filter((r) => r.url.startsWith("http")),
    answers: () =>
      requests.filter((r) => r.url.includes("/api/survey/answers")).map((r) => r.body as SurveyAnswerRequest),
  };
}

type SurveyTarget = "purchase.thank-you.block.render" | "customer-account.order-status.block.render";

/**
 * The tester's harness for one survey target, set up before each test with the English locale file and torn
 * down after it (Preact's tree unmounted first, real timers restored last); `renderWithBackend` renders the
 * target against a fakeBackend and returns the backend for the test to inspect.
 */
export function surveyExtension<T extends SurveyTarget>(target: T) {
  const extension = getExtension(target, { configSearchDir: EXTENSION_DIR });
  beforeEach(() => {
    extension.setUp();
    // Both survey targets have i18n; TypeScript cannot see that through the generic target.
    (extension.shopify as unknown as { i18n: { translate: unknown } }).i18n.translate = translatorFor("en.default");
  });
  afterEach(() => {
    unmount();
    extension.tearDown();
    vi.useRealTimers(); // in case the test faked them
  });
  async function renderWithBackend(options: FakeBackendOptions): Promise<FakeBackend> {
    const backend = fakeBackend(options);
    extension.fetch = backend.fetch;
    await renderTarget(target);
    return backend;
  }
  return { extension, renderWithBackend };
}
