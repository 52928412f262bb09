/**
 * A local WooCommerce store speaking REST API v3 over http and https (one store, two listeners, like the
 * peer's 8080/8443), plus the `/wc-auth/v1/authorize` key exchange with a simulated merchant decision.
 * Built from WooCommerce 10.0.2's source and checked against the real store (test/live/woocommerce.live.ts).
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { authenticate, type RestError } from "./auth";
import { dateParam, enumParam, intParam, invalidParam, isRestError } from "./rest-params";
import { ORDER_STATUSES, SimStore, type SimApiKey, type SimOrder, type SimUser } from "./store";
import { post, WebhookDispatcher } from "./webhooks";
import { phpJsonEncode } from "./php-json";

const TLS_DIR = new URL("./tls/", import.meta.url);
export const SIMULATOR_CA = readFileSync(new URL("cert.pem", TLS_DIR));
const TLS_KEY = readFileSync(new URL("key.pem", TLS_DIR));

export interface WooSimulatorOptions {
  /** Added before answering: WooCommerce-like latency is ~145 ms for GET and ~580 ms for writes. */
  latency?: { readMs: number; writeMs: number };
  /** Delay before a queued webhook delivery runs. Default 50 ms. */
  deliveryDelayMs?: number;
  /** Honour X-Forwarded-Proto: https as SSL (the peer's wp-config does). Default true. */
  trustForwardedProto?: boolean;
  currency?: string;
}

export interface WooSimulator {
  store: SimStore;
  dispatcher: WebhookDispatcher;
  httpUrl: string;
  httpsUrl: string;
  /** CA to trust for httpsUrl. */
  ca: Buffer;
  /** A read_write key owned by the admin, created at start. */
  adminKey: SimApiKey;
  /** REST requests answered so far (auth failures included). */
  requests: { method: string; path: string; status: number }[];
  /** The next `count` REST requests answer `status` (e.g. 429, 503) before doing anything. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** What the simulated merchant answers on the authorize screen. */
  merchant: { decision: "approve" | "deny" };
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  key: SimApiKey | null;
  user: SimUser | null;
}
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const REST_PREFIX = "/wp-json/wc/v3/";

