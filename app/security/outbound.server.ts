/**
 * Requests Ciclo makes to addresses a merchant (or anyone) typed in — WooCommerce stores — must not reach the
 * server's own network: loopback, private ranges, link-local (cloud metadata at 169.254.169.254), carrier NAT,
 * multicast and reserved space. The check runs on the address actually connected to, after DNS resolution, in the
 * HTTP agent's `lookup`, so a name that resolves (or re-resolves, DNS rebinding) to an internal address is refused
 * on every connection, redirects included. IP literals skip `lookup`, so `createConnection` checks them too.
 *
 * `allowPrivate` (CICLO_WOO_ALLOW_PRIVATE_ADDRESSES=1) is for development against a local store and the live test.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (incl. fd00:ec2::254, EC2 metadata over IPv6)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, else null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** True for an address on the public internet. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return !blocked.check(bare, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== null) return isIP(v4) === 4 && !blocked.check(v4, "ipv4");
    return !blocked.check(bare, "ipv6");
  }
  return false;
}

/** What every refusal says: no hint whether the name resolved, to what, or whether a port was open. */
export const ADDRESS_REFUSED_CODE = "EADDRNOTALLOWED";

export class AddressNotAllowedError extends Error {
  readonly code = ADDRESS_REFUSED_CODE;
  constructor() {
    super("address not allowed");
  }
}

/** A DNS lookup that fails when any resolved address is not public (so a mixed answer cannot slip one through). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    const list = addresses as unknown as LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address)))
      return callback(new AddressNotAllowedError() as NodeJS.ErrnoException, "", 4);
    if ((options as LookupOptions).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

type ConnectOptions = { host?: string | null; hostname?: string | null; lookup?: LookupFunction };

function literalRefused(options: ConnectOptions): boolean {
  const host = (options.host ?? options.hostname ?? "").replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 && !isPublicAddress(host);
}

type Created = (err: Error | null, socket: Duplex) => void;

// A refused connection is reported through the agent's callback, so it reaches the request as an error event
// (a throw here would escape from http.request itself).
class PublicHttpAgent extends http.Agent {
  override createConnection(options: ConnectOptions, callback?: Created): Duplex | undefined {
    if (literalRefused(options)) return void callback?.(new AddressNotAllowedError(), undefined as unknown as Duplex);
    return super.createConnection({ ...options, lookup: publicOnlyLookup }, callback) as Duplex;
  }
}

class PublicHttpsAgent extends https.Agent {
  override createConnection(options: ConnectOptions, callback?: Created): Duplex | undefined {
    if (literalRefused(options)) return void callback?.(new AddressNotAllowedError(), undefined as unknown as Duplex);
    return super.createConnection({ ...options, lookup: publicOnlyLookup }, callback) as Duplex;
  }
}

export interface OutboundAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/**
 * Agents for requests to merchant-supplied addresses. `ca` adds trusted certificates (test stores with their own
 * CA); `allowPrivate` turns the address check off (development only).
 */
export function outboundAgents(options: { allowPrivate?: boolean; ca?: string | Buffer; keepAlive?: boolean } = {}) {
  const tls = options.ca ? { ca: options.ca } : {};
  const keepAlive = options.keepAlive ?? true;
  if (options.allowPrivate)
    return { httpAgent: new http.Agent({ keepAlive }), httpsAgent: new https.Agent({ keepAlive, ...tls }) };
  return { httpAgent: new PublicHttpAgent({ keepAlive }), httpsAgent: new PublicHttpsAgent({ keepAlive, ...tls }) };
}

/** Largest response body read from a store (a page of 100 orders is a few hundred kilobytes). */
export const MAX_STORE_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Checks a URL's host before anything is sent (a friendlier, earlier refusal than the connection's; the agent
 * still checks every connection). Resolves names; refuses when any address is not public.
 */
export async function assertPublicHost(url: string, allowPrivate = false): Promise<void> {
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    if (!isPublicAddress(host)) throw new AddressNotAllowedError();
    return;
  }
  await new Promise<void>((resolve, reject) =>
    publicOnlyLookup(host, { all: true }, (error) => (error ? reject(error) : resolve())),
  );
}
