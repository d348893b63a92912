// Rate limits for sign-in, sign-up, lab starts and Check presses. Chosen by the database like
// everything shared: on SQLite one kubelab process owns them, in memory; on PostgreSQL several
// servers behind a load balancer count together, in rate-limiter-flexible's PostgreSQL store
// (one table, kubelab_rate_limits, that the library lays out and creates itself: its layout
// is the library's, not our schema's, so it stays out of the Prisma migrations).
// A refusal carries how many seconds to wait, which the forms show in the learner's language.
import { createHash } from "node:crypto";
import pg from "pg";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/app/_lib/config/env";
import { processSingleton } from "@/app/_lib/process-singleton";
import { providerOf } from "@/prisma/providers";

export type Limited = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A limiter of either store; consume() and forgive() take both. */
export type Limiter = RateLimiterAbstract;

export interface Limits {
  /** Guessing one account's password: a few tries per address and email. */
  signInPerAccount: Limiter;
  /** Spraying many emails from one address. */
  signInPerAddress: Limiter;
  /** Account creation costs a password hash; bounded per address. */
  signUpPerAddress: Limiter;
  /** Starting labs in a loop would exhaust the host. */
  labStartPerUser: Limiter;
  /**
   * ...and so would new anonymous identities (cleared cookies) each starting one; a classroom
   * behind one NAT still fits. Taken before an anonymous identity is created, so a loop of
   * cookie-less starts creates no more users than this.
   */
  labStartPerAddress: Limiter;
  /** Each Check runs the grader in the lab and writes an attempt: a few a minute is plenty for a person. */
  checkPerUser: Limiter;
}

type LimitSettings = { keyPrefix: string; points: number; duration: number };

const SETTINGS: Record<keyof Limits, LimitSettings> = {
  signInPerAccount: { keyPrefix: "signin-account", points: 5, duration: 15 * 60 },
  // A whole bootcamp class may sit behind one NAT address: the per-address limits leave room for it.
  signInPerAddress: { keyPrefix: "signin-address", points: 100, duration: 15 * 60 },
  signUpPerAddress: { keyPrefix: "signup-address", points: 100, duration: 60 * 60 },
  labStartPerUser: { keyPrefix: "lab-start", points: 10, duration: 10 * 60 },
  labStartPerAddress: { keyPrefix: "lab-start-address", points: 120, duration: 10 * 60 },
  checkPerUser: { keyPrefix: "check", points: 20, duration: 60 },
};

function eachLimit(make: (settings: LimitSettings) => Limiter): Limits {
  return Object.fromEntries(Object.entries(SETTINGS).map(([name, settings]) => [name, make(settings)])) as unknown as Limits;
}

/** One process's counters, in memory (SQLite: one server process). */
export function createLimits(): Limits {
  return eachLimit((settings) => new RateLimiterMemory(settings));
}

/** The table all limits share, keyed by prefix and key. */
export const RATE_LIMIT_TABLE = "kubelab_rate_limits";

/**
 * Counters in PostgreSQL, shared by every server on this database. The table is made (if
 * missing) before any limit is used; rows an hour past their window are swept every 5 minutes.
 */
export async function createPostgresLimits(pool: pg.Pool): Promise<Limits> {
  const common = { storeClient: pool, storeType: "pool", tableName: RATE_LIMIT_TABLE };
  // Two servers starting at once would race in CREATE TABLE IF NOT EXISTS, and PostgreSQL lets
  // the loser fail ('type "kubelab_rate_limits" already exists'). An advisory lock, held on a
  // connection of its own, makes the second wait for the first and then find the table there.
  const lock = await pool.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext($1))", [RATE_LIMIT_TABLE]);
    await new Promise<void>((resolve, reject) => {
      // The library's own layout and its own CREATE TABLE IF NOT EXISTS; this limiter is only for that.
      new RateLimiterPostgres({ ...common, points: 1, duration: 1 }, (error?: Error) => (error ? reject(error) : resolve()));
    });
  } finally {
    await lock.query("SELECT pg_advisory_unlock(hashtext($1))", [RATE_LIMIT_TABLE]).catch(() => undefined);
    lock.release();
  }
  // Only one of them sweeps expired rows: they share the table.
  let sweeper = true;
  return eachLimit((settings) => {
    const limiter = new RateLimiterPostgres({ ...common, ...settings, tableCreated: true, clearExpiredByTimeout: sweeper });
    sweeper = false;
    return limiter;
  });
}

/** The store the database implies: PostgreSQL's when servers may share it, memory for SQLite. */
export async function limitsFor(url: string): Promise<Limits> {
  if (providerOf(url) !== "postgresql") return createLimits();
  // A few short statements per sign-in or Check: a small pool of their own.
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: "kubelab-rate-limits" });
  pool.on("error", () => undefined); // an idle connection dropped; the next query makes a new one
  try {
    return await createPostgresLimits(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

// Next may load this module more than once (separate bundles); the counters must be one.
// A first try that failed (the database away at that moment) is not kept: the next call tries again.
export function limits(): Promise<Limits> {
  const slot = processSingleton("rate-limits", () => ({ current: undefined as Promise<Limits> | undefined }));
  slot.current ??= limitsFor(env().DATABASE_URL).catch((error: unknown) => {
    slot.current = undefined;
    throw error;
  });
  return slot.current;
}

/**
 * Keys the store can hold: the PostgreSQL table's key is varchar(255), and an address plus an
 * email may be longer. A long key is replaced by its digest (the same key, the same digest).
 */
export function limiterKey(key: string): string {
  return key.length <= 128 ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

/** Takes one point from each limiter (all of them, so every counter sees the attempt); refuses when any is used up. */
export async function consume(...checks: [Limiter, string][]): Promise<Limited> {
  let wait = 0;
  for (const [limiter, key] of checks) {
    try {
      await limiter.consume(limiterKey(key));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      wait = Math.max(wait, refusal.msBeforeNext);
    }
  }
  return wait > 0 ? { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : { ok: true };
}

/** A successful sign-in clears that account's failures, so a typo earlier does not count against later. */
export async function forgive(limiter: Limiter, key: string): Promise<void> {
  await limiter.delete(limiterKey(key));
}

/** Checks of one learner graded at the same time; more wait for one to finish. */
export const CHECKS_AT_ONCE = 2;

/** A place among a learner's running Checks, or null when they already have CHECKS_AT_ONCE running. */
export function checkSlot(userId: string): { release(): void } | null {
  const running = processSingleton("checks-running", () => new Map<string, number>());
  const n = running.get(userId) ?? 0;
  if (n >= CHECKS_AT_ONCE) return null;
  running.set(userId, n + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (running.get(userId) ?? 1) - 1;
      if (left <= 0) running.delete(userId);
      else running.set(userId, left);
    },
  };
}
