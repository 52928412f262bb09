/**
 * What a Shopify store is missing to work fully, in words for the merchant (README "Going live"). Each missing
 * prerequisite makes Ciclo do less, never crash: the admin shows these notes so the merchant knows what and why.
 * - Protected customer data not approved: the history and reconciliation read without names and emails (or
 *   without customers at all); StoreSyncState.dataAccess says which.
 * - read_all_orders not granted: Shopify shows only the last 60 days of orders.
 * - customer_read_orders not granted: the order-status survey cannot see whether the order arrived; no NPS.
 * - The checkout survey never seen: not deployed (`shopify app deploy`), no network access, no CICLO_APP_URL at
 *   build time, or the block is not placed in the checkout editor.
 * - The last reconciliation failed (e.g. Shopify refused to refresh the token).
 */
import type { Db } from "../../db.server";

export interface ReadinessNote {
  key: "protected-data" | "read-all-orders" | "customer-read-orders" | "survey-unseen" | "sync-error";
  tone: "info" | "warning" | "critical";
  title: string;
  body: string;
}

/** The survey is expected to have been seen once a store has had this long to get an order. */
export const SURVEY_GRACE_MS = 2 * 86_400_000;

export async function shopifyReadiness(db: Db, storeId: string, now = new Date()): Promise<ReadinessNote[]> {
  const store = await db.store.findUnique({ where: { id: storeId }, include: { syncState: true } });
  if (!store || store.platform !== "shopify") return [];
  const notes: ReadinessNote[] = [];
  const access = store.syncState?.dataAccess ?? "full";
  if (access === "no-pii")
    notes.push({
      key: "protected-data",
      tone: "warning",
      title: "Customer names and emails are not synced",
      body: "Shopify has not approved Ciclo for protected customer data (names, emails). Orders and customers are synced without them: segments, CLV and tags work, but customer lists show ids only. Once approved (Partner Dashboard › API access › Protected customer data), the next history import reads them.",
    });
  if (access === "no-customer")
    notes.push({
      key: "protected-data",
      tone: "critical",
      title: "Orders are synced without their customers",
      body: "Shopify does not let Ciclo read customer objects yet (protected customer data, level 1). Orders are imported as anonymous sales, so there are no customer segments. Request protected customer data access in the Partner Dashboard (API access).",
    });
  const scopes = store.scopes ? store.scopes.split(",").map((s) => s.trim()) : null;
  if (scopes && !scopes.includes("read_all_orders"))
    notes.push({
      key: "read-all-orders",
      tone: "warning",
      title: "Only the last 60 days of orders are visible",
      body: "Without the read_all_orders scope Shopify shows Ciclo only orders from the last 60 days, so lifetimes and predictions start there. Request “Read all orders” in the Partner Dashboard (API access), then approve the updated scopes in your admin.",
    });
  if (scopes && !scopes.includes("customer_read_orders"))
    notes.push({
      key: "customer-read-orders",
      tone: "info",
      title: "NPS after delivery is off",
      body: "The order-status survey needs the customer_read_orders scope to see whether an order has arrived; without it, it never asks. Approve the updated scopes in your admin.",
    });
  if (now.getTime() - store.installedAt.getTime() > SURVEY_GRACE_MS) {
    const [impressions, responses] = await Promise.all([
      db.surveyImpression.count({ where: { storeId } }),
      db.surveyResponse.count({ where: { storeId } }),
    ]);
    if (impressions + responses === 0)
      notes.push({
        key: "survey-unseen",
        tone: "info",
        title: "No customer has seen the post-purchase survey yet",
        body: "Check that the app was deployed with `shopify app deploy` (with CICLO_APP_URL set to this app's address), that network access is approved for the checkout extension (Partner Dashboard › Extensions), and that the Ciclo block is placed on the Thank you and Order status pages in the checkout editor.",
      });
  }
  if (store.syncState?.lastReconcileError)
    notes.push({
      key: "sync-error",
      tone: "critical",
      title: "The last check against Shopify failed",
      body: `${store.syncState.lastReconcileError.slice(0, 200)}${
        /refresh|token|401/i.test(store.syncState.lastReconcileError)
          ? " — open Ciclo from your Shopify admin once to renew its access."
          : ""
      }`,
    });
  return notes;
}
