/**
 * A keyed hash of a redacted customer's id: enough to recognise late webhooks for that customer,
 * not enough to recover who they were.
 */
import { createHmac } from "node:crypto";
import { config } from "../config.server";

export function redactionHash(storeId: string, customerExternalId: string): string {
  return createHmac("sha256", config().encryptionKey).update(`${storeId}:${customerExternalId}`).digest("base64url");
}
