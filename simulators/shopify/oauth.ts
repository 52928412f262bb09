/**
 * The app's access to one shop, as Shopify's OAuth server keeps it.
 *
 * - Expiring offline tokens: an access token lives 60 minutes (`expires_in: 3600`) and comes with a refresh token
 *   (https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh); the refresh token lives
 *   90 days, and exchanging it rotates both tokens: the old access and refresh tokens stop working
 *   (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens).
 *   New public apps get only expiring tokens (since 2026-04-01), so the simulator issues nothing else.
 * - Token endpoint: `POST https://{shop}/admin/oauth/access_token` with `client_id`, `client_secret`,
 *   `grant_type=refresh_token`, `refresh_token`; an unknown, used, expired or revoked refresh token is refused with
 *   400 `{"error":"invalid_grant"}` (RFC 6749 §5.2, which Shopify's endpoint follows).
 * - Uninstalling revokes every token at once (https://shopify.dev/docs/apps/build/webhooks/subscribe: app/uninstalled
 *   arrives after access is gone), so nothing can be refreshed for an uninstalled shop.
 * - Granted scopes and protected customer data: what the merchant granted and what Shopify approved for the app
 *   (https://shopify.dev/docs/apps/launch/protected-customer-data); the GraphQL executor enforces both.
 */
import { randomBytes } from "node:crypto";

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 90 * 86_400;

/** Ciclo's scopes; tests take some away to see how the app copes. */
export const DEFAULT_GRANTED_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "read_all_orders",
  "read_products",
];

/**
 * Protected customer data approval: "none" = no access to customer objects at all; "level1" = customer objects
 * but not the name, email, phone and address fields; "level2" = everything (approved for those fields).
 */
export type ProtectedDataLevel = "none" | "level1" | "level2";

/** Time for token expiry, in ms; shared by the shops of one simulator so tests can move it forward. */
export class TokenClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export type TokenCheck = "valid" | "expired" | "unknown";

export interface ShopAuthOptions {
  grantedScopes?: readonly string[];
  protectedCustomerData?: ProtectedDataLevel;
}

export class ShopAuth {
  grantedScopes: string[];
  protectedCustomerData: ProtectedDataLevel;
  /** Refresh grants answered (tests count them). */
  refreshes = 0;
  private readonly access = new Map<string, number>();
  private readonly refresh = new Map<string, { until: number; accessToken: string }>();

  constructor(
    private readonly clock: TokenClock,
    options: ShopAuthOptions = {},
  ) {
    this.grantedScopes = [...(options.grantedScopes ?? DEFAULT_GRANTED_SCOPES)];
    this.protectedCustomerData = options.protectedCustomerData ?? "level2";
  }

  /** A new token pair, as an install (OAuth or token exchange with `expiring=1`) hands out. */
  install(): TokenResponse {
    const now = this.clock.now();
    const pair: TokenResponse = {
      access_token: `shpat_${randomBytes(16).toString("hex")}`,
      scope: this.grantedScopes.join(","),
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: `shprt_${randomBytes(16).toString("hex")}`,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    };
    this.access.set(pair.access_token, now + ACCESS_TOKEN_TTL_S * 1000);
    this.refresh.set(pair.refresh_token, { until: now + REFRESH_TOKEN_TTL_S * 1000, accessToken: pair.access_token });
    return pair;
  }

  /** `grant_type=refresh_token`: a new pair, and the old pair stops working (rotation). Null = invalid_grant. */
  refreshGrant(refreshToken: string): TokenResponse | null {
    const held = this.refresh.get(refreshToken);
    if (!held || held.until <= this.clock.now()) return null;
    this.refresh.delete(refreshToken);
    this.access.delete(held.accessToken);
    this.refreshes++;
    return this.install();
  }

  /** Makes an access token expire now (tests: a token that ran out in the middle of a long job). */
  expire(accessToken: string): void {
    if (this.access.has(accessToken)) this.access.set(accessToken, this.clock.now());
  }

  check(accessToken: string | undefined): TokenCheck {
    const until = accessToken ? this.access.get(accessToken) : undefined;
    if (until === undefined) return "unknown";
    return until > this.clock.now() ? "valid" : "expired";
  }

  /** Uninstall: nothing the app holds works any more. */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }

  has(scope: string): boolean {
    return (
      this.grantedScopes.includes(scope) ||
      (scope.includes("read_") && this.grantedScopes.includes(scope.replace("read_", "write_")))
    );
  }
}
