// Rate limits on PostgreSQL are one set of counters for every server on the database: two
// limiter sets on separate connection pools, as two kubelab servers behind a load balancer,
// count the same attempts, and forgiving on one clears them for the other. (In memory for
// SQLite's single process: test/unit/rate-limit-store.test.ts.)
import pg from "pg";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consume, createPostgresLimits, forgive, type Limits, limitsFor, RATE_LIMIT_TABLE } from "@/app/_lib/auth/rate-limit";
import { emptyPostgresDatabase } from "../support/database";

let url: string;
const pools: pg.Pool[] = [];
let serverA: Limits;
let serverB: Limits;

beforeAll(async () => {
  url = await emptyPostgresDatabase();
  const pool = () => {
    const p = new pg.Pool({ connectionString: url, max: 2 });
    pools.push(p);
    return p;
  };
  // Both at once, as two servers starting together: the table is made once, without a clash.
  [serverA, serverB] = await Promise.all([createPostgresLimits(pool()), createPostgresLimits(pool())]);
});

afterAll(async () => {
  for (const p of pools) await p.end();
});

describe("rate limits shared through PostgreSQL", () => {
  it("is the store a PostgreSQL URL chooses, in one table", async () => {
    const limits = await limitsFor(url);
    expect(limits.checkPerUser).toBeInstanceOf(RateLimiterPostgres);
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      expect((await check.query("SELECT to_regclass($1) AS t", [RATE_LIMIT_TABLE])).rows).toEqual([{ t: RATE_LIMIT_TABLE }]);
    } finally {
      await check.end();
    }
  });

  it("comes up on eight servers starting at once on a fresh database (none loses the race to make the table)", async () => {
    // Without the lock around the library's CREATE TABLE IF NOT EXISTS, some of these fail
    // with 'type "kubelab_rate_limits" already exists' (seen in CI with two).
    const fresh = await emptyPostgresDatabase();
    const eight = Array.from({ length: 8 }, () => new pg.Pool({ connectionString: fresh, max: 2 }));
    pools.push(...eight);
    const started = await Promise.allSettled(eight.map((p) => createPostgresLimits(p)));
    expect(started.filter((s) => s.status === "rejected").map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
  });

  it("counts a password guesser's tries on both servers together", async () => {
    const key = "203.0.113.7|victim@example.com";
    // Five tries per account, spread over the two servers.
    for (const limits of [serverA, serverB, serverA, serverB, serverA]) {
      expect(await consume([limits.signInPerAccount, key])).toEqual({ ok: true });
    }
    const refused = await consume([serverB.signInPerAccount, key]);
    expect(refused.ok).toBe(false);
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    // Another account from the same address is counted apart.
    expect(await consume([serverA.signInPerAccount, "203.0.113.7|other@example.com"])).toEqual({ ok: true });
  });

  it("a sign-in on one server forgives the account's failures on the other", async () => {
    const key = "203.0.113.8|typo@example.com";
    for (let i = 0; i < 5; i++) await consume([serverA.signInPerAccount, key]);
    expect((await consume([serverA.signInPerAccount, key])).ok).toBe(false);
    await forgive(serverB.signInPerAccount, key);
    expect(await consume([serverA.signInPerAccount, key])).toEqual({ ok: true });
  });

  it("takes keys longer than the table's key column (an address and a long email)", async () => {
    const key = `2001:db8::1|${"a".repeat(300)}@example.com`;
    for (let i = 0; i < 5; i++) expect(await consume([serverA.signInPerAccount, key])).toEqual({ ok: true });
    expect((await consume([serverB.signInPerAccount, key])).ok).toBe(false);
  });
});
