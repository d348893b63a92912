// The admin data layer on a real database: only an admin gets anything, and what an admin does
// (make an instructor, create an instructor account, stop a lab) is what happens.
import { describe, expect, it } from "vitest";
import { signUp, verifyCredentials } from "@/app/_lib/auth/accounts-core";
import { AuthError } from "@/app/_lib/auth/guards";
import { createAnonymousSession, findSessionUser, type SessionUser } from "@/app/_lib/auth/session-core";
import type { DataContext } from "@/app/_lib/data/data-context";
import { createInstructor, labCapacity, listLabs, listUsers, setUserRole, stopLab } from "@/app/_lib/data/admin";
import { createSession } from "@/app/_lib/auth/accounts-core";
import type { PrismaClient } from "@/prisma/generated/client";
import { standInRuntime, testContext } from "@/test/support/data-context";
import { freshDatabase } from "@/test/support/database";

async function account(db: PrismaClient, email: string, role: "learner" | "instructor" | "admin"): Promise<SessionUser> {
  const made = await signUp(db, { email, password: "a long password", displayName: null, locale: "en" });
  if (!made.ok) throw new Error("sign-up failed");
  await db.user.update({ where: { id: made.userId }, data: { role } });
  // The asker is found the way a request finds it: from a session token.
  return (await findSessionUser(db, (await createSession(db, made.userId)).token))!;
}

function context(db: PrismaClient, asker: SessionUser | null, ended: string[] = []): DataContext {
  const runtime = standInRuntime({
    // What the admin functions ask of the lab manager (a unit test runs no labs).
    manager: {
      summary: async () => ({ capacity: 4, queue: 0, poolSize: 1, byStatus: { ready: 1 } }),
      endLab: async (id: string) => {
        const { count } = await db.sandbox.updateMany({ where: { id, status: { in: ["ready", "starting", "pooled"] } }, data: { status: "ended", endReason: "removed" } });
        if (count) ended.push(id);
        return count === 1;
      },
    },
    provider: { memoryBytes: async () => 270 * 1024 * 1024 },
  });
  return testContext(db, { asker, runtime });
}

