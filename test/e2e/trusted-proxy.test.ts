// kubelab behind a reverse proxy (issue 12 item 4, and the cookie part of item 8), attacked for
// real against a production server of its own that trusts one proxy, 127.0.0.1. Requests from
// 127.0.0.1 are the proxy's; requests from 127.0.0.2 and 127.0.0.3 (the same host's loopback,
// another source address) are clients that reach the server directly, not through the proxy.
// On the code of the date the server ignored X-Forwarded-For from everyone, so all
// visitors of a proxied site shared one address: one visitor's wrong guesses locked everyone
// out of an account, and anything on the proxy's host could read /metrics without a token.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildActions, callAction } from "../support/server-action";
import { type RunningServer, startServer } from "../support/server";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const PROXY = "127.0.0.1";
const DIRECT = "127.0.0.2";
const OWNER_DIRECT = "127.0.0.3";
const METRICS_TOKEN = `metrics-${randomBytes(12).toString("hex")}`;
const stamp = randomBytes(3).toString("hex");

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    KUBELAB_TRUSTED_PROXIES: `${PROXY}/32`,
    KUBELAB_METRICS_TOKEN: METRICS_TOKEN,
    KUBELAB_INSTALLATION_ID: `tp${randomBytes(4).toString("hex")}`,
    KUBELAB_SECRET: `tp-${randomBytes(24).toString("hex")}`,
    KUBELAB_ADMIN_EMAIL: `admin-${stamp}@e2e.example`,
    KUBELAB_ADMIN_PASSWORD: `admin-${stamp}-password`,
    // No lab is started here: nothing to warm.
    KUBELAB_POOL_SIZE: "0",
  });
});

afterAll(async () => {
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

const action = (name: string) => buildActions(root).find((a) => a.filename === "app/_lib/auth/actions.ts" && a.exportedName === name)!;

function post(name: string, fields: Record<string, string>, from: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...fields, locale: "en", next: "/en" })) form.append(k, v);
  return callAction(server.baseURL, { id: action(name).id, path: "/en/sign-in" }, [{}, form], { localAddress: from, headers });
}

async function newAccount(label: string) {
  const account = { email: `${label}-${stamp}@e2e.example`, password: `${label}-${stamp}-password` };
  expect((await post("signUpAction", account, OWNER_DIRECT)).redirect).toBe("/en");
  return account;
}

const wrong = (email: string) => ({ email, password: "a wrong guess" });

describe("behind a trusted reverse proxy", { timeout: 120_000 }, () => {
  it("ignores X-Forwarded-For from a client that is not the proxy: a spoofed header does not change its key", async () => {
    const target = await newAccount("spoof");
    for (let i = 0; i < 5; i++) {
      const answer = await post("signInAction", wrong(target.email), DIRECT, { "x-forwarded-for": `198.51.100.${10 + i}` });
      expect(answer.value).toMatchObject({ error: "invalidCredentials" });
    }
    // A sixth, claiming yet another address: still the same client, still refused.
    const refused = await post("signInAction", target, DIRECT, { "x-forwarded-for": "198.51.100.200" });
    expect(refused.value).toMatchObject({ error: "rateLimited" });
    // The owner, from another address, is not locked out by that.
    expect((await post("signInAction", target, OWNER_DIRECT)).redirect).toBe("/en");
  });

  it("keys each client behind the proxy by its own address, so one visitor's guesses do not lock the owner out", async () => {
    const target = await newAccount("proxied");
    const attacker = { "x-forwarded-for": "203.0.113.9" };
    for (let i = 0; i < 5; i++) expect((await post("signInAction", wrong(target.email), PROXY, attacker)).value).toMatchObject({ error: "invalidCredentials" });
    expect((await post("signInAction", wrong(target.email), PROXY, attacker)).value).toMatchObject({ error: "rateLimited" });
    // Prepending the owner's address does not help: the proxy appended the attacker's own.
    expect((await post("signInAction", target, PROXY, { "x-forwarded-for": "198.51.100.20, 203.0.113.9" })).value).toMatchObject({ error: "rateLimited" });
    // The owner comes through the same proxy from elsewhere and signs in.
    const owner = await post("signInAction", target, PROXY, { "x-forwarded-for": "198.51.100.20" });
    expect(owner.redirect).toBe("/en");
  });

  it("serves /metrics only with its token, even to loopback once a proxy is trusted", async () => {
    const fromProxyHost = await fetch(`${server.baseURL}/metrics`);
    expect(fromProxyHost.status).toBe(403);
    const wrongToken = await fetch(`${server.baseURL}/metrics`, { headers: { authorization: "Bearer not-the-token-at-all" } });
    expect(wrongToken.status).toBe(403);
    const scraper = await fetch(`${server.baseURL}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toMatch(/^# HELP /m);
  });

  it("gives a `__Host-` Secure session cookie when the proxy says the browser used HTTPS, and only then", async () => {
    const account = await newAccount("cookie");
    const https = await post("signInAction", account, PROXY, { "x-forwarded-for": "198.51.100.30", "x-forwarded-proto": "https" });
    expect(https.redirect).toBe("/en");
    const secure = https.setCookies.find((c) => c.startsWith("__Host-kubelab_session="));
    expect(secure, https.setCookies.join("\n")).toBeDefined();
    expect(secure).toMatch(/;\s*Secure/i);
    expect(secure).toMatch(/;\s*Path=\//i);
    expect(secure).not.toMatch(/;\s*Domain=/i);
    expect(secure).toMatch(/;\s*HttpOnly/i);

    // A direct client cannot claim HTTPS for itself; it gets the plain cookie, not Secure.
    const claimed = await post("signInAction", account, DIRECT, { "x-forwarded-proto": "https" });
    expect(claimed.redirect).toBe("/en");
    expect(claimed.setCookies.some((c) => c.startsWith("__Host-"))).toBe(false);
    const plain = claimed.setCookies.find((c) => c.startsWith("kubelab_session="));
    expect(plain).toBeDefined();
    expect(plain).not.toMatch(/;\s*Secure/i);
  });
});
