// The small rules around accounts: role checks, same-origin checks for route handlers, where a
// `next` parameter may send someone, and the rate limiter's refusal with a time to wait.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { assertRole, AuthError } from "@/app/_lib/auth/guards";
import { consume, forgive } from "@/app/_lib/auth/rate-limit";
import { safeNextPath } from "@/app/_lib/auth/safe-next";
import { isSameOrigin } from "@/app/_lib/auth/same-origin";

const account = (role: "learner" | "instructor" | "admin") => ({ userId: "u1", role, email: "a@example.com", displayName: null });

describe("assertRole", () => {
  it("refuses nobody and anonymous learners with 401, the wrong role with 403", () => {
    const status = (fn: () => unknown) => {
      try {
        fn();
        return 200;
      } catch (e) {
        expect(e).toBeInstanceOf(AuthError);
        return (e as AuthError).status;
      }
    };
    expect(status(() => assertRole(null, "admin"))).toBe(401);
    expect(status(() => assertRole({ userId: "u", role: "admin", email: null, displayName: null }, "admin"))).toBe(401);
    expect(status(() => assertRole(account("learner"), "instructor", "admin"))).toBe(403);
    expect(status(() => assertRole(account("instructor"), "admin"))).toBe(403);
    expect(status(() => assertRole(account("instructor"), "instructor", "admin"))).toBe(200);
    expect(status(() => assertRole(account("admin"), "admin"))).toBe(200);
  });
});

describe("same-origin check for state-changing route handlers", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it("lets safe methods through and POSTs only from this host", () => {
    expect(isSameOrigin(h({ host: "kubelab.example" }), "GET")).toBe(true);
    expect(isSameOrigin(h({ host: "kubelab.example", origin: "https://kubelab.example" }), "POST")).toBe(true);
    expect(isSameOrigin(h({ host: "kubelab.example", origin: "https://evil.example" }), "POST")).toBe(false);
    expect(isSameOrigin(h({ host: "kubelab.example" }), "POST")).toBe(false);
    expect(isSameOrigin(h({ host: "kubelab.example", origin: "null" }), "DELETE")).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", "x-forwarded-host": "kubelab.example", origin: "https://kubelab.example" }), "POST")).toBe(true);
  });
});

describe("safeNextPath", () => {
  it("follows paths on this site and nothing else", () => {
    expect(safeNextPath("/ko/invite/abc?x=1#top", "ko")).toBe("/ko/invite/abc?x=1#top");
    for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "", undefined, ["/ko"], "ko/lessons"]) {
      expect(safeNextPath(bad, "en"), String(bad)).toBe("/en");
    }
  });
});

describe("rate limits", () => {
  it("refuse past the limit, say how long to wait, and forgive on request", async () => {
    const limiter = new RateLimiterMemory({ points: 2, duration: 60 });
    const other = new RateLimiterMemory({ points: 100, duration: 60 });
    expect(await consume([limiter, "k"], [other, "ip"])).toEqual({ ok: true });
    expect(await consume([limiter, "k"], [other, "ip"])).toEqual({ ok: true });
    const refused = await consume([limiter, "k"], [other, "ip"]);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Every limiter saw the attempt, refused or not.
    expect((await other.get("ip"))?.consumedPoints).toBe(3);
    // Another key is unaffected; forgiving clears the key.
    expect(await consume([limiter, "k2"])).toEqual({ ok: true });
    await forgive(limiter, "k");
    expect(await consume([limiter, "k"])).toEqual({ ok: true });
  });
});
