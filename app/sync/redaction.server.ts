/**
 * GDPR customers/redact (decision 006, completed by decision 111): everything that identifies the customer goes,
 * in every table that can hold it, while their orders stay as anonymous sales so store totals remain right.
 *
 * - Customer row, scores, labels, segment transitions, queued tag changes and data-request reports: deleted.
 * - Orders (the customer's, those named in orders_to_redact, and guest orders under the same e-mail): customer,
 *   e-mail, landing and referring pages cleared (they carry ?email=…, click ids); their ids are remembered as
 *   keyed hashes (RedactedOrder) so a late update of a guest order cannot write the e-mail back.
 * - Survey answers and impressions: unlinked from the customer, free text removed; the score or choice stays.
 * - Webhook payloads still waiting in the inbox: the customer's details are cut out of the JSON.
 * - In-memory admin pages of the store are forgotten.
 */
import type { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import type { StoreOrder } from "../domain/types";
import { logger } from "../logger.server";
import { adminMemo, memberPageMemo } from "../read-models/memo.server";
import { withoutItems } from "../jobs/tags/outbox-page";
import { redactionHash } from "./redaction-hash.server";

type Tx = Prisma.TransactionClient;

export function redactedOrderHash(storeId: string, orderExternalId: string): string {
  return redactionHash(storeId, `order:${orderExternalId}`);
}

/** What identifies the person in free-form data (payloads). */
/**
 * When the store's latest customer redaction was recorded (null: none). Figures kept from before it may still count
 * the redacted customer, and memoised pages may still show her.
 */
export async function latestRedactionAt(db: Db, storeId: string): Promise<Date | null> {
  const latest = await db.redactedCustomer.findFirst({
    where: { storeId },
    orderBy: { redactedAt: "desc" },
    select: { redactedAt: true },
  });
  return latest?.redactedAt ?? null;
}

export interface PersonMarkers {
  customerExternalId: string;
  emails: string[];
  names: string[];
}

export async function redactCustomer(
  db: Db,
  storeId: string,
  customerExternalId: string,
  orderExternalIds: string[],
  email: string | null = null,
): Promise<void> {
  const idHash = redactionHash(storeId, customerExternalId);
  await db.$transaction(
    async (tx) => {
      const customer = await tx.customer.findUnique({
        where: { storeId_externalId: { storeId, externalId: customerExternalId } },
        select: { id: true, email: true, firstName: true, lastName: true },
      });
      const emails = [...new Set([email, customer?.email].filter((e): e is string => !!e).map((e) => e.trim()))];
      const byCustomer = customer ? [{ customerId: customer.id }] : [];
      const orders = await tx.order.findMany({
        where: {
          storeId,
          OR: [
            { customerExternalId },
            ...byCustomer,
            ...(orderExternalIds.length ? [{ externalId: { in: orderExternalIds } }] : []),
            ...emails.map((e) => ({ email: e })),
            ...emails.map((e) => ({ email: e.toLowerCase() })),
          ],
        },
        select: { externalId: true },
      });
      const orderIds = [...new Set([...orders.map((o) => o.externalId), ...orderExternalIds])];
      if (orderIds.length)
        await tx.order.updateMany({
          where: { storeId, externalId: { in: orderIds } },
          data: { customerId: null, customerExternalId: null, email: null, landingSite: null, referringSite: null },
        });
      const answeredBy = [
        { customerExternalId },
        ...byCustomer,
        ...(orderIds.length ? [{ orderExternalId: { in: orderIds } }] : []),
      ];
      await tx.surveyResponse.updateMany({
        where: { storeId, OR: answeredBy },
        data: { customerId: null, customerExternalId: null, text: null },
      });
      await tx.surveyImpression.updateMany({
        where: { storeId, OR: [...byCustomer, ...(orderIds.length ? [{ orderExternalId: { in: orderIds } }] : [])] },
        data: { customerId: null },
      });
      await dropOutboxChanges(tx, storeId, customerExternalId, customer?.id ?? null);
      if (customer) {
        const where = { storeId, customerId: customer.id };
        await tx.customerLabels.deleteMany({ where });
        await tx.segmentTransition.deleteMany({ where });
        await tx.customerScore.deleteMany({ where });
        await tx.customerSegment.deleteMany({ where });
        await tx.customerInsight.deleteMany({ where });
        await tx.customer.delete({ where: { id: customer.id } });
      }
      await tx.dataRequest.deleteMany({ where: { storeId, customerExternalId } });
      await scrubPendingPayloads(tx, storeId, {
        customerExternalId,
        emails,
        names: [customer?.firstName, customer?.lastName].filter((n): n is string => !!n && n.trim().length >= 2),
      });
      await tx.redactedCustomer.upsert({
        where: { storeId_idHash: { storeId, idHash } },
        create: { storeId, idHash },
        update: { redactedAt: new Date() },
      });
      for (const orderId of orderIds) {
        const orderHash = redactedOrderHash(storeId, orderId);
        await tx.redactedOrder.upsert({
          where: { storeId_idHash: { storeId, idHash: orderHash } },
          create: { storeId, idHash: orderHash },
          update: {},
        });
      }
    },
    { timeout: 120_000 },
  );
  // This process's cached admin pages (member lists show names and e-mails); other processes see the new
  // redaction stamp in the member pages' version and recompute.
  adminMemo.clear(`${storeId}:`);
  memberPageMemo.clear(`${storeId}:`);
  logger.info("customer redacted", { storeId });
}

/**
 * Takes the customer's changes (and refusals) out of the tag outbox's pages. A page names its customers inside its
 * JSON: the pages are found by the ids' text (an id JSON would escape, or LIKE read as an escape, is looked for in
 * every page of the store; a false match is harmless: the items are compared exactly). Each page changed moves to
 * a new version, so a push running meanwhile records nothing more for the customer (tag-outbox.server.ts).
 */
async function dropOutboxChanges(
  tx: Tx,
  storeId: string,
  customerExternalId: string,
  customerId: string | null,
): Promise<void> {
  const named = [customerExternalId, customerId].filter((id): id is string => id !== null);
  const plain = named.every((id) => ![...id].some((ch) => ch === '"' || ch === "\\" || ch < " "));
  const pages = await tx.tagOutboxPage.findMany({
    where: { storeId, ...(plain ? { OR: named.map((id) => ({ items: { contains: id } })) } : {}) },
    select: { id: true, size: true, items: true, outcomes: true, problems: true },
  });
  const now = new Date();
  for (const page of pages) {
    const kept = withoutItems(page, (c) => c.customerExternalId === customerExternalId || c.customerId === customerId);
    if (!kept) await tx.tagOutboxPage.delete({ where: { id: page.id } });
    else if (kept.size < page.size)
      await tx.tagOutboxPage.update({
        where: { id: page.id },
        data: { ...kept, version: { increment: 1 }, ...(kept.state === "settled" ? { settledAt: now } : {}) },
      });
  }
}

/** Inbox receipts not applied yet that mention the customer: their JSON is rewritten without the person. */
async function scrubPendingPayloads(tx: Tx, storeId: string, person: PersonMarkers): Promise<void> {
  const needles = [person.customerExternalId, ...person.emails, ...person.emails.map((e) => e.toLowerCase())];
  const receipts = await tx.webhookReceipt.findMany({
    where: {
      storeId,
      payload: { not: null },
      OR: needles.map((needle) => ({ payload: { contains: needle } })),
    },
    select: { id: true, payload: true },
  });
  for (const receipt of receipts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(receipt.payload!);
    } catch {
      // Not JSON: it would only ever fail to apply; it must not keep the person either.
      await tx.webhookReceipt.update({ where: { id: receipt.id }, data: { payload: null, status: "failed" } });
      continue;
    }
    const scrubbed = scrubPerson(parsed, person);
    if (scrubbed.changed)
      await tx.webhookReceipt.update({ where: { id: receipt.id }, data: { payload: JSON.stringify(scrubbed.value) } });
  }
}

