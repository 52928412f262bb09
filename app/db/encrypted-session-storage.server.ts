/**
 * Wraps a SessionStorage so access and refresh tokens are encrypted before they reach the database and
 * decrypted when loaded. Everything else about sessions is the underlying storage's business.
 *
 * Loads are cached for a few seconds: shopify-app-remix loads the shop's offline session on every webhook,
 * and at webhook rates that database read (plus decryption) was the largest cost of the request.
 * Writes and deletes through this storage update the cache at once; a change made by another process is
 * seen after at most `cacheTtlMs`.
 */
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { SecretBox } from "../security/secret-box.server";

export class EncryptedSessionStorage implements SessionStorage {
  private readonly cache = new Map<string, { session: Session | undefined; until: number }>();

  constructor(
    private readonly inner: SessionStorage,
    private readonly box: SecretBox,
    private readonly cacheTtlMs = 5_000,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    const sealed = new Session(session.toObject());
    if (session.accessToken) sealed.accessToken = this.box.seal(session.accessToken);
    if (session.refreshToken) sealed.refreshToken = this.box.seal(session.refreshToken);
    this.cache.delete(session.id);
    return this.inner.storeSession(sealed);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.session;
    const stored = await this.inner.loadSession(id);
    const session = stored ? this.unseal(stored) : undefined;
    if (this.cacheTtlMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear(); // bounded: a cache, not a store
      this.cache.set(id, { session, until: Date.now() + this.cacheTtlMs });
    }
    return session;
  }

  deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((s) => this.unseal(s));
  }

  private unseal(session: Session): Session {
    const open = new Session(session.toObject());
    if (session.accessToken && SecretBox.isSealed(session.accessToken))
      open.accessToken = this.box.open(session.accessToken);
    if (session.refreshToken && SecretBox.isSealed(session.refreshToken))
      open.refreshToken = this.box.open(session.refreshToken);
    return open;
  }
}
