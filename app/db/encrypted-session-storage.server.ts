/**
 * Wraps a SessionStorage so access and refresh tokens are encrypted before they reach the database and
 * decrypted when loaded. Everything else about sessions is the underlying storage's business.
 */
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { SecretBox } from "../security/secret-box.server";

export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly box: SecretBox,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    const sealed = new Session(session.toObject());
    if (session.accessToken) sealed.accessToken = this.box.seal(session.accessToken);
    if (session.refreshToken) sealed.refreshToken = this.box.seal(session.refreshToken);
    return this.inner.storeSession(sealed);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session ? this.unseal(session) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
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
