// Rate limits for sign-in, sign-up, lab starts and Check presses, in memory (one kubelab
// process owns them).
// A refusal carries how many seconds to wait, which the forms show in the learner's language.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { processSingleton } from "@/app/_lib/process-singleton";

export type Limited = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface Limits {
  /** Guessing one account's password: a few tries per address and email. */
  signInPerAccount: RateLimiterMemory;
  /** Spraying many emails from one address. */
  signInPerAddress: RateLimiterMemory;
  /** Account creation costs a password hash; bounded per address. */
  signUpPerAddress: RateLimiterMemory;
  /** Starting labs in a loop would exhaust the host. */
  labStartPerUser: RateLimiterMemory;
  /**
   * ...and so would new anonymous identities (cleared cookies) each starting one; a classroom
   * behind one NAT still fits. Taken before an anonymous identity is created, so a loop of
   * cookie-less starts creates no more users than this.
   */
  labStartPerAddress: RateLimiterMemory;
  /** Each Check runs the grader in the lab and writes an attempt: a few a minute is plenty for a person. */
  checkPerUser: RateLimiterMemory;
}

export function createLimits(): Limits {
  return {
    signInPerAccount: new RateLimiterMemory({ keyPrefix: "signin-account", points: 5, duration: 15 * 60 }),
    // A whole bootcamp class may sit behind one NAT address: the per-address limits leave room for it.
    signInPerAddress: new RateLimiterMemory({ keyPrefix: "signin-address", points: 100, duration: 15 * 60 }),
    signUpPerAddress: new RateLimiterMemory({ keyPrefix: "signup-address", points: 100, duration: 60 * 60 }),
    labStartPerUser: new RateLimiterMemory({ keyPrefix: "lab-start", points: 10, duration: 10 * 60 }),
    labStartPerAddress: new RateLimiterMemory({ keyPrefix: "lab-start-address", points: 120, duration: 10 * 60 }),
    checkPerUser: new RateLimiterMemory({ keyPrefix: "check", points: 20, duration: 60 }),
  };
}

// Next may load this module more than once (separate bundles); the counters must be one.
export function limits(): Limits {
  return processSingleton("rate-limits", createLimits);
}

/** Takes one point from each limiter (all of them, so every counter sees the attempt); refuses when any is used up. */
export async function consume(...checks: [RateLimiterMemory, string][]): Promise<Limited> {
  let wait = 0;
  for (const [limiter, key] of checks) {
    try {
      await limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      wait = Math.max(wait, refusal.msBeforeNext);
    }
  }
  return wait > 0 ? { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : { ok: true };
}

/** A successful sign-in clears that account's failures, so a typo earlier does not count against later. */
export async function forgive(limiter: RateLimiterMemory, key: string): Promise<void> {
  await limiter.delete(key);
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
