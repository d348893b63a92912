// Signing in, up and out inside Next: rate limits, the session cookie (rotated on every
// sign-in), and the hand-over of anonymous work. Who is asking always comes from the cookie.
import "server-only";
import {
  createSession,
  deleteSession,
  mergeAnonymousInto,
  signUp,
  verifyCredentials,
} from "@/app/_lib/auth/accounts-core";
import { consume, forgive, limits } from "@/app/_lib/auth/rate-limit";
import type { Role } from "@/app/_lib/auth/session-core";
import { logger } from "@/app/_lib/log";
import { type DataContext, requestContext } from "./data-context";

/** A refusal's error is a key of "Actions.errors"; `values` is what was typed (never the password). */
type Outcome =
  | { ok: true }
  | { ok: false; error: "invalidCredentials" | "emailTaken" | "rateLimited"; retryAfterSeconds?: number; values: { email: string; displayName?: string } };

async function startSession(ctx: DataContext, userId: string): Promise<void> {
  const { db } = ctx;
  // A new token at every sign-in: a cookie planted before (session fixation) is worth nothing after.
  await deleteSession(db, await ctx.sessionCookie.read());
  await ctx.sessionCookie.write(await createSession(db, userId));
  await db.user.update({ where: { id: userId }, data: { lastSeenAt: new Date() } });
  // Expired sessions are refused anyway; signing in is a good moment to drop this user's old rows.
  await db.session.deleteMany({ where: { userId, expiresAt: { lt: new Date() } } });
}

export async function signInWithPassword(input: { email: string; password: string }, ctx?: DataContext): Promise<Outcome> {
  ctx ??= await requestContext();
  const address = await ctx.callerAddress();
  const { signInPerAccount, signInPerAddress } = await limits();
  const accountKey = `${address}|${input.email}`;
  const limited = await consume([signInPerAccount, accountKey], [signInPerAddress, address]);
  if (!limited.ok) {
    // The client's address as peer-address.ts decided it (the proxy's client, not the proxy), for an operator reading the log.
    logger.warn({ address, retryAfterSeconds: limited.retryAfterSeconds }, "sign-in rate-limited");
    return { ok: false, error: "rateLimited", retryAfterSeconds: limited.retryAfterSeconds, values: { email: input.email } };
  }

  const account = await verifyCredentials(ctx.db, input.email, input.password);
  if (!account) return { ok: false, error: "invalidCredentials", values: { email: input.email } };
  await forgive(signInPerAccount, accountKey);

  const before = await ctx.asker();
  if (before && before.email === null && before.userId !== account.userId) {
    const merged = await mergeAnonymousInto(ctx.db, before.userId, account.userId);
    logger.info({ userId: account.userId, from: before.userId, ...merged }, "anonymous work merged into account");
    const manager = ctx.runtime()?.manager;
    for (const sandboxId of merged.labsToEnd) await manager?.endLab(sandboxId, "replaced");
  }
  await startSession(ctx, account.userId);
  return { ok: true };
}

export async function signUpWithPassword(
  input: { email: string; password: string; displayName: string | null; locale: string },
  ctx?: DataContext,
): Promise<Outcome> {
  ctx ??= await requestContext();
  const address = await ctx.callerAddress();
  const limited = await consume([(await limits()).signUpPerAddress, address]);
  const values = { email: input.email, displayName: input.displayName ?? "" };
  if (!limited.ok) return { ok: false, error: "rateLimited", retryAfterSeconds: limited.retryAfterSeconds, values };

  const before = await ctx.asker();
  // An anonymous learner keeps their row (progress, attempts, lab); anyone else gets a new one.
  const result = await signUp(ctx.db, { ...input, currentUserId: before && before.email === null ? before.userId : null });
  if (!result.ok) return { ok: false, error: result.error, values };
  await startSession(ctx, result.userId);
  return { ok: true };
}

export async function signOut(ctx?: DataContext): Promise<void> {
  ctx ??= await requestContext();
  await deleteSession(ctx.db, await ctx.sessionCookie.read());
  await ctx.sessionCookie.clear();
}

export interface AccountStatus {
  signedIn: boolean;
  email: string | null;
  displayName: string | null;
  role: Role | null;
}

/** For the header of prerendered pages: who is this browser, as far as the cookie says. */
export async function myAccountStatus(ctx?: DataContext): Promise<AccountStatus> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user?.email) return { signedIn: false, email: null, displayName: null, role: null };
  return { signedIn: true, email: user.email, displayName: user.displayName, role: user.role };
}
