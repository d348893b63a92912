// Accounts on a real SQLite database: passwords, sign-up in place, sign-in, sessions (expiry,
// forged and signed-out cookies), and the merge of an anonymous learner's work into an account.
import { describe, expect, it } from "vitest";
import {
  createSession,
  deleteSession,
  mergeAnonymousInto,
  signInSchema,
  signUp,
  signUpSchema,
  verifyCredentials,
} from "@/app/_lib/auth/accounts-core";
import { hashPassword, verifyPassword } from "@/app/_lib/auth/password";
import { createAnonymousSession, findSessionUser, hashSessionToken } from "@/app/_lib/auth/session-core";
import { freshDatabase } from "@/test/support/database";

const PASSWORD = "correct horse battery";

describe("password hashing", { timeout: 60_000 }, () => {
  it("stores argon2id with a fresh salt and verifies only the right password", async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PASSWORD);
    expect(await verifyPassword(a, PASSWORD)).toBe(true);
    expect(await verifyPassword(a, `${PASSWORD}!`)).toBe(false);
  });

  it("treats a malformed stored hash as a failed check, not a crash", async () => {
    expect(await verifyPassword("not-a-hash", PASSWORD)).toBe(false);
  });
});

describe("form input", () => {
  it("normalizes email and names what is wrong", () => {
    expect(signInSchema.parse({ email: "  Ada@Example.COM ", password: "x" }).email).toBe("ada@example.com");
    const bad = signUpSchema.safeParse({ email: "not an email", password: "short" });
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries(bad.error!.issues.map((i) => [i.path[0], i.message]));
    expect(messages).toEqual({ email: "email", password: "passwordTooShort" });
    expect(signUpSchema.parse({ email: "a@b.co", password: PASSWORD, displayName: "  " }).displayName).toBeNull();
  });
});

describe("sign-up", { timeout: 60_000 }, () => {
  it("upgrades an anonymous learner in place: same user, progress and lab stay", async () => {
    const { db } = freshDatabase();
    const anon = await createAnonymousSession(db, "ko");
    await db.progress.create({ data: { userId: anon.userId, lessonId: "04-pods", exerciseId: "create-pod", attempts: 2 } });
    const lab = await db.sandbox.create({ data: { userId: anon.userId, provider: "docker", profile: "sim", status: "ready" } });

    const result = await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: "Ada", locale: "ko", currentUserId: anon.userId });
    expect(result).toEqual({ ok: true, userId: anon.userId, upgraded: true });
    const user = await db.user.findUniqueOrThrow({ where: { id: anon.userId }, include: { progress: true, sandboxes: true } });
    expect(user.email).toBe("ada@example.com");
    expect(user.role).toBe("learner");
    expect(user.progress.map((p) => p.attempts)).toEqual([2]);
    expect(user.sandboxes.map((s) => s.id)).toEqual([lab.id]);
    expect(await verifyCredentials(db, "ada@example.com", PASSWORD)).toEqual({ userId: anon.userId });
  });

  it("refuses a taken email and creates nothing", async () => {
    const { db } = freshDatabase();
    await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: null, locale: "en" });
    const anon = await createAnonymousSession(db, "en");
    expect(await signUp(db, { email: "ada@example.com", password: "another password", displayName: null, locale: "en", currentUserId: anon.userId })).toEqual({ ok: false, error: "emailTaken" });
    // The anonymous learner is still anonymous, and the first account's password still works.
    expect((await db.user.findUniqueOrThrow({ where: { id: anon.userId } })).email).toBeNull();
    expect(await verifyCredentials(db, "ada@example.com", "another password")).toBeNull();
    expect(await db.user.count()).toBe(2);
  });

  it("never upgrades an account that already has an email", async () => {
    const { db } = freshDatabase();
    const first = await signUp(db, { email: "first@example.com", password: PASSWORD, displayName: null, locale: "en" });
    const second = await signUp(db, { email: "second@example.com", password: PASSWORD, displayName: null, locale: "en", currentUserId: first.ok ? first.userId : null });
    expect(second.ok && second.upgraded).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: first.ok ? first.userId : "" } })).email).toBe("first@example.com");
  });
});

describe("sign-in and sessions", { timeout: 60_000 }, () => {
  it("accepts the right password only, and an unknown email gives the same answer", async () => {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: null, locale: "en" });
    expect(await verifyCredentials(db, "ada@example.com", PASSWORD)).toEqual({ userId: made.ok ? made.userId : "" });
    expect(await verifyCredentials(db, "ada@example.com", "wrong password")).toBeNull();
    expect(await verifyCredentials(db, "nobody@example.com", PASSWORD)).toBeNull();
  });

  it("finds the user of a live session and refuses expired, forged and signed-out ones", async () => {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: "Ada", locale: "en" });
    const userId = made.ok ? made.userId : "";
    const session = await createSession(db, userId);
    expect(await findSessionUser(db, session.token)).toEqual({ userId, role: "learner", email: "ada@example.com", displayName: "Ada" });
    // Only the hash is stored.
    expect(await db.session.count({ where: { tokenHash: session.token } })).toBe(0);
    expect(await db.session.count({ where: { tokenHash: hashSessionToken(session.token) } })).toBe(1);

    const forged = `${session.token.slice(0, -2)}xx`;
    expect(await findSessionUser(db, forged)).toBeNull();
    expect(await findSessionUser(db, "")).toBeNull();
    expect(await findSessionUser(db, "a".repeat(500))).toBeNull();

    const old = await createSession(db, userId);
    await db.session.update({ where: { tokenHash: hashSessionToken(old.token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await findSessionUser(db, old.token)).toBeNull();

    await deleteSession(db, session.token);
    expect(await findSessionUser(db, session.token)).toBeNull();
    expect(await db.session.count({ where: { tokenHash: hashSessionToken(session.token) } })).toBe(0);
  });

  it("reads an unknown role in the database as the least privileged one", async () => {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: null, locale: "en" });
    const userId = made.ok ? made.userId : "";
    await db.user.update({ where: { id: userId }, data: { role: "superuser" } });
    const session = await createSession(db, userId);
    expect((await findSessionUser(db, session.token))?.role).toBe("learner");
  });
});

