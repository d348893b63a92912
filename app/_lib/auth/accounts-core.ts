// Accounts without Next: sign-up, sign-in, sessions and the merge of an anonymous learner into
// an account. Used by the server actions (through accounts.ts) and by tests on a real database.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@/prisma/generated/client";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./password";
import { hashSessionToken, SESSION_DAYS } from "./session-core";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "tooLong")
  .pipe(z.email("email"));
// Long passphrases are welcome; the upper bound only keeps hashing cheap to refuse.
export const passwordSchema = z.string().min(10, "passwordTooShort").max(256, "tooLong");
export const displayNameSchema = z
  .string()
  .trim()
  .max(60, "tooLong")
  .transform((v) => (v === "" ? null : v));

export const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, "required").max(256, "tooLong") });
export const signUpSchema = z.object({ email: emailSchema, password: passwordSchema, displayName: displayNameSchema.optional().default("") });

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** A fresh session for a user; the cookie carries the token, the table only its hash. */
export async function createSession(db: PrismaClient, userId: string): Promise<NewSession> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await db.session.create({ data: { tokenHash: hashSessionToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function deleteSession(db: PrismaClient, token: string | undefined): Promise<void> {
  if (!token || token.length > 200) return;
  await db.session.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

export type SignUpResult = { ok: true; userId: string; upgraded: boolean } | { ok: false; error: "emailTaken" };

/**
 * Creates an account. An anonymous learner (a user row without email) is upgraded in place, so
 * their progress, attempts and lab stay theirs; anyone else gets a new user row.
 */
export async function signUp(
  db: PrismaClient,
  input: { email: string; password: string; displayName: string | null; locale: string; currentUserId?: string | null; role?: "learner" | "instructor" },
): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password);
  const data = { email: input.email, passwordHash, displayName: input.displayName, locale: input.locale };
  try {
    if (input.currentUserId) {
      // Only a row that is still anonymous is upgraded; the condition makes a double submit harmless.
      const { count } = await db.user.updateMany({ where: { id: input.currentUserId, email: null }, data: { ...data, role: input.role ?? "learner" } });
      if (count === 1) return { ok: true, userId: input.currentUserId, upgraded: true };
    }
    const user = await db.user.create({ data: { ...data, role: input.role ?? "learner" } });
    return { ok: true, userId: user.id, upgraded: false };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "emailTaken" };
    throw error;
  }
}

/** The account for these credentials, or null. Unknown email and wrong password take the same time. */
export async function verifyCredentials(db: PrismaClient, email: string, password: string): Promise<{ userId: string } | null> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  if (!user?.passwordHash) return verifyAgainstDecoy(password).then(() => null);
  return (await verifyPassword(user.passwordHash, password)) ? { userId: user.id } : null;
}

export interface MergeReport {
  /** Labs of the anonymous learner that the account could not take over; the caller ends them. */
  labsToEnd: string[];
  progressMerged: number;
  attemptsMoved: number;
  labHandedOver: boolean;
}

/**
 * Someone who worked anonymously signs in to an existing account: their progress (earliest
 * pass, summed attempts), attempts, cohort places and lab move to the account, in one
 * transaction, and the anonymous user row goes. The lab is handed over when the account has
 * none running or queued; otherwise it is detached here and ended by the caller, because
 * stopping a container cannot be part of a database transaction.
 */
export async function mergeAnonymousInto(db: PrismaClient, anonymousUserId: string, accountUserId: string): Promise<MergeReport> {
  if (anonymousUserId === accountUserId) return { labsToEnd: [], progressMerged: 0, attemptsMoved: 0, labHandedOver: false };
  return db.$transaction(async (tx) => {
    const anonymous = await tx.user.findUnique({ where: { id: anonymousUserId }, select: { email: true } });
    // Only anonymous rows are merged away: an account is never folded into another.
    if (!anonymous || anonymous.email !== null) return { labsToEnd: [], progressMerged: 0, attemptsMoved: 0, labHandedOver: false };

    let progressMerged = 0;
    const theirs = await tx.progress.findMany({ where: { userId: anonymousUserId } });
    for (const p of theirs) {
      const mine = await tx.progress.findUnique({ where: { userId_lessonId_exerciseId: { userId: accountUserId, lessonId: p.lessonId, exerciseId: p.exerciseId } } });
      if (!mine) {
        await tx.progress.update({ where: { id: p.id }, data: { userId: accountUserId } });
      } else {
        await tx.progress.update({
          where: { id: mine.id },
          data: {
            attempts: mine.attempts + p.attempts,
            firstPassedAt: earliest(mine.firstPassedAt, p.firstPassedAt),
            lastAttemptAt: latest(mine.lastAttemptAt, p.lastAttemptAt),
          },
        });
        await tx.progress.delete({ where: { id: p.id } });
      }
      progressMerged++;
    }

    const { count: attemptsMoved } = await tx.attempt.updateMany({ where: { userId: anonymousUserId }, data: { userId: accountUserId } });

    for (const e of await tx.enrollment.findMany({ where: { userId: anonymousUserId } })) {
      const already = await tx.enrollment.findUnique({ where: { cohortId_userId: { cohortId: e.cohortId, userId: accountUserId } } });
      if (already) await tx.enrollment.delete({ where: { id: e.id } });
      else await tx.enrollment.update({ where: { id: e.id }, data: { userId: accountUserId } });
    }

    const accountBusy = (await tx.sandbox.count({ where: { userId: accountUserId, status: { in: ["queued", "starting", "ready"] } } })) > 0;
    const running = await tx.sandbox.findMany({ where: { userId: anonymousUserId, status: { in: ["starting", "ready"] } }, select: { id: true } });
    const labsToEnd: string[] = [];
    let labHandedOver = false;
    if (accountBusy) {
      await tx.sandbox.deleteMany({ where: { userId: anonymousUserId, status: "queued" } });
      for (const lab of running) labsToEnd.push(lab.id);
      await tx.sandbox.updateMany({ where: { id: { in: labsToEnd } }, data: { userId: null } });
    } else if (running.length > 0) {
      // The manager shows a learner their newest lab, so the handed-over one must be newest.
      await tx.sandbox.updateMany({ where: { id: { in: running.map((r) => r.id) } }, data: { userId: accountUserId, createdAt: new Date() } });
      labHandedOver = true;
    }
    // What remains (ended labs, a queue place) is history or a place in line: it moves too.
    await tx.sandbox.updateMany({ where: { userId: anonymousUserId }, data: { userId: accountUserId } });
    await tx.user.delete({ where: { id: anonymousUserId } });
    return { labsToEnd, progressMerged, attemptsMoved, labHandedOver };
  });
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
