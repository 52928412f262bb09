/**
 * Survey answers from simulated customers of the demo store, submitted through the app's real endpoints with
 * session tokens signed as Shopify's checkout signs them. scripts/demo.ts calls it after the nightly recompute:
 *
 *   const result = await submitDemoSurveyResponses(app.url, SHOP, SECRET, 400, { databaseFile: DB_FILE });
 *
 * Each simulated customer opens the thank-you page of a recent order (GET /api/survey/questions, then answers
 * some of the questions served, skipping others), and customers whose order is fulfilled also answer NPS on the
 * order-status page. Answers lean on the customer's segment (champions recommend more than customers at risk)
 * so the admin's survey analytics have something to show. Repeatable for a given seed with `concurrency: 1`.
 */
import { createHmac, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type {
  QuestionKind,
  SurveyQuestionsResponse,
  SurveyQuestionWire,
  SurveyTarget,
} from "../app/domain/surveys/api";

export interface DemoSurveyOptions {
  /** The app's SQLite file, read only to pick real orders (default prisma/demo.sqlite). */
  databaseFile?: string;
  /** `aud` of the tokens (the app's client id); Shopify sets it, the app does not rely on it. */
  apiKey?: string;
  seed?: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

export interface DemoSurveyResult {
  customers: number;
  questionRequests: number;
  answersSent: number;
  answersStored: number;
  duplicates: number;
  refused: Record<number, number>;
}

/**
 * An HS256 JWT with the claims of a checkout / customer-account session token: `dest` the shop, `aud` the
 * app's client id, `sub` the logged-in customer's gid (omitted for guests), short expiry.
 */
export function signCheckoutSessionToken(
  shop: string,
  secret: string,
  options: { apiKey?: string; customerId?: string | null; now?: Date; ttlSeconds?: number } = {},
): string {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload: Record<string, unknown> = {
    dest: shop,
    aud: options.apiKey ?? "ciclo-demo-key",
    exp: now + (options.ttlSeconds ?? 300),
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    ...(options.customerId ? { sub: `gid://shopify/Customer/${options.customerId}` } : {}),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

interface DemoOrder {
  orderId: string;
  customerId: string | null;
  segment: string | null;
  fulfilled: boolean;
}

/** A small deterministic generator (mulberry32), so a demo run is repeatable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PHONE_USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";
const HAPPY_SEGMENTS = new Set(["champions", "loyal", "active"]);
const UNHAPPY_SEGMENTS = new Set(["at-risk", "almost-lost", "dormant", "previously-loyal"]);
const REASONS = {
  high: ["Great quality and it arrived quickly.", "Ottimo servizio, lo consiglio!", "Exactly as described."],
  mid: ["Good product, shipping was a bit slow.", "Fine, but a little expensive."],
  low: ["The parcel arrived late and damaged.", "Il prodotto non corrisponde alla descrizione."],
};

function pickRecentOrders(databaseFile: string, n: number): DemoOrder[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT o."externalId" AS orderId, c."externalId" AS customerId, s."segment" AS segment,
                o."fulfillmentStatus" AS fulfillmentStatus
           FROM "Order" o
           LEFT JOIN "Customer" c ON c."id" = o."customerId"
           LEFT JOIN "CustomerScore" s ON s."customerId" = o."customerId"
          WHERE o."cancelled" = 0 AND o."deletedAt" IS NULL
          ORDER BY o."processedAt" DESC
          LIMIT ?`,
      )
      .all(n * 4) as {
      orderId: string;
      customerId: string | null;
      segment: string | null;
      fulfillmentStatus: string | null;
    }[];
    // One order per customer: a customer answers once, as the cooldown would have it.
    const seen = new Set<string>();
    const orders: DemoOrder[] = [];
    for (const row of rows) {
      const key = row.customerId ?? `guest:${row.orderId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      orders.push({
        orderId: row.orderId,
        customerId: row.customerId,
        segment: row.segment,
        fulfilled: (row.fulfillmentStatus ?? "").toUpperCase() === "FULFILLED",
      });
      if (orders.length === n) break;
    }
    return orders;
  } finally {
    db.close();
  }
}

export async function submitDemoSurveyResponses(
  appUrl: string,
  shop: string,
  secret: string,
  n: number,
  options: DemoSurveyOptions = {},
): Promise<DemoSurveyResult> {
  const databaseFile = options.databaseFile ?? new URL("../prisma/demo.sqlite", import.meta.url).pathname;
  const rand = random(options.seed ?? 7);
  const orders = pickRecentOrders(databaseFile, n);
  const result: DemoSurveyResult = {
    customers: orders.length,
    questionRequests: 0,
    answersSent: 0,
    answersStored: 0,
    duplicates: 0,
    refused: {},
  };
  const tokenFor = (order: DemoOrder) =>
    signCheckoutSessionToken(shop, secret, { apiKey: options.apiKey, customerId: order.customerId });

  /** One request, honouring 429 Retry-After as the extension's retry would (a few times at most). */
  async function send(path: string, order: DemoOrder, body?: unknown): Promise<Response | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await fetch(appUrl + path, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          Authorization: `Bearer ${tokenFor(order)}`,
          Origin: "https://extensions.shopifycdn.com",
          // The customer's phone; the library turns away self-identified bots (Node's fetch says "node") with 410.
          "User-Agent": PHONE_USER_AGENT,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status !== 429) return response;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("Retry-After") ?? "1") * 1000));
    }
    return null;
  }

  // How a demo customer answers each kind of question (keyed by kind, so a new kind must say).
  const ANSWER_BY_KIND: Record<
    QuestionKind,
    (question: SurveyQuestionWire, segment: string) => Record<string, unknown> | null
  > = {
    choice: (question) => {
      const answers = question.answers ?? [];
      return answers.length ? { answerId: answers[Math.floor(rand() * answers.length)]!.id } : null;
    },
    nps: (_question, segment) => {
      const base = HAPPY_SEGMENTS.has(segment) ? 8.6 : UNHAPPY_SEGMENTS.has(segment) ? 5.8 : 7.6;
      return { score: Math.max(0, Math.min(10, Math.round(base + (rand() - 0.5) * 5))) };
    },
    text: (_question, segment) => {
      // Free text: most customers skip it.
      if (rand() > 0.3) return null;
      const pool = HAPPY_SEGMENTS.has(segment)
        ? REASONS.high
        : UNHAPPY_SEGMENTS.has(segment)
          ? REASONS.low
          : REASONS.mid;
      return { text: pool[Math.floor(rand() * pool.length)]! };
    },
  };

  function answerFor(question: SurveyQuestionWire, order: DemoOrder): Record<string, unknown> | null {
    return ANSWER_BY_KIND[question.kind](question, order.segment ?? "");
  }

  async function survey(order: DemoOrder, target: SurveyTarget): Promise<void> {
    const query = `?target=${target}&orderId=${encodeURIComponent(`gid://shopify/Order/${order.orderId}`)}&locale=en`;
    const response = await send(`/api/survey/questions${query}`, order);
    result.questionRequests++;
    if (!response || response.status !== 200) {
      if (response) result.refused[response.status] = (result.refused[response.status] ?? 0) + 1;
      return;
    }
    const served = (await response.json()) as SurveyQuestionsResponse;
    if (!served.eligible) return;
    for (const question of served.questions) {
      if (question.optional && rand() < 0.15) continue; // skipped
      const value = answerFor(question, order);
      if (!value) continue;
      const answer = await send("/api/survey/answers", order, {
        target,
        orderId: `gid://shopify/Order/${order.orderId}`,
        questionId: question.id,
        ...value,
      });
      result.answersSent++;
      if (answer?.status === 200) {
        const body = (await answer.json()) as { duplicate: boolean };
        if (body.duplicate) result.duplicates++;
        else result.answersStored++;
      } else if (answer) {
        result.refused[answer.status] = (result.refused[answer.status] ?? 0) + 1;
        await answer.body?.cancel();
      }
    }
  }

  let next = 0;
  const workers = Array.from({ length: options.concurrency ?? 4 }, async () => {
    while (next < orders.length) {
      const order = orders[next++]!;
      // About half the customers answer after paying; those whose order arrived are asked for NPS too.
      if (rand() < 0.5) await survey(order, "thank-you");
      if (order.fulfilled && rand() < 0.6) await survey(order, "order-status");
    }
  });
  await Promise.all(workers);
  return result;
}