describe("merging anonymous work into an account at sign-in", { timeout: 60_000 }, () => {
  async function setUp() {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "ada@example.com", password: PASSWORD, displayName: null, locale: "en" });
    const accountId = made.ok ? made.userId : "";
    const anon = await createAnonymousSession(db, "en");
    return { db, accountId, anonId: anon.userId };
  }

  it("keeps the earliest pass, sums attempts, moves attempts and ends the anonymous user", async () => {
    const { db, accountId, anonId } = await setUp();
    const early = new Date("2026-11-01T10:00:00Z");
    const late = new Date("2026-11-10T10:00:00Z");
    await db.progress.create({ data: { userId: accountId, lessonId: "04-pods", exerciseId: "create-pod", attempts: 3, firstPassedAt: late, lastAttemptAt: late } });
    await db.progress.create({ data: { userId: anonId, lessonId: "04-pods", exerciseId: "create-pod", attempts: 2, firstPassedAt: early, lastAttemptAt: early } });
    await db.progress.create({ data: { userId: anonId, lessonId: "05-deployments", exerciseId: "scale", attempts: 1, firstPassedAt: null, lastAttemptAt: early } });
    await db.attempt.create({ data: { userId: anonId, lessonId: "04-pods", exerciseId: "create-pod", outcome: "pass", results: "{}" } });
    await db.attempt.create({ data: { userId: anonId, lessonId: "05-deployments", exerciseId: "scale", outcome: "fail", results: "{}" } });

    const report = await mergeAnonymousInto(db, anonId, accountId);
    expect(report).toMatchObject({ progressMerged: 2, attemptsMoved: 2, labsToEnd: [], labHandedOver: false });

    const progress = await db.progress.findMany({ where: { userId: accountId }, orderBy: { lessonId: "asc" } });
    expect(progress.map((p) => [p.lessonId, p.attempts, p.firstPassedAt?.toISOString() ?? null, p.lastAttemptAt?.toISOString()])).toEqual([
      ["04-pods", 5, early.toISOString(), late.toISOString()],
      ["05-deployments", 1, null, early.toISOString()],
    ]);
    expect(await db.attempt.count({ where: { userId: accountId } })).toBe(2);
    expect(await db.user.findUnique({ where: { id: anonId } })).toBeNull();
    expect(await db.session.count({ where: { userId: anonId } })).toBe(0);
  });

  it("hands the anonymous lab over when the account has none, as its newest lab", async () => {
    const { db, accountId, anonId } = await setUp();
    await db.sandbox.create({ data: { userId: accountId, provider: "docker", profile: "sim", status: "ended", endReason: "idle" } });
    const lab = await db.sandbox.create({ data: { userId: anonId, provider: "docker", profile: "sim", status: "ready", createdAt: new Date("2026-01-01T00:00:00Z") } });

    const report = await mergeAnonymousInto(db, anonId, accountId);
    expect(report).toMatchObject({ labHandedOver: true, labsToEnd: [] });
    const newest = await db.sandbox.findFirst({ where: { userId: accountId }, orderBy: { createdAt: "desc" } });
    expect(newest?.id).toBe(lab.id);
    expect(newest?.status).toBe("ready");
  });

  it("detaches the anonymous lab for ending when the account already has one", async () => {
    const { db, accountId, anonId } = await setUp();
    const mine = await db.sandbox.create({ data: { userId: accountId, provider: "docker", profile: "sim", status: "ready" } });
    const theirs = await db.sandbox.create({ data: { userId: anonId, provider: "docker", profile: "sim", status: "ready" } });

    const report = await mergeAnonymousInto(db, anonId, accountId);
    expect(report).toMatchObject({ labHandedOver: false, labsToEnd: [theirs.id] });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: theirs.id } })).userId).toBeNull();
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: mine.id } })).userId).toBe(accountId);
  });

  it("never folds one account into another", async () => {
    const { db, accountId } = await setUp();
    const other = await signUp(db, { email: "other@example.com", password: PASSWORD, displayName: null, locale: "en" });
    const otherId = other.ok ? other.userId : "";
    await db.progress.create({ data: { userId: otherId, lessonId: "04-pods", exerciseId: "create-pod", attempts: 1 } });
    expect(await mergeAnonymousInto(db, otherId, accountId)).toMatchObject({ progressMerged: 0 });
    expect(await db.user.findUnique({ where: { id: otherId } })).not.toBeNull();
    expect(await db.progress.count({ where: { userId: otherId } })).toBe(1);
  });
});
