// On SQLite one kubelab process owns the rate limits: they stay in memory, as before. (Shared
// through PostgreSQL: test/postgresql/rate-limits.test.ts.)
import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { limiterKey, limitsFor } from "@/app/_lib/auth/rate-limit";

describe("rate limit store", () => {
  it("is memory for a SQLite URL", async () => {
    const limits = await limitsFor("file:./data/kubelab.db");
    for (const limiter of Object.values(limits)) expect(limiter).toBeInstanceOf(RateLimiterMemory);
  });

  it("keeps short keys and replaces long ones by the same digest each time", () => {
    expect(limiterKey("198.51.100.1|a@example.com")).toBe("198.51.100.1|a@example.com");
    const long = `198.51.100.1|${"b".repeat(200)}@example.com`;
    expect(limiterKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(limiterKey(long)).toBe(limiterKey(long));
    expect(limiterKey(long)).not.toBe(limiterKey(`${long}x`));
  });
});
