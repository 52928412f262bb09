/**
 * Tells the Ciclo WordPress plugin its store id, the embed-token secret and our URL:
 * `POST /wp-json/wc-ciclo/v1/connection` authenticated with the store's REST keys (WooCommerce authenticates
 * `wc-*` namespaces with them). Best effort: the plugin may not be installed yet; the merchant reconnects then.
 */
import * as wooRestApiModule from "@woocommerce/woocommerce-rest-api";
import { MAX_STORE_RESPONSE_BYTES, outboundAgents } from "../../security/outbound.server";
import type { WooKeys } from "./store-keys.server";

type WooRestApiClass = typeof import("@woocommerce/woocommerce-rest-api").default;

function wooRestApiClass(): WooRestApiClass {
  const imported = (wooRestApiModule as unknown as { default: WooRestApiClass | { default: WooRestApiClass } }).default;
  return typeof imported === "function" ? imported : imported.default;
}

export type PluginConnection = { connected: true } | { connected: false; reason: string };

export async function connectPlugin(
  storeUrl: string,
  keys: WooKeys,
  body: { storeId: string; secret: string; appUrl: string },
  options: { ca?: string | Buffer; timeoutMs?: number; allowPrivateAddresses?: boolean } = {},
): Promise<PluginConnection> {
  const Api = wooRestApiClass();
  const api = new Api({
    url: storeUrl,
    consumerKey: keys.consumerKey,
    consumerSecret: keys.consumerSecret,
    // The typings list only wc/* versions; the package builds `${url}/wp-json/${version}/${endpoint}` for any.
    version: "wc-ciclo/v1" as "wc/v3",
    timeout: options.timeoutMs ?? 15_000,
    axiosConfig: {
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: MAX_STORE_RESPONSE_BYTES,
      ...outboundAgents({
        allowPrivate: options.allowPrivateAddresses,
        ca: /^https:/i.test(storeUrl) ? options.ca : undefined,
        keepAlive: false,
      }),
    },
  });
  try {
    const res = (await api.post("connection", {
      store_id: body.storeId,
      secret: body.secret,
      app_url: body.appUrl,
    })) as { status: number; data: unknown };
    if (res.status >= 200 && res.status < 300) return { connected: true };
    if (res.status === 404) return { connected: false, reason: "the Ciclo plugin is not active on this store" };
    return { connected: false, reason: `the Ciclo plugin answered ${res.status}` };
  } catch {
    return { connected: false, reason: "the store could not be reached" }; // axios errors carry the keys: drop them
  }
}
