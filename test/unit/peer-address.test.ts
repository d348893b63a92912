// Who the client is behind a reverse proxy: X-Forwarded-For counts only from a trusted proxy,
// read from the right, so a client cannot choose the address its limits are kept under.
import { describe, expect, it } from "vitest";
import { clientAddress, metricsOpenTo, PEER_ADDRESS_HEADER, PEER_HTTPS_HEADER, servedOverHttps, stampPeer, trustedProxies } from "@/app/_lib/auth/peer-address";
import { parseEnv } from "@/app/_lib/config/env";

const none = trustedProxies([]);
const proxy = trustedProxies(["10.0.0.5", "fd00::/8", "192.168.0.0/16"]);

describe("client address", () => {
  it("ignores X-Forwarded-For from anyone when no proxy is trusted, and from a non-proxy when one is", () => {
    expect(clientAddress("203.0.113.7", "198.51.100.1", none)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:203.0.113.7", "198.51.100.1", proxy)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", "198.51.100.1", proxy)).toBe("127.0.0.1");
  });

  it("takes the nearest untrusted hop from a trusted proxy, skipping our own proxies", () => {
    expect(clientAddress("10.0.0.5", "198.51.100.1", proxy)).toBe("198.51.100.1");
    expect(clientAddress("::ffff:10.0.0.5", ["1.2.3.4, 198.51.100.1", "192.168.3.4"], proxy)).toBe("198.51.100.1");
    // What the client wrote on the left cannot move them into someone else's bucket.
    expect(clientAddress("10.0.0.5", "198.51.100.99, 203.0.113.7", proxy)).toBe("203.0.113.7");
    expect(clientAddress("fd00::1", "2001:db8::1", proxy)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.5", "not-an-ip", proxy)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", undefined, proxy)).toBe("10.0.0.5");
  });

  it("believes X-Forwarded-Proto only from a trusted proxy, unless KUBELAB_SECURE_COOKIES decides", () => {
    expect(servedOverHttps("203.0.113.7", "https", proxy, undefined)).toBe(false);
    expect(servedOverHttps("10.0.0.5", "https", proxy, undefined)).toBe(true);
    expect(servedOverHttps("10.0.0.5", "http", proxy, undefined)).toBe(false);
    expect(servedOverHttps("10.0.0.5", "https", proxy, "0")).toBe(false);
    expect(servedOverHttps("203.0.113.7", undefined, none, "1")).toBe(true);
  });

  it("opens /metrics without a token only to loopback, only by opt-in, and never to a trusted proxy", () => {
    expect(metricsOpenTo("127.0.0.1", none, false)).toBe(false);
    expect(metricsOpenTo("127.0.0.1", none, true)).toBe(true);
    expect(metricsOpenTo("::ffff:127.0.0.1", none, true)).toBe(true);
    expect(metricsOpenTo("203.0.113.7", none, true)).toBe(false);
    expect(metricsOpenTo("127.0.0.1", trustedProxies(["127.0.0.1"]), true)).toBe(false);
  });

  it("overwrites our own headers and drops X-Forwarded-* unless a trusted proxy sent them", () => {
    const spoofed = { "x-forwarded-for": "198.51.100.1", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "for=1.2.3.4", [PEER_ADDRESS_HEADER]: "1.1.1.1", [PEER_HTTPS_HEADER]: "1" };
    const direct: Record<string, string | undefined> = { ...spoofed };
    stampPeer(direct, "203.0.113.7", proxy, undefined);
    expect(direct).toEqual({ [PEER_ADDRESS_HEADER]: "203.0.113.7", [PEER_HTTPS_HEADER]: "0" });
    const viaProxy: Record<string, string | undefined> = { ...spoofed };
    stampPeer(viaProxy, "10.0.0.5", proxy, undefined);
    expect(viaProxy).toMatchObject({ [PEER_ADDRESS_HEADER]: "198.51.100.1", [PEER_HTTPS_HEADER]: "1", "x-forwarded-host": "evil.example" });
  });

  it("refuses a KUBELAB_TRUSTED_PROXIES entry that is not an address or a range, naming the variable", () => {
    expect(parseEnv({ KUBELAB_TRUSTED_PROXIES: "10.0.0.5, 192.168.0.0/16 fd00::/8" }).KUBELAB_TRUSTED_PROXIES).toEqual(["10.0.0.5", "192.168.0.0/16", "fd00::/8"]);
    expect(parseEnv({}).KUBELAB_TRUSTED_PROXIES).toEqual([]);
    expect(() => parseEnv({ KUBELAB_TRUSTED_PROXIES: "proxy.example" })).toThrow(/KUBELAB_TRUSTED_PROXIES/);
    expect(() => parseEnv({ KUBELAB_TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/KUBELAB_TRUSTED_PROXIES/);
  });
});
