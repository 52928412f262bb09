/**
 * Admin API access for background work (backfills, tag pushes, reconciliation) that can outlive one offline
 * access token: expiring offline tokens last 60 minutes, and a bulk push or a large backfill runs for hours.
 *
 * - The admin context is looked up again for every call, so each call uses the shop's current stored session; the
 *   library refreshes that session when it is within 5 minutes of expiry.
 * - A 401 (the token ran out between the check and the call, or was rotated by a refresh elsewhere) refreshes
 *   the token with the stored refresh token and retries the call once.
 * - Refreshes are single-flight per shop: Shopify rotates refresh tokens, so two refreshes with the same token
 *   would leave the second one refused.
 */
import { HttpResponseError, type Session } from "@shopify/shopify-api";
import { logger } from "../../logger.server";
import { fromRemixAdmin, type AdminGraphql } from "./admin-graphql.server";

interface RemixAdminContext {
  graphql: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;
}

export interface OfflineAdminDeps {
  /** shopify-app-remix's `unauthenticated.admin(shop)`: the stored offline session, refreshed near expiry. */
  admin: (shop: string) => Promise<{ session: Session; admin: RemixAdminContext }>;
  /** Loads the shop's stored offline session. */
  loadSession: (shop: string) => Promise<Session | undefined>;
  /** Exchanges a refresh token for a new session (shopify-api's `auth.refreshToken`) and stores it. */
  refresh: (shop: string, refreshToken: string) => Promise<Session>;
}

export class OfflineTokenRefused extends Error {}

export class OfflineAdmins {
  private readonly contexts = new Map<string, Promise<{ session: Session; admin: RemixAdminContext }>>();
  private readonly refreshes = new Map<string, Promise<void>>();

  constructor(private readonly deps: OfflineAdminDeps) {}

  /** A GraphQL function for the shop that stays valid across token expiries. */
  graphqlFor(shop: string): AdminGraphql {
    return async <T>(query: string, variables?: Record<string, unknown>) => {
      for (let attempt = 0; ; attempt++) {
        const { session, admin } = await this.context(shop);
        try {
          return await fromRemixAdmin(admin)<T>(query, variables);
        } catch (error) {
          if (attempt > 0 || !isUnauthorized(error)) throw error;
          logger.info("admin call answered 401; refreshing the offline token", { shop });
          await this.refreshAfter401(shop, session.accessToken);
        }
      }
    };
  }

  private context(shop: string) {
    let pending = this.contexts.get(shop);
    if (!pending) {
      pending = this.deps.admin(shop).finally(() => this.contexts.delete(shop));
      this.contexts.set(shop, pending);
    }
    return pending;
  }

  private refreshAfter401(shop: string, failedToken: string | undefined): Promise<void> {
    let pending = this.refreshes.get(shop);
    if (!pending) {
      pending = (async () => {
        const stored = await this.deps.loadSession(shop);
        if (stored?.accessToken && stored.accessToken !== failedToken) return; // someone refreshed already
        if (!stored?.refreshToken)
          throw new OfflineTokenRefused(`no refresh token stored for ${shop}: the merchant must open the app again`);
        try {
          await this.deps.refresh(shop, stored.refreshToken);
        } catch (error) {
          throw new OfflineTokenRefused(
            `Shopify refused to refresh the offline token for ${shop} (${String(error).slice(0, 200)})`,
          );
        }
      })().finally(() => this.refreshes.delete(shop));
      this.refreshes.set(shop, pending);
    }
    return pending;
  }
}

function isUnauthorized(error: unknown): boolean {
  return (
    (error instanceof HttpResponseError && error.response.code === 401) ||
    (error instanceof Response && error.status === 401)
  );
}
