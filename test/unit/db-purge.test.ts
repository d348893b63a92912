// The purge job on a real, migrated SQLite database: what can never be used again goes, and
// everything someone could still come back to stays.
import { describe, expect, it } from "vitest";
import { createSession } from "@/app/_lib/auth/accounts-core";
import { createAnonymousSession } from "@/app/_lib/auth/session-core";
import { purgeStale } from "@/app/_lib/db/purge";
import { freshDatabase } from "@/test/support/database";

const DAY = 24 * 3600 * 1000;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

describe("the purge job", { timeout: 60_000 }, () => {
  it("deletes expired sessions, labs ended long ago and anonymous learners who left nothing, and nothing else", async () => {
    const { db } = freshDatabase();
    // An account with an expired and a live session.
    const account = await db.user.create({ data: { email: "kept@example.com", createdAt: daysAgo(400) } });
    await db.session.create({ data: { tokenHash: "expired", userId: account.id, expiresAt: daysAgo(1) } });
    await createSession(db, account.id);

    // Anonymous learners: gone for good with nothing, still holding a live cookie, with progress,
    // with an attempt, with a lab running, and one made a moment ago.
    const abandoned = await db.user.create({ data: { createdAt: daysAgo(40) } });
    await db.session.create({ data: { tokenHash: "abandoned", userId: abandoned.id, expiresAt: daysAgo(10) } });
    const endedLabOfAbandoned = await db.sandbox.create({ data: { userId: abandoned.id, provider: "docker", profile: "sim", status: "ended", endedAt: daysAgo(39) } });
    const returning = await createAnonymousSession(db, "ko");
    await db.user.update({ where: { id: returning.userId }, data: { createdAt: daysAgo(40) } });
    const withProgress = await db.user.create({ data: { createdAt: daysAgo(40), progress: { create: { lessonId: "01", exerciseId: "e", attempts: 1 } } } });
    const withAttempt = await db.user.create({ data: { createdAt: daysAgo(40), attempts: { create: { lessonId: "01", exerciseId: "e", outcome: "fail", results: "{}" } } } });
    const withLab = await db.user.create({ data: { createdAt: daysAgo(40), sandboxes: { create: { provider: "docker", profile: "sim", status: "ready" } } } });
    const justNow = await db.user.create({ data: {} });

    // Labs: ended long ago (with an attempt pointing at it), ended recently, failed long ago, running for ages.
    const oldLab = await db.sandbox.create({ data: { userId: account.id, provider: "docker", profile: "sim", status: "ended", endedAt: daysAgo(31), createdAt: daysAgo(32) } });
    const attempt = await db.attempt.create({ data: { userId: account.id, lessonId: "01", exerciseId: "e", sandboxId: oldLab.id, outcome: "pass", results: '{"version":1}' } });
    const recentLab = await db.sandbox.create({ data: { userId: account.id, provider: "docker", profile: "sim", status: "ended", endedAt: daysAgo(2) } });
    const failedLab = await db.sandbox.create({ data: { provider: "docker", profile: "sim", status: "failed", createdAt: daysAgo(60) } });
    const runningLab = await db.sandbox.create({ data: { userId: account.id, provider: "docker", profile: "sim", status: "ready", createdAt: daysAgo(60) } });

    const report = await purgeStale(db, { afterDays: 30, now });
    expect(report).toEqual({ sessions: 2, labs: 3, anonymousLearners: 1 });

    const userIds = new Set((await db.user.findMany({ select: { id: true } })).map((u) => u.id));
    expect(userIds.has(abandoned.id)).toBe(false);
    for (const kept of [account.id, returning.userId, withProgress.id, withAttempt.id, withLab.id, justNow.id]) expect(userIds.has(kept)).toBe(true);
    expect((await db.session.findMany({ where: { userId: account.id } })).map((s) => s.tokenHash)).toHaveLength(1);
    expect(await db.session.count({ where: { tokenHash: { in: ["expired", "abandoned"] } } })).toBe(0);

    const labIds = new Set((await db.sandbox.findMany({ select: { id: true } })).map((s) => s.id));
    expect([...labIds].sort()).toEqual([recentLab.id, runningLab.id, ...(await db.sandbox.findMany({ where: { userId: withLab.id }, select: { id: true } })).map((s) => s.id)].sort());
    expect(labIds.has(endedLabOfAbandoned.id) || labIds.has(oldLab.id) || labIds.has(failedLab.id)).toBe(false);
    // The attempt stays, with its results; only its link to the deleted lab is gone.
    expect(await db.attempt.findUniqueOrThrow({ where: { id: attempt.id } })).toMatchObject({ sandboxId: null, results: '{"version":1}' });

    // Running it again finds nothing more.
    expect(await purgeStale(db, { afterDays: 30, now })).toEqual({ sessions: 0, labs: 0, anonymousLearners: 0 });
  });
});