// Argon2 hashing on a busy 2-core host can take a second per account; the limit is generous, not a timing claim.
describe("admin data layer", { timeout: 60_000 }, () => {
  it("refuses nobody, anonymous learners, learners and instructors, for every function", async () => {
    const { db } = freshDatabase();
    const anon = await createAnonymousSession(db, "en");
    const askers: [SessionUser | null, number][] = [
      [null, 401],
      [(await findSessionUser(db, anon.token))!, 401],
      [await account(db, "learner@example.com", "learner"), 403],
      [await account(db, "teacher@example.com", "instructor"), 403],
    ];
    const target = await account(db, "target@example.com", "learner");
    const lab = await db.sandbox.create({ data: { userId: target.userId, provider: "docker", profile: "sim", status: "ready" } });
    for (const [asker, status] of askers) {
      const ctx = context(db, asker);
      const calls: (() => Promise<unknown>)[] = [
        () => listLabs(ctx),
        () => labCapacity(ctx),
        () => listUsers(ctx),
        () => stopLab(lab.id, ctx),
        () => setUserRole({ userId: target.userId, role: "admin" }, ctx),
        () => createInstructor({ email: "sneaky@example.com", password: "a long password" }, "en", ctx),
      ];
      for (const call of calls) {
        const error = await call().then(() => null, (e: unknown) => e);
        expect(error, `${asker?.email ?? "nobody"}: ${call.toString()}`).toBeInstanceOf(AuthError);
        expect((error as AuthError).status).toBe(status);
      }
    }
    // Nothing happened.
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: lab.id } })).status).toBe("ready");
    expect((await db.user.findUniqueOrThrow({ where: { id: target.userId } })).role).toBe("learner");
    expect(await db.user.count({ where: { email: "sneaky@example.com" } })).toBe(0);
  });

  it("lets an admin see labs and accounts, make an instructor, create one, and stop a lab", async () => {
    const { db } = freshDatabase();
    const admin = await account(db, "admin@example.com", "admin");
    const learner = await account(db, "ada@example.com", "learner");
    const anon = await createAnonymousSession(db, "ko");
    const ladaLab = await db.sandbox.create({ data: { userId: learner.userId, provider: "docker", profile: "sim", status: "ready", providerState: JSON.stringify({ kind: "docker", ref: "c1", name: "n1", profile: "sim", version: "v" }) } });
    await db.sandbox.create({ data: { userId: anon.userId, provider: "docker", profile: "sim", status: "starting" } });
    await db.sandbox.create({ data: { userId: null, provider: "docker", profile: "sim", status: "pooled" } });
    await db.sandbox.create({ data: { userId: learner.userId, provider: "docker", profile: "sim", status: "ended" } });
    const ended: string[] = [];
    const ctx = context(db, admin, ended);

    const labs = await listLabs(ctx);
    expect(labs).toHaveLength(3);
    const owners = labs.map((l) => l.ownerEmail ?? (l.anonymousOwner ? "anonymous" : "pool")).sort();
    expect(owners).toEqual(["ada@example.com", "anonymous", "pool"]);
    // Memory comes from the provider for labs with a container; a lab still starting has none yet.
    expect(labs.find((l) => l.id === ladaLab.id)?.memoryBytes).toBe(270 * 1024 * 1024);
    expect(labs.find((l) => l.anonymousOwner)?.memoryBytes).toBeNull();
    expect(await labCapacity(ctx)).toMatchObject({ capacity: 4 });

    const users = await listUsers(ctx);
    expect(users.accounts.map((u) => u.email).sort()).toEqual(["ada@example.com", "admin@example.com"]);
    expect(users.anonymous).toBe(1);

    // A changed role ends every session of that user (issue 12): the old cookie names nobody.
    const learnerToken = (await createSession(db, learner.userId)).token;
    expect(await findSessionUser(db, learnerToken)).not.toBeNull();
    expect(await setUserRole({ userId: learner.userId, role: "instructor" }, ctx)).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: learner.userId } })).role).toBe("instructor");
    expect(await findSessionUser(db, learnerToken)).toBeNull();
    expect(await db.session.count({ where: { userId: learner.userId } })).toBe(0);
    // Saving the same role again changes nothing, so it ends nothing.
    const again = (await createSession(db, learner.userId)).token;
    expect(await setUserRole({ userId: learner.userId, role: "instructor" }, ctx)).toEqual({ ok: true });
    expect(await findSessionUser(db, again)).toMatchObject({ role: "instructor" });
    // And back down: ended again, and the admin's own session is untouched.
    expect(await setUserRole({ userId: learner.userId, role: "learner" }, ctx)).toEqual({ ok: true });
    expect(await findSessionUser(db, again)).toBeNull();
    expect(await db.session.count({ where: { userId: admin.userId } })).toBeGreaterThan(0);
    await setUserRole({ userId: learner.userId, role: "instructor" }, ctx);
    expect(await setUserRole({ userId: admin.userId, role: "learner" }, ctx)).toEqual({ ok: false, reason: "own-role" });
    expect(await setUserRole({ userId: anon.userId, role: "instructor" }, ctx)).toEqual({ ok: false, reason: "not-found" });
    await expect(setUserRole({ userId: learner.userId, role: "root" as "admin" }, ctx)).rejects.toThrow();

    const created = await createInstructor({ email: "Teacher@Example.com", password: "initial password", displayName: "Kim" }, "ko", ctx);
    expect(created.ok).toBe(true);
    const teacher = await db.user.findUniqueOrThrow({ where: { email: "teacher@example.com" } });
    expect(teacher).toMatchObject({ role: "instructor", displayName: "Kim", locale: "ko" });
    expect(await verifyCredentials(db, "teacher@example.com", "initial password")).toEqual({ userId: teacher.id });
    expect(await createInstructor({ email: "teacher@example.com", password: "initial password" }, "ko", ctx)).toEqual({ ok: false, reason: "emailTaken" });

    expect(await stopLab(ladaLab.id, ctx)).toEqual({ ok: true });
    expect(ended).toEqual([ladaLab.id]);
    expect(await stopLab(ladaLab.id, ctx)).toEqual({ ok: false, reason: "not-found" });
  });
});
