// Who is on the other end of a request, decided in one place: the client's address (for rate
// limits, lockouts and logs) and whether the browser reached us over HTTPS (for cookies).
// Behind a reverse proxy every connection comes from the proxy, so the client's address is in
// X-Forwarded-For; but anyone can send that header, so it is believed only when the
// connection itself comes from an address in KUBELAB_TRUSTED_PROXIES (default: none).
// server.ts decides once per request and writes the result into headers of its own,
// overwriting whatever a client sent under those names, because Next's handlers only see headers.
import { BlockList, isIP } from "node:net";

export const PEER_ADDRESS_HEADER = "x-kubelab-peer";
export const PEER_HTTPS_HEADER = "x-kubelab-https";

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; an IPv6 zone never matters here. */
function normalize(address: string): string {
  const a = address.trim().replace(/%.*$/, "");
  return a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export interface TrustedProxies {
  has(address: string): boolean;
  readonly size: number;
}

/** Addresses and CIDR ranges (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`), as KUBELAB_TRUSTED_PROXIES lists them. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/");
    const family = isIP(address ?? "");
    if (!family) throw new Error(`not an IP address or CIDR range: ${entry}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return {
    size: entries.length,
    has(address: string) {
      const a = normalize(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/** Whether a KUBELAB_TRUSTED_PROXIES entry parses (for env.ts). */
export function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split("/");
  const family = isIP(address ?? "");
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * The client's address. From a trusted proxy, X-Forwarded-For is read from the right (the hop
 * our proxy added) leftwards, past our own proxies, to the first address that is not ours:
 * everything left of that was written by the client and proves nothing.
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const peer = normalize(remote ?? "") || "unknown";
  if (trusted.size === 0 || !trusted.has(peer) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map(normalize).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer; // not an address: the chain cannot be followed further
    if (!trusted.has(hop)) return hop;
  }
  return hops[0] ?? peer;
}

/**
 * HTTPS as the browser saw it: forced by KUBELAB_SECURE_COOKIES (1 or 0), else the
 * X-Forwarded-Proto of a trusted proxy (the nearest one's value, the last in a list).
 */
export function servedOverHttps(remote: string | undefined, forwardedProto: string | string[] | undefined, trusted: TrustedProxies, forced: "0" | "1" | undefined): boolean {
  if (forced !== undefined) return forced === "1";
  if (!trusted.has(normalize(remote ?? "")) || forwardedProto === undefined) return false;
  const values = (Array.isArray(forwardedProto) ? forwardedProto.join(",") : forwardedProto).split(",");
  return values[values.length - 1]!.trim().toLowerCase() === "https";
}

/** Headers only a proxy may set; Next itself reads some of them (the host and scheme of a server action's redirect, its Origin check). */
const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded"];

/**
 * For server.ts: the decision, written over any client-sent header of the same names. From a
 * peer that is not a trusted proxy the X-Forwarded-* headers are removed, so neither our code
 * nor Next's acts on what a client claims about itself.
 */
export function stampPeer(
  headers: Record<string, string | string[] | undefined>,
  remote: string | undefined,
  trusted: TrustedProxies,
  forcedSecure: "0" | "1" | undefined,
): void {
  headers[PEER_ADDRESS_HEADER] = clientAddress(remote, headers["x-forwarded-for"], trusted);
  headers[PEER_HTTPS_HEADER] = servedOverHttps(remote, headers["x-forwarded-proto"], trusted, forcedSecure) ? "1" : "0";
  if (!trusted.has(normalize(remote ?? ""))) for (const name of FORWARDED_HEADERS) delete headers[name];
}

/** Inside Next: the address server.ts decided on. */
export function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}

/** Inside Next: whether the browser used HTTPS, as server.ts decided. */
export function peerUsesHttps(headers: Headers): boolean {
  return headers.get(PEER_HTTPS_HEADER) === "1";
}

/**
 * Whether /metrics may answer without its token: only with KUBELAB_METRICS_LOOPBACK=1, only to
 * a loopback connection, and never to a trusted proxy's (a proxy on this host makes every
 * visitor look local).
 */
export function metricsOpenTo(remote: string | undefined, trusted: TrustedProxies, loopbackOptIn: boolean): boolean {
  const a = normalize(remote ?? "");
  return loopbackOptIn && (a.startsWith("127.") || a === "::1") && !trusted.has(a);
}