export async function startWooSimulator(options: WooSimulatorOptions = {}): Promise<WooSimulator> {
  const store = new SimStore({ currency: options.currency ?? "USD" });
  const dispatcher = new WebhookDispatcher(store, { deliveryDelayMs: options.deliveryDelayMs ?? 50, ca: SIMULATOR_CA });
  const adminKey = store.createApiKey(1, "read_write", "simulator admin");
  const requests: WooSimulator["requests"] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  const merchant: WooSimulator["merchant"] = { decision: "approve" };

  const handler = (ssl: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res, ssl).catch((error: unknown) => {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ code: "internal_server_error", message: String(error) }));
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, listenerSsl: boolean): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    const raw = await readBody(req);
    const method = (req.method ?? "GET").toUpperCase();
    const write = method !== "GET" && method !== "HEAD";
    if (options.latency) await sleep(write ? options.latency.writeMs : options.latency.readMs);
    if (url.pathname.replace(/\/+$/, "") === "/wc-auth/v1/authorize")
      return void send(res, await authorize(url.searchParams));
    if (!url.pathname.startsWith(REST_PREFIX))
      return void send(
        res,
        restError({
          status: 404,
          code: "rest_no_route",
          message: "No route was found matching the URL and request method.",
        }),
      );

    const injected = failures.shift();
    if (injected) {
      const headers: Record<string, string> =
        injected.retryAfter !== undefined ? { "Retry-After": String(injected.retryAfter) } : {};
      requests.push({ method, path: url.pathname, status: injected.status });
      return void send(res, {
        ...restError({ status: injected.status, code: "simulated_failure", message: "Simulated failure." }),
        headers,
      });
    }
    const contentType = String(req.headers["content-type"] ?? "");
    const formBody = contentType.includes("application/x-www-form-urlencoded") ? new URLSearchParams(raw) : null;
    let body: unknown = null;
    if (contentType.includes("json") && raw.trim() !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        return void send(
          res,
          restError({ status: 400, code: "rest_invalid_json", message: "Invalid JSON body passed." }),
        );
      }
    }
    const ssl = listenerSsl || ((options.trustForwardedProto ?? true) && req.headers["x-forwarded-proto"] === "https");
    const auth = authenticate(
      store,
      { method, path: url.pathname, query: url.searchParams, headers: req.headers, formBody },
      ssl,
    );
    let reply: Reply;
    if ("error" in auth) reply = restError(auth.error);
    else {
      const user = auth.key ? (store.users.get(auth.key.userId) ?? null) : null;
      reply = await route({
        method,
        path: url.pathname.slice(REST_PREFIX.length).replace(/\/+$/, ""),
        query: url.searchParams,
        body,
        key: auth.key,
        user,
      });
    }
    requests.push({ method, path: url.pathname, status: reply.status });
    send(res, reply);
  }

  function route(ctx: Ctx): Reply | Promise<Reply> {
    const parts = ctx.path.split("/");
    const [resource, second, third] = parts;
    const numeric = second !== undefined && /^\d+$/.test(second) ? Number(second) : null;
    if (resource === "orders") {
      if (parts.length === 1)
        return ctx.method === "GET" ? listOrders(ctx) : ctx.method === "POST" ? createOrder(ctx) : noRoute();
      if (second === "batch" && ctx.method === "POST") return batchOrders(ctx);
      if (numeric !== null && parts.length === 2) return singleOrder(ctx, numeric);
      if (numeric !== null && third === "refunds" && parts.length === 3) return refunds(ctx, numeric);
    }
    if (resource === "customers") {
      if (parts.length === 1)
        return ctx.method === "GET" ? listCustomers(ctx) : ctx.method === "POST" ? createCustomer(ctx) : noRoute();
      if (second === "batch" && ctx.method === "POST") return batchCustomers(ctx);
      if (numeric !== null && parts.length === 2) return singleCustomer(ctx, numeric);
    }
    if (resource === "webhooks") {
      if (parts.length === 1)
        return ctx.method === "GET" ? listWebhooks(ctx) : ctx.method === "POST" ? createWebhook(ctx) : noRoute();
      if (numeric !== null && parts.length === 2) return singleWebhook(ctx, numeric);
    }
    return noRoute();
  }

  // ---------------------------------------------------------------- permissions

  /** wc_rest_check_post_permissions / manager permissions: shop staff only; 401 anonymous, 403 logged in. */
  function denied(ctx: Ctx, action: "list" | "view" | "create" | "edit" | "delete" | "batch"): Reply | null {
    const staff = ctx.user && (ctx.user.role === "administrator" || ctx.user.role === "shop_manager");
    if (staff) return null;
    const messages = {
      list: ["woocommerce_rest_cannot_view", "Sorry, you cannot list resources."],
      view: ["woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."],
      create: ["woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."],
      edit: ["woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."],
      delete: ["woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."],
      batch: ["woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."],
    } as const;
    const [code, message] = messages[action];
    return restError({ status: ctx.user ? 403 : 401, code, message });
  }

  // ---------------------------------------------------------------- orders

  function listOrders(ctx: Ctx): Reply {
    const no = denied(ctx, "list");
    if (no) return no;
    const q = ctx.query;
    const perPage = intParam(q, "per_page", 10, 1, 100);
    const page = intParam(q, "page", 1, 1);
    const offset = intParam(q, "offset", 0, 0);
    const order = enumParam(q, "order", "desc", ["asc", "desc"]);
    const orderby = enumParam(q, "orderby", "date", ["date", "id", "include", "title", "slug", "modified"]);
    const modifiedAfter = dateParam(q, "modified_after");
    const modifiedBefore = dateParam(q, "modified_before");
    const after = dateParam(q, "after");
    const before = dateParam(q, "before");
    for (const v of [perPage, page, offset, order, orderby, modifiedAfter, modifiedBefore, after, before])
      if (isRestError(v)) return restError(v);
    const statuses = (q.get("status") ?? "any").split(",").filter(Boolean);
    for (const s of statuses)
      if (!["any", "trash", ...ORDER_STATUSES].includes(s))
        return restError(invalidParam("status", `status[0] is not one of any, trash, ${ORDER_STATUSES.join(", ")}.`));
    const customer = q.get("customer");
    let rows = [...store.orders.values()].filter((o) =>
      statuses.includes("any") ? o.status !== "trash" : statuses.includes(o.status),
    );
    if (customer !== null) rows = rows.filter((o) => String(o.customerId) === customer);
    if (modifiedAfter !== null) rows = rows.filter((o) => o.modifiedAt > (modifiedAfter as number));
    if (modifiedBefore !== null) rows = rows.filter((o) => o.modifiedAt < (modifiedBefore as number));
    if (after !== null) rows = rows.filter((o) => o.createdAt > (after as number));
    if (before !== null) rows = rows.filter((o) => o.createdAt < (before as number));
    const keyOf = (o: SimOrder): [number, number] =>
      orderby === "modified" ? [o.modifiedAt, o.id] : orderby === "date" ? [o.createdAt, o.id] : [o.id, 0];
    const dir = order === "asc" ? 1 : -1;
    rows.sort((a, b) => {
      const [a1, a2] = keyOf(a);
      const [b1, b2] = keyOf(b);
      return dir * (a1 - b1 || a2 - b2);
    });
    return paginated(
      ctx,
      rows.map((o) => store.orderDocument(o)),
      perPage as number,
      page as number,
      q.has("offset") ? (offset as number) : null,
    );
  }

  function createOrder(ctx: Ctx): Reply {
    const no = denied(ctx, "create");
    if (no) return no;
    const input = (ctx.body ?? {}) as Json;
    const problem = orderInputProblem(input);
    if (problem) return restError(problem);
    const order = store.createOrder(input as Parameters<SimStore["createOrder"]>[0]);
    return { status: 201, body: store.orderDocument(order) };
  }

  function orderInputProblem(input: Json): RestError | null {
    if (input["status"] !== undefined && !ORDER_STATUSES.includes(input["status"] as (typeof ORDER_STATUSES)[number]))
      return invalidParam("status", `status is not one of ${ORDER_STATUSES.join(", ")}.`);
    const billing = input["billing"] as Json | undefined;
    const email = billing?.["email"];
    if (typeof email === "string" && email !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      return { ...invalidParam("billing", "Invalid email address.") };
    return null;
  }

  function singleOrder(ctx: Ctx, id: number): Reply {
    const order = store.orders.get(id);
    const invalid = restError({ status: 404, code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." });
    if (ctx.method === "GET")
      return denied(ctx, "view") ?? (order ? { status: 200, body: store.orderDocument(order) } : invalid);
    if (ctx.method === "PUT" || ctx.method === "POST" || ctx.method === "PATCH") {
      const no = denied(ctx, "edit");
      if (no) return no;
      if (!order)
        return restError({ status: 400, code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." });
      const problem = orderInputProblem((ctx.body ?? {}) as Json);
      if (problem) return restError(problem);
      store.updateOrder(id, (ctx.body ?? {}) as Parameters<SimStore["updateOrder"]>[1]);
      return { status: 200, body: store.orderDocument(order) };
    }
    if (ctx.method === "DELETE") {
      const no = denied(ctx, "delete");
      if (no) return no;
      if (!order) return invalid;
      const before = store.orderDocument(order); // the response shows the order as it was
      if (ctx.query.get("force") === "true" || ctx.query.get("force") === "1") store.deleteOrder(id);
      else store.trashOrder(id);
      return { status: 200, body: before };
    }
    return noRoute();
  }

  function refunds(ctx: Ctx, orderId: number): Reply {
    const order = store.orders.get(orderId);
    if (ctx.method === "GET") {
      const no = denied(ctx, "list");
      if (no) return no;
      if (!order)
        return restError({ status: 404, code: "woocommerce_rest_invalid_order_id", message: "Invalid order ID." });
      return paginated(
        ctx,
        order.refunds.map((r) => store.refundDocument(order, r)),
        10,
        1,
        null,
        Number(ctx.query.get("per_page") ?? 10),
      );
    }
    if (ctx.method === "POST") {
      const no = denied(ctx, "create");
      if (no) return no;
      if (!order)
        return restError({ status: 404, code: "woocommerce_rest_invalid_order_id", message: "Invalid order ID." });
      const input = (ctx.body ?? {}) as Json;
      const refund = store.createRefund(orderId, String(input["amount"] ?? ""), String(input["reason"] ?? ""));
      if ("error" in refund)
        return restError({ status: 500, code: "woocommerce_rest_cannot_create_order_refund", message: refund.error });
      return { status: 201, body: store.refundDocument(order, refund) };
    }
    return noRoute();
  }

  function batchOrders(ctx: Ctx): Reply {
    const invalidId = (id: unknown, status: number) =>
      batchItemError(id, { status, code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." });
    return batch(ctx, {
      create(c) {
        const problem = orderInputProblem(c);
        return problem
          ? batchItemError(0, problem)
          : store.orderDocument(store.createOrder(c as Parameters<SimStore["createOrder"]>[0]));
      },
      update(u) {
        const id = Number(u["id"]);
        const order = store.updateOrder(id, u as Parameters<SimStore["updateOrder"]>[1]);
        return order ? store.orderDocument(order) : invalidId(id, 400);
      },
      delete(id) {
        const order = store.orders.get(Number(id));
        if (!order) return invalidId(id, 404);
        const before = store.orderDocument(order);
        store.trashOrder(order.id);
        return before;
      },
    });
  }

  // ---------------------------------------------------------------- customers

  function listCustomers(ctx: Ctx): Reply {
    const no = denied(ctx, "list");
    if (no) return no;
    const q = ctx.query;
    const perPage = intParam(q, "per_page", 10, 1, 100);
    const page = intParam(q, "page", 1, 1);
    const offset = intParam(q, "offset", 0, 0);
    const order = enumParam(q, "order", "asc", ["asc", "desc"]);
    const orderby = enumParam(q, "orderby", "name", ["id", "include", "name", "registered_date"]);
    const role = enumParam(q, "role", "customer", [
      "all",
      "administrator",
      "editor",
      "author",
      "contributor",
      "subscriber",
      "customer",
      "shop_manager",
    ]);
    for (const v of [perPage, page, offset, order, orderby, role]) if (isRestError(v)) return restError(v);
    let rows = [...store.users.values()].filter((u) => role === "all" || u.role === role);
    const email = q.get("email");
    if (email) rows = rows.filter((u) => u.email.toLowerCase() === email.toLowerCase());
    const name = (u: SimUser) => `${u.firstName} ${u.lastName}`.trim() || u.username;
    rows.sort((a, b) => {
      const cmp =
        orderby === "name"
          ? name(a).localeCompare(name(b))
          : orderby === "registered_date"
            ? a.createdAt - b.createdAt
            : a.id - b.id;
      return (order === "asc" ? 1 : -1) * cmp;
    });
    const admin = ctx.user?.role === "administrator";
    return paginated(
      ctx,
      rows.map((u) => store.customerDocument(u, admin)),
      perPage as number,
      page as number,
      q.has("offset") ? (offset as number) : null,
    );
  }

  function createCustomer(ctx: Ctx): Reply {
    const no = denied(ctx, "create");
    if (no) return no;
    const input = (ctx.body ?? {}) as Json;
    const email = input["email"];
    if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(email))
      return restError(invalidParam("email", "Invalid email address."));
    if ([...store.users.values()].some((u) => u.email.toLowerCase() === email.toLowerCase()))
      return restError({
        status: 400,
        code: "registration-error-email-exists",
        message: "An account is already registered with your email address.",
      });
    const user = store.createCustomer(input as Parameters<SimStore["createCustomer"]>[0]);
    return { status: 201, body: store.customerDocument(user, ctx.user?.role === "administrator") };
  }

  function singleCustomer(ctx: Ctx, id: number): Reply {
    const user = store.users.get(id);
    const invalid = restError({ status: 404, code: "woocommerce_rest_invalid_id", message: "Invalid resource ID." });
    const admin = ctx.user?.role === "administrator";
    if (ctx.method === "GET")
      return denied(ctx, "view") ?? (user ? { status: 200, body: store.customerDocument(user, admin) } : invalid);
    if (ctx.method === "PUT" || ctx.method === "POST" || ctx.method === "PATCH") {
      const no = denied(ctx, "edit");
      if (no) return no;
      if (!user)
        return restError({ status: 400, code: "woocommerce_rest_invalid_id", message: "Invalid resource ID." });
      store.updateCustomer(id, (ctx.body ?? {}) as Parameters<SimStore["updateCustomer"]>[1]);
      return { status: 200, body: store.customerDocument(user, admin) };
    }
    if (ctx.method === "DELETE") {
      const no = denied(ctx, "delete");
      if (no) return no;
      if (!(ctx.query.get("force") === "true" || ctx.query.get("force") === "1"))
        return restError({
          status: 501,
          code: "woocommerce_rest_trash_not_supported",
          message: "Customers do not support trashing.",
        });
      if (!user) return invalid;
      const before = store.customerDocument(user, admin);
      store.deleteCustomer(id);
      return { status: 200, body: before };
    }
    return noRoute();
  }

  function batchCustomers(ctx: Ctx): Reply {
    const admin = ctx.user?.role === "administrator";
    const invalidId = (id: unknown, status: number) =>
      batchItemError(id, { status, code: "woocommerce_rest_invalid_id", message: "Invalid resource ID." });
    return batch(ctx, {
      create: (c) =>
        store.customerDocument(store.createCustomer(c as Parameters<SimStore["createCustomer"]>[0]), admin),
      update(u) {
        const id = Number(u["id"]);
        const user = store.updateCustomer(id, u as Parameters<SimStore["updateCustomer"]>[1]);
        return user ? store.customerDocument(user, admin) : invalidId(id, 400);
      },
      delete(id) {
        const user = store.users.get(Number(id));
        if (!user) return invalidId(id, 404);
        const before = store.customerDocument(user, admin);
        store.deleteCustomer(user.id);
        return before;
      },
    });
  }

  // ---------------------------------------------------------------- batch

  /**
   * WC_REST_Controller::batch_items: staff only, at most 100 items in all, then create, update and delete in
   * that order, each item answered on its own (a failing item is an `{ id, error }` entry, not a failed request).
   */
  function batch(
    ctx: Ctx,
    handlers: { create(item: Json): unknown; update(item: Json): unknown; delete(id: number): unknown },
  ): Reply {
    const no = denied(ctx, "batch");
    if (no) return no;
    const input = (ctx.body ?? {}) as { create?: Json[]; update?: Json[]; delete?: number[] };
    const tooMany = batchLimit(input);
    if (tooMany) return tooMany;
    const out: Json = {};
    if (input.create) out["create"] = input.create.map((item) => handlers.create(item));
    if (input.update) out["update"] = input.update.map((item) => handlers.update(item));
    if (input.delete) out["delete"] = input.delete.map((id) => handlers.delete(id));
    return { status: 200, body: out };
  }

  function batchLimit(input: { create?: unknown[]; update?: unknown[]; delete?: unknown[] }): Reply | null {
    const total = (input.create?.length ?? 0) + (input.update?.length ?? 0) + (input.delete?.length ?? 0);
    return total > 100
      ? restError({
          status: 413,
          code: "woocommerce_rest_request_entity_too_large",
          message: "Unable to accept more than 100 items for this request.",
        })
      : null;
  }

  // ---------------------------------------------------------------- webhooks

  function listWebhooks(ctx: Ctx): Reply {
    const no = denied(ctx, "list");
    if (no) return no;
    const perPage = intParam(ctx.query, "per_page", 10, 1, 100);
    const page = intParam(ctx.query, "page", 1, 1);
    const status = enumParam(ctx.query, "status", "all", ["all", "active", "paused", "disabled"]);
    for (const v of [perPage, page, status]) if (isRestError(v)) return restError(v);
    const rows = [...store.webhooks.values()]
      .filter((w) => status === "all" || w.status === status)
      .sort((a, b) => b.id - a.id);
    return paginated(
      ctx,
      rows.map((w) => store.webhookDocument(w)),
      perPage as number,
      page as number,
      null,
    );
  }

  async function createWebhook(ctx: Ctx): Promise<Reply> {
    const no = denied(ctx, "create");
    if (no) return no;
    const input = (ctx.body ?? {}) as Json;
    const topic = String(input["topic"] ?? "").toLowerCase();
    if (!/^(order|customer|product|coupon)\.(created|updated|deleted|restored)$/.test(topic))
      return restError({
        status: 400,
        code: "woocommerce_rest_webhook_invalid_topic",
        message: "Webhook topic is required and must be valid.",
      });
    const deliveryUrl = String(input["delivery_url"] ?? "");
    if (!/^https?:\/\/\S+$/.test(deliveryUrl))
      return restError({
        status: 400,
        code: "woocommerce_rest_webhook_invalid_delivery_url",
        message: "Webhook delivery URL must be a valid URL starting with http:// or https://.",
      });
    const webhook = store.createWebhook(
      { ...(input as { name?: string; secret?: string; status?: string }), topic, delivery_url: deliveryUrl },
      ctx.user!.id,
    );
    await dispatcher.ping(webhook); // synchronous, outcome ignored
    return { status: 201, body: store.webhookDocument(webhook) };
  }

  function singleWebhook(ctx: Ctx, id: number): Reply {
    const webhook = store.webhooks.get(id);
    if (ctx.method === "GET") {
      return (
        denied(ctx, "view") ??
        (webhook
          ? { status: 200, body: store.webhookDocument(webhook) }
          : restError({ status: 404, code: "woocommerce_rest_webhook_invalid_id", message: "Invalid ID." }))
      );
    }
    if (ctx.method === "PUT" || ctx.method === "POST" || ctx.method === "PATCH") {
      const no = denied(ctx, "edit");
      if (no) return no;
      if (!webhook)
        return restError({ status: 400, code: "woocommerce_rest_webhook_invalid_id", message: "ID is invalid." });
      const input = (ctx.body ?? {}) as Json;
      if (typeof input["secret"] === "string" && input["secret"] !== "") webhook.secret = input["secret"];
      if (input["status"] !== undefined) {
        if (!["active", "paused", "disabled"].includes(String(input["status"])))
          return restError({
            status: 400,
            code: "woocommerce_rest_webhook_invalid_status",
            message: "Webhook status must be valid.",
          });
        webhook.status = input["status"] as "active" | "paused" | "disabled"; // failure_count is kept
      }
      if (typeof input["delivery_url"] === "string") webhook.deliveryUrl = input["delivery_url"];
      if (typeof input["name"] === "string") webhook.name = input["name"];
      webhook.modifiedAt = store.clock.nowSeconds();
      return { status: 200, body: store.webhookDocument(webhook) };
    }
    if (ctx.method === "DELETE") {
      const no = denied(ctx, "delete");
      if (no) return no;
      if (!(ctx.query.get("force") === "true" || ctx.query.get("force") === "1"))
        return restError({
          status: 501,
          code: "woocommerce_rest_trash_not_supported",
          message: "Webhooks do not support trashing.",
        });
      if (!webhook)
        return restError({ status: 404, code: "woocommerce_rest_webhook_invalid_id", message: "Invalid ID." });
      const before = store.webhookDocument(webhook);
      store.webhooks.delete(id);
      return { status: 200, body: before };
    }
    return noRoute();
  }

  // ---------------------------------------------------------------- key exchange

  async function authorize(q: URLSearchParams): Promise<Reply> {
    const fail = (message: string): Reply => ({
      status: 401,
      body: `<html><body><p>Error: ${escapeHtml(message)}.</p></body></html>`,
      headers: { "Content-Type": "text/html; charset=UTF-8" },
    });
    for (const p of ["app_name", "user_id", "return_url", "callback_url", "scope"])
      if (!q.get(p)) return fail(`Missing parameter ${p}`);
    const scope = q.get("scope")!;
    if (!["read", "write", "read_write"].includes(scope)) return fail(`Invalid scope ${scope}`);
    const formatted = (u: string) => (u.includes("://") ? u : `https://${u}`);
    const returnUrl = formatted(q.get("return_url")!);
    const callbackUrl = formatted(q.get("callback_url")!);
    for (const u of [returnUrl, callbackUrl]) if (!URL.canParse(u)) return fail(`The ${u} is not a valid URL`);
    if (!/^https:\/\//i.test(callbackUrl)) return fail("The callback_url needs to be over SSL");
    const userId = q.get("user_id")!;
    const back = (success: 0 | 1) => {
      const target = new URL(returnUrl);
      target.searchParams.set("success", String(success));
      target.searchParams.set("user_id", userId);
      return { status: 302, body: "", headers: { Location: target.toString() } };
    };
    if (merchant.decision === "deny") return back(0);
    const key = store.createApiKey(
      1,
      scope as SimApiKey["permissions"],
      `${q.get("app_name")} - API (${new Date().toISOString().slice(0, 19).replace("T", " ")})`,
    );
    const payload = {
      key_id: key.keyId,
      user_id: userId,
      consumer_key: key.consumerKey,
      consumer_secret: key.consumerSecret,
      key_permissions: key.permissions,
    };
    const outcome = await post(
      callbackUrl,
      phpJsonEncode(payload),
      { "Content-Type": "application/json;charset=UTF-8" },
      { ca: SIMULATOR_CA, timeoutMs: 60_000 },
    );
    if (outcome.status !== 200) {
      store.deleteApiKey(key.keyId);
      return fail(
        outcome.error ?? "An error occurred in the request and at the time were unable to send the consumer data",
      );
    }
    return back(1);
  }

  // ---------------------------------------------------------------- helpers

  function paginated(
    ctx: Ctx,
    all: unknown[],
    perPage: number,
    page: number,
    offset: number | null,
    perPageOverride?: number,
  ): Reply {
    const size = perPageOverride ?? perPage;
    const start = offset ?? (page - 1) * size;
    const items = all.slice(start, start + size);
    const totalPages = Math.ceil(all.length / size);
    const headers: Record<string, string> = { "X-WP-Total": String(all.length), "X-WP-TotalPages": String(totalPages) };
    const links: string[] = [];
    const link = (p: number) => {
      const u = new URL(`${store.homeUrl}${REST_PREFIX}${ctx.path}`);
      for (const [k, v] of ctx.query)
        if (!k.startsWith("oauth_") && k !== "consumer_key" && k !== "consumer_secret") u.searchParams.set(k, v);
      u.searchParams.set("page", String(p));
      return u.toString();
    };
    if (page > 1) links.push(`<${link(Math.min(page - 1, totalPages))}>; rel="prev"`);
    if (totalPages > page) links.push(`<${link(page + 1)}>; rel="next"`);
    if (links.length) headers["Link"] = links.join(", ");
    return { status: 200, body: items, headers };
  }

  const httpServer = createHttpServer(handler(false));
  const httpsServer = createHttpsServer({ key: TLS_KEY, cert: SIMULATOR_CA }, handler(true));
  await Promise.all([listen(httpServer), listen(httpsServer)]);
  const httpUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const httpsUrl = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
  store.homeUrl = httpUrl;

  return {
    store,
    dispatcher,
    httpUrl,
    httpsUrl,
    ca: SIMULATOR_CA,
    adminKey,
    requests,
    merchant,
    failNext(count, status, retryAfterSeconds) {
      for (let i = 0; i < count; i++)
        failures.push({ status, ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}) });
    },
    async close() {
      dispatcher.stop();
      await Promise.all([close(httpServer), close(httpsServer)]);
    },
  };
}

function restError(e: RestError & { params?: Record<string, string> }): Reply {
  const data: Json = { status: e.status };
  if (e.params) data["params"] = e.params;
  return {
    status: e.status,
    body: { code: e.code, message: e.message, data },
    ...(e.headers ? { headers: e.headers } : {}),
  };
}

/** One failed item inside a batch reply (the rest of the batch goes on). */
function batchItemError(id: unknown, e: RestError): Json {
  return { id, error: { code: e.code, message: e.message, data: { status: e.status } } };
}

function noRoute(): Reply {
  return restError({
    status: 404,
    code: "rest_no_route",
    message: "No route was found matching the URL and request method.",
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const isHtml = typeof reply.body === "string";
  const body = isHtml ? (reply.body as string) : phpJsonEncode(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": isHtml ? "text/html; charset=UTF-8" : "application/json; charset=UTF-8",
    "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
    ...(reply.headers ?? {}),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function listen(server: Server | ReturnType<typeof createHttpsServer>): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
}

function close(server: Server | ReturnType<typeof createHttpsServer>): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
