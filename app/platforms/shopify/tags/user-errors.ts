/**
 * Turns a write's userErrors into a ChangeResult status. An error on the `id` / `ownerId` input means the customer
 * could not be resolved — in practice, deleted in the store — so it is `not_found`; anything else is `user_error`.
 * Neither is retried: the same input would fail the same way.
 */
import type { ChangeStatus } from "./types";

export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export interface WriteOutcome {
  status: ChangeStatus;
  reason?: string;
}

const OWNER_FIELDS = new Set(["id", "ownerId"]);

export function outcomeOf(userErrors: readonly ShopifyUserError[] | null | undefined): WriteOutcome {
  if (!userErrors || userErrors.length === 0) return { status: "applied" };
  const reason = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
  const missingOwner = userErrors.some((e) => OWNER_FIELDS.has(e.field?.[e.field.length - 1] ?? ""));
  return { status: missingOwner ? "not_found" : "user_error", reason };
}

/** Combines the outcomes of one customer's writes: not_found wins, then user_error, else applied. */
export function combineOutcomes(outcomes: readonly WriteOutcome[]): WriteOutcome {
  const notFound = outcomes.find((o) => o.status === "not_found");
  if (notFound) return notFound;
  const failed = outcomes.filter((o) => o.status === "user_error");
  if (failed.length > 0) return { status: "user_error", reason: failed.map((o) => o.reason).join("; ") };
  return { status: "applied" };
}
