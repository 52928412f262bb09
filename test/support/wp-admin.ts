/**
 * What a merchant does in wp-admin, done over HTTP for the live test: log in, approve Ciclo on WooCommerce's
 * authorize screen, and install/activate the Ciclo plugin (plugin files copied into the local store, activation
 * through WordPress's own REST API with the logged-in user's nonce).
 */
export class WpAdminSession {
  private cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "deleted" || /expires=Thu, 01-Jan-1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.baseUrl}${path}`;
    const headers = new Headers(init.headers);
    headers.set("Cookie", this.cookieHeader());
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    this.remember(res);
    return res;
  }

  async login(user: string, password: string): Promise<void> {
    this.cookies.set("wordpress_test_cookie", "WP%20Cookie%20check");
    const body = new URLSearchParams({
      log: user,
      pwd: password,
      "wp-submit": "Log In",
      testcookie: "1",
      redirect_to: `${this.baseUrl}/wp-admin/`,
    });
    const res = await this.request("/wp-login.php", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (res.status !== 302) throw new Error(`wp-admin login failed (${res.status})`);
  }

  /** Opens WooCommerce's authorize screen and clicks "Approve"; returns where WooCommerce sends the merchant. */
  async approveKeyExchange(authorizeUrl: string): Promise<URL> {
    const screen = await this.request(authorizeUrl);
    const html = await screen.text();
    const match = /href="([^"]*wc-auth\/v1\/access_granted[^"]*)"/.exec(html);
    if (!match) throw new Error(`no Approve link on the authorize screen (${screen.status})`);
    const granted = await this.request(match[1]!.replace(/&amp;/g, "&").replace(/&#038;/g, "&"));
    const location = granted.headers.get("location");
    if (granted.status !== 302 || !location)
      throw new Error(`approval did not redirect (${granted.status}): ${(await granted.text()).slice(0, 300)}`);
    return new URL(location);
  }

  async restNonce(): Promise<string> {
    const res = await this.request("/wp-admin/admin-ajax.php?action=rest-nonce");
    const nonce = (await res.text()).trim();
    if (!/^[0-9a-f]{10}$/.test(nonce)) throw new Error("could not get a REST nonce");
    return nonce;
  }

  async setPluginStatus(plugin: string, status: "active" | "inactive"): Promise<string> {
    const nonce = await this.restNonce();
    const res = await this.request(`/wp-json/wp/v2/plugins/${plugin}`, {
      method: "POST",
      headers: { "X-WP-Nonce": nonce, "Content-Type": "application/json" },
      body: JSON.stringify({ status }),
    });
    const body = (await res.json()) as { status?: string; message?: string };
    if (res.status !== 200) throw new Error(`plugin ${status}: ${res.status} ${body.message ?? ""}`);
    return body.status ?? "";
  }

  /** Clicks "Disconnect" on WooCommerce > Ciclo when the plugin holds a connection; true when it did. */
  async disconnectCiclo(): Promise<boolean> {
    const page = await (await this.request("/wp-admin/admin.php?page=ciclo-settings")).text();
    if (!page.includes('value="ciclo_disconnect"')) return false;
    const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(page)?.[1];
    if (!nonce) throw new Error("no nonce on the Ciclo settings page");
    const res = await this.request("/wp-admin/admin-post.php", {
      method: "POST",
      body: new URLSearchParams({
        _wpnonce: nonce,
        _wp_http_referer: "/wp-admin/admin.php?page=ciclo-settings",
        action: "ciclo_disconnect",
      }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (res.status !== 302) throw new Error(`disconnect did not redirect (${res.status})`);
    return true;
  }
}
