// The learner's lab functions (app/_lib/data/labs.ts) through a DataContext over a real
// database: who gets a lab, when an anonymous learner is made and their cookie written, what
// a caller's address is refused, and whose lab a terminal ticket opens. The lab manager is a
// stand-in that records what it was asked: a unit test runs no labs (the manager itself is
// tested on real Docker in test/integration/labs/manager.test.ts).
import { describe, expect, it } from "vitest";
import { signUp } from "@/app/_lib/auth/accounts-core";
import { createAnonymousSession, findSessionUser } from "@/app/_lib/auth/session-core";
import { signInWithPassword, signOut } from "@/app/_lib/data/accounts";
import { lessonLabNeed, startMyLab, stopMyLab, terminalTicket } from "@/app/_lib/data/labs";
import { LabsUnavailableError } from "@/app/_lib/lab/runtime";
import { EngineUnavailableError } from "@/sandbox/manager/engine-watch";
import type { LabView } from "@/sandbox/manager/view";
import { verifyTerminalToken } from "@/sandbox/terminal/token";
import { standInRuntime, testContext } from "@/test/support/data-context";
import { freshDatabase } from "@/test/support/database";

/** A runtime whose manager queues every request and remembers who asked, from where, for which profile. */
function recordingRuntime(options: { addressFull?: boolean; engineUp?: boolean } = {}) {
  const requests: { userId: string; address?: string; profile?: string }[] = [];
  const runtime = standInRuntime({
    manager: {
      view: async () => ({ state: "none" }),
      request: async (userId, address, profile) => {
        requests.push({ userId, address, profile });
        return { state: "queued", position: requests.length, queueLength: requests.length };
      },
      addressWaitingFull: async () => options.addressFull ?? false,
      ...(options.engineUp === false ? { engine: { up: false, state: { up: false, reason: "docker is not answering", since: new Date() } } } : {}),
    },
  });
  return { runtime, requests };
}

