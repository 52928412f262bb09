/**
 * Attack: server-side request forgery through the unauthenticated WooCommerce connect form. Anyone can type a
 * "store address"; Ciclo must never contact loopback, private, link-local or cloud-metadata addresses (checked on
 * the resolved address, so a name pointing inside is refused too), must answer every refusal with the same generic
 * message (no port-scan oracle), must not follow redirects, must cap what it reads, must not echo what a "store"
 * said, must rate-limit attempts, and must not bounce visitors to arbitrary sites (open redirect).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_REFUSED } from "../../app/platforms/woocommerce/connect.server";
import { DB_KINDS } from "../support/databases";
import { fakeStore, postFormFrom, startSecureApp, type SecureApp } from "../support/secure-app";

const KEYS = { consumerKey: `ck_${"1".repeat(40)}`, consumerSecret: `cs_${"2".repeat(40)}` };
const html = (text: string) =>
  text
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

describe.each(DB_KINDS)("WooCommerce connect SSRF on %s", (kind) => {
  let app: SecureApp;
  let devApp: SecureApp;
  let store: Awaited<ReturnType<typeof fakeStore>>;
  beforeAll(async () => {
    store = await fakeStore((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-wp-total": "0", "x-wp-totalpages": "0" });
      res.end("[]");
    });
    app = await startSecureApp(kind);
    devApp = await startSecureApp(kind, { CICLO_WOO_ALLOW_PRIVATE_ADDRESSES: "1" });
  });
  afterAll(async () => {
    await app?.stop();
    await devApp?.stop();
    await store?.close();
  });

  const stores = () => app.database.db.store.count();

  it("refuses loopback, private, link-local and metadata addresses with one generic message, contacting nothing", async () => {
    const targets = [
      store.url,
      `http://localhost:${store.port}`, // a name that resolves to loopback
      `http://[::1]:${store.port}`,
      `http://0x7f000001:${store.port}`,
      `http://2130706433:${store.port}`,
      `http://[::ffff:127.0.0.1]:${store.port}`,
      "http://169.254.169.254/latest/meta-data",
      "http://[fd00:ec2::254]",
      "http://10.0.0.1:8080",
      "http://192.168.1.1",
      "http://172.16.0.1",
      "http://100.64.0.1",
      "http://0.0.0.0",
    ];
    for (const [i, target] of targets.entries()) {
      for (const intent of ["manual", "authorize"]) {
        const res = await postFormFrom(`127.0.1.${i + 1}`, `${app.url}/woo/connect`, {
          intent,
          storeUrl: target.replace(/\/latest\/meta-data$/, ""),
          ...KEYS,
        });
        expect(res.status, `${intent} ${target}`).toBe(400);
        expect(res.headers.location, target).toBeUndefined();
        expect(html(res.body), target).toContain(ADDRESS_REFUSED);
      }
    }
    expect(store.hits).toEqual([]);
    expect(await stores()).toBe(0);
  });

  it("the private-address setting is off by default: the same local store connects only when it is set", async () => {
    const res = await postFormFrom("127.0.2.1", `${devApp.url}/woo/connect`, {
      intent: "manual",
      storeUrl: store.url,
      ...KEYS,
    });
    // The fake store answers like WooCommerce, so with the setting on Ciclo reaches it (and takes it for a store).
    expect(res.status).toBe(302);
    expect(store.hits.length).toBeGreaterThan(0);
    store.hits.length = 0;
  });

  it("does not follow redirects, caps the response and does not echo what the store said", async () => {
    const inner = await fakeStore((_req, res) => res.end("[]"));
    const redirecting = await fakeStore((_req, res) => {
      res.writeHead(302, { location: `${inner.url}/wp-json/wc/v3/orders` });
      res.end();
    });
    let streamed = 0;
    const huge = await fakeStore((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (streamed < 200 * 1024 * 1024) {
          streamed += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("error", () => {});
      pump();
    });
    const chatty = await fakeStore((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "internal_detail", message: "SSH-2.0-OpenSSH_9.2 at 10.1.2.3" }));
    });
    try {
      for (const [i, target] of [redirecting, huge, chatty].entries()) {
        const res = await postFormFrom(`127.0.3.${i + 1}`, `${devApp.url}/woo/connect`, {
          intent: "manual",
          storeUrl: target.url,
          ...KEYS,
        });
        expect(res.status, target.url).toBe(400);
        expect(res.body).not.toContain("OpenSSH");
        expect(res.body).not.toContain("10.1.2.3");
        expect(res.body).not.toContain("internal_detail");
        expect(res.body).not.toContain(inner.url);
      }
      expect(inner.hits).toEqual([]);
      // Reading stopped at the cap (16 MiB) plus what was in flight, far from the 200 MiB on offer.
      expect(streamed).toBeLessThan(64 * 1024 * 1024);
      expect(await devApp.database.db.store.count({ where: { domain: { contains: String(huge.port) } } })).toBe(0);
    } finally {
      await Promise.all([inner.close(), redirecting.close(), huge.close(), chatty.close()]);
    }
  });

  it("a link with ?store_url only fills in the form: no redirect to another site", async () => {
    const res = await fetch(`${app.url}/woo/connect?store_url=${encodeURIComponent("evil.example/x")}`, {
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("https://evil.example/x");
  });

  it("limits connect attempts per client, without contacting anything once refused", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await postFormFrom("127.0.4.1", `${app.url}/woo/connect`, {
        intent: "authorize",
        storeUrl: "https://shop.example",
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
    // Another client is not affected.
    const other = await postFormFrom("127.0.4.2", `${app.url}/woo/connect`, {
      intent: "authorize",
      storeUrl: "https://shop.example",
    });
    expect(other.status).not.toBe(429);
  });
});