const ADDRESS_KEYS = new Set(["billing_address", "shipping_address", "default_address", "billing", "shipping"]);
const PERSONAL_ADDRESS_FIELDS = [
  "first_name",
  "last_name",
  "name",
  "address1",
  "address2",
  "phone",
  "company",
  "email",
];

/**
 * Removes a person from a platform payload without knowing its shape: their customer object (matched by id)
 * becomes null, `customer_id` pointing at them becomes 0 (a guest), their e-mail is cut out of every string
 * (landing pages with ?email=… included, URL-encoded too), strings equal to their names are emptied, and address
 * blocks of a payload about them lose their personal fields.
 */
export function scrubPerson(value: unknown, person: PersonMarkers): { changed: boolean; value: unknown } {
  const emails = person.emails.map((e) => e.toLowerCase()).filter((e) => e.length > 0);
  const encoded = emails.map((e) => encodeURIComponent(e).toLowerCase());
  const names = new Set(person.names);
  const gid = `gid://shopify/Customer/${person.customerExternalId}`;
  let changed = false;
  const isTheCustomer = (node: Record<string, unknown>) =>
    String(node.id ?? "") === person.customerExternalId || node.admin_graphql_api_id === gid;

  const walk = (node: unknown, key: string | null, aboutPerson: boolean): unknown => {
    if (typeof node === "string") {
      let text = node;
      const lower = text.toLowerCase();
      for (const needle of [...emails, ...encoded]) {
        let at = lower.indexOf(needle);
        while (at !== -1) {
          text = text.slice(0, at) + text.slice(at + needle.length);
          at = text.toLowerCase().indexOf(needle);
        }
      }
      if (names.has(text) || text === gid) text = "";
      if (text !== node) changed = true;
      return text;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, key, aboutPerson));
    if (node === null || typeof node !== "object") {
      if (key === "customer_id" && String(node) === person.customerExternalId) {
        changed = true;
        return 0;
      }
      return node;
    }
    const object = node as Record<string, unknown>;
    if (key === "customer" && isTheCustomer(object)) {
      changed = true;
      return null;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) out[k] = walk(v, k, aboutPerson);
    if (key !== null && ADDRESS_KEYS.has(key) && aboutPerson) {
      for (const field of PERSONAL_ADDRESS_FIELDS)
        if (typeof out[field] === "string" && out[field] !== "") {
          out[field] = null;
          changed = true;
        }
    }
    return out;
  };
  const text = JSON.stringify(value).toLowerCase();
  const aboutPerson =
    emails.some((e) => text.includes(e)) ||
    text.includes(`"customer_id":${person.customerExternalId}`) ||
    text.includes(gid.toLowerCase());
  const result = walk(value, null, aboutPerson);
  return { changed, value: result };
}

/**
 * For the order writer: orders named in a customers/redact (RedactedOrder) are written without personal data,
 * however late their update arrives. Orders of a redacted customer are recorded there at redaction time; the
 * writer itself keeps redacted customers from coming back. Replaces entries in place; one query per batch.
 */
export async function stripRedactedPersonalData(tx: Tx, storeId: string, orders: StoreOrder[]): Promise<void> {
  if (orders.length === 0) return;
  const byHash = new Map(orders.map((o) => [redactedOrderHash(storeId, o.externalId), o.externalId]));
  const redacted = await tx.redactedOrder.findMany({
    where: { storeId, idHash: { in: [...byHash.keys()] } },
    select: { idHash: true },
  });
  if (redacted.length === 0) return;
  const ids = new Set(redacted.map((r) => byHash.get(r.idHash)));
  for (let i = 0; i < orders.length; i++) {
    const order = orders[i]!;
    if (ids.has(order.externalId))
      orders[i] = { ...order, customer: null, email: null, landingSite: null, referringSite: null };
  }
}