describe("a learner's lab through DataContext", () => {
  it("a caller without a session gets an anonymous learner, its cookie, and a lab request from its address", async () => {
    const { db } = freshDatabase();
    const { runtime, requests } = recordingRuntime();
    const ctx = testContext(db, { runtime, address: "198.51.100.7" });

    await startMyLab("ko", "01-why-orchestration", ctx);
    expect(ctx.jar.token).toBeTruthy();
    const learner = await findSessionUser(db, ctx.jar.token);
    expect(learner).toMatchObject({ role: "learner", email: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: learner!.userId } })).locale).toBe("ko");
    expect(requests).toEqual([{ userId: learner!.userId, address: "198.51.100.7", profile: "sim" }]);

    // The same browser asking again is the same learner: no second identity.
    await startMyLab("ko", "01-why-orchestration", ctx);
    expect(requests.map((r) => r.userId)).toEqual([learner!.userId, learner!.userId]);
    expect(await db.user.count()).toBe(1);
  });

  it("a profile the provider does not offer is answered with its refusal's code, before any identity or request", async () => {
    const { db } = freshDatabase();
    const { requests } = recordingRuntime();
    const runtime = standInRuntime({
      provider: { profileRefusal: () => ({ code: "node-needs-runtime-class", message: "node labs need a RuntimeClass" }) },
    });
    const ctx = testContext(db, { runtime, address: "198.51.100.9" });
    expect(await startMyLab("en", null, ctx)).toEqual({ state: "none", profileUnavailable: "sim", profileRefusal: "node-needs-runtime-class" });
    // The lesson's need carries the same code, for the offer to switch profiles.
    expect(await lessonLabNeed("01-why-orchestration", ctx)).toEqual({ profile: "sim", offered: false, refusal: "node-needs-runtime-class" });
    expect(requests).toEqual([]);
    expect(ctx.jar.token).toBeUndefined();
    expect(await db.user.count()).toBe(0);
  });

  it("an address whose queued labs are at the cap is refused before any identity is made", async () => {
    const { db } = freshDatabase();
    const { runtime, requests } = recordingRuntime({ addressFull: true });
    const ctx = testContext(db, { runtime, address: "198.51.100.8" });
    expect(await startMyLab("en", null, ctx)).toEqual({ state: "none", waitingPerAddressLimit: 20 });
    expect(ctx.jar.token).toBeUndefined();
    expect(await db.user.count()).toBe(0);
    expect(requests).toEqual([]);
  });

  it("a script clearing its cookie in a loop makes no more learners than the address's lab-start limit", async () => {
    const { db } = freshDatabase();
    const { runtime } = recordingRuntime();
    const refused: Extract<LabView, { state: "none" }>[] = [];
    for (let i = 0; i < 130; i++) {
      const view = await startMyLab("en", null, testContext(db, { runtime, address: "198.51.100.9" }));
      if (view.state === "none") refused.push(view);
    }
    expect(await db.user.count()).toBe(120);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("with the engine away, nothing is spent: no identity, no request, a clear error", async () => {
    const { db } = freshDatabase();
    const { runtime, requests } = recordingRuntime({ engineUp: false });
    const ctx = testContext(db, { runtime, address: "198.51.100.10" });
    await expect(startMyLab("en", null, ctx)).rejects.toThrow(EngineUnavailableError);
    expect(await db.user.count()).toBe(0);
    expect(requests).toEqual([]);
    await expect(startMyLab("en", null, testContext(db, { address: "198.51.100.10" }))).rejects.toThrow(LabsUnavailableError);
  });

  it("a terminal ticket opens only the asker's own ready lab", async () => {
    const { db } = freshDatabase();
    const mine = await createAnonymousSession(db, "en");
    const runtime = standInRuntime({
      manager: {
        view: async (userId) => (userId === mine.userId ? ({ state: "ready", sandboxId: "lab-of-mine" } as LabView) : { state: "none" }),
      },
    });
    expect(await terminalTicket(testContext(db, { runtime }))).toEqual({ ok: false, reason: "no-session" });
    const other = await createAnonymousSession(db, "en");
    expect(await terminalTicket(testContext(db, { runtime, token: other.token }))).toEqual({ ok: false, reason: "no-lab" });
    const ticket = await terminalTicket(testContext(db, { runtime, token: mine.token }));
    if (!ticket.ok) throw new Error(`no ticket: ${ticket.reason}`);
    expect(await verifyTerminalToken(runtime.secret, ticket.token)).toMatchObject({ ok: true, claims: { userId: mine.userId, sandboxId: "lab-of-mine" } });
    // A forged ticket (signed with another secret) opens nothing.
    const forged = await terminalTicket(testContext(db, { runtime: { ...runtime, secret: new TextEncoder().encode("another secret, thirty-two bytes!!") }, token: mine.token }));
    if (!forged.ok) throw new Error("no forged ticket");
    expect(await verifyTerminalToken(runtime.secret, forged.token)).toEqual({ ok: false, reason: "invalid" });
    // Nobody stops a lab without a session.
    expect(await stopMyLab(testContext(db, { runtime }))).toEqual({ state: "none" });
  });

  it("signing in rotates the session cookie (a planted token is worth nothing after) and signing out clears it", async () => {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "rotate@example.com", password: "a long password", displayName: null, locale: "en" });
    if (!made.ok) throw new Error("sign-up failed");
    const planted = await createAnonymousSession(db, "en");
    const ctx = testContext(db, { token: planted.token, address: "198.51.100.11" });
    expect(await signInWithPassword({ email: "rotate@example.com", password: "a long password" }, ctx)).toEqual({ ok: true });
    expect(ctx.jar.token).not.toBe(planted.token);
    expect(await findSessionUser(db, planted.token)).toBeNull();
    expect(await findSessionUser(db, ctx.jar.token)).toMatchObject({ userId: made.userId, email: "rotate@example.com" });
    const signedIn = ctx.jar.token;
    await signOut(ctx);
    expect(ctx.jar.token).toBeUndefined();
    expect(await findSessionUser(db, signedIn)).toBeNull();
  });
});
