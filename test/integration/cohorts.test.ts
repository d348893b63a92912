// Cohort data access on a real, migrated SQLite database: every function refuses nobody, an
// anonymous learner, a learner and another instructor, and serves the cohort's own instructor
// and admins; invite links can be regenerated, learners removed and re-admitted, and the CSV
// export holds what the matrix holds, quoted so a spreadsheet reads it back unchanged.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before any module reads the environment: lessons come from a fixture with exercises.
  process.env.KUBELAB_CONTENT_DIR = "test/fixtures/content-cohort";
});

import { createSession, deleteSession } from "@/app/_lib/auth/accounts-core";
import { findSessionUser, type Role, type SessionUser } from "@/app/_lib/auth/session-core";
import { setUserRole } from "@/app/_lib/data/admin";
import type { PrismaClient } from "@/prisma/generated/client";
import { cohortCsv, cohortMatrix, type CsvLabels, learnerDetail, resetLearnerLab, watchCohort } from "@/app/_lib/data/cohort-progress";
import {
  CohortInputError,
  cohortSettings,
  createCohort,
  invitePreview,
  joinCohort,
  listMyCohorts,
  readmitLearner,
  regenerateInvite,
  removeLearner,
} from "@/app/_lib/data/cohorts";
import type { DataContext } from "@/app/_lib/data/data-context";
import { cohortEventStream } from "@/app/_lib/cohort/event-stream";
import { publishProgress } from "@/app/_lib/data/progress-events";
import { testContext } from "../support/data-context";
import { freshDatabase } from "../support/database";

let db: PrismaClient;
const users: Record<string, SessionUser> = {};

async function user(key: string, role: Role, email: string | null, displayName: string | null): Promise<SessionUser> {
  const row = await db.user.create({ data: { role, email, displayName } });
  users[key] = { userId: row.id, role, email, displayName };
  return users[key]!;
}

/** The context a request by this user (or by nobody) would have; no lab runtime in this process. */
function as(who: SessionUser | null): DataContext {
  return testContext(db, { asker: who });
}

const inTwoWeeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString();
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();
const lastWeek = () => new Date(Date.now() - 7 * 86_400_000).toISOString();

const labels: CsvLabels = {
  name: "Name",
  email: "Email",
  passed: "Passed",
  total: "Exercises",
  lastActivity: "Last activity",
  status: "status",
  firstPassedAt: "first passed at",
  attempts: "attempts",
  statusPassed: "passed",
  statusAttempted: "attempted",
  statusNotStarted: "not started",
};

let cohortId: string;
let otherCohortId: string;

beforeAll(async () => {
  db = freshDatabase().db;
  await user("admin", "admin", "admin@example.com", "Admin");
  await user("teacher", "instructor", "teacher@example.com", "박강사");
  await user("otherTeacher", "instructor", "other@example.com", "Other Teacher");
  await user("minji", "learner", "minji@example.com", "김민지");
  await user("tricky", "learner", "tricky@example.com", '=HYPERLINK("x"), "Bob"');
  await user("outsider", "learner", "outsider@example.com", "Outsider");
  await user("anonymous", "learner", null, null);
  cohortId = (await createCohort({ name: "11월 부트캠프", lessonIds: ["01-first-pods"], startsAt: lastWeek(), endsAt: inTwoWeeks() }, as(users.teacher!))).id;
  otherCohortId = (await createCohort({ name: "Other class", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() }, as(users.otherTeacher!))).id;
});

async function inviteOf(id: string): Promise<string> {
  return (await cohortSettings(id, as(users.teacher!))).inviteCode;
}

describe("creating a cohort", () => {
  const input = () => ({ name: "Class", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() });

  it("is refused to nobody, anonymous learners and learners", async () => {
    await expect(createCohort(input(), as(null))).rejects.toMatchObject({ status: 401 });
    await expect(createCohort(input(), as(users.anonymous!))).rejects.toMatchObject({ status: 401 });
    await expect(createCohort(input(), as(users.minji!))).rejects.toMatchObject({ status: 403 });
  });

  it("names each bad field, and an unknown lesson", async () => {
    const bad = await createCohort({ name: "  ", lessonIds: [], startsAt: inTwoWeeks(), endsAt: lastWeek() }, as(users.teacher!)).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CohortInputError);
    expect((bad as CohortInputError).issues).toEqual(
      expect.arrayContaining([
        { field: "name", code: "name-required" },
        { field: "lessonIds", code: "lessons-required" },
      ]),
    );
    const order = await createCohort({ ...input(), startsAt: inTwoWeeks(), endsAt: lastWeek() }, as(users.teacher!)).catch((e: unknown) => e);
    expect((order as CohortInputError).issues).toEqual([{ field: "endsAt", code: "dates-order" }]);
    const unknown = await createCohort({ ...input(), lessonIds: ["07-not-a-lesson"] }, as(users.teacher!)).catch((e: unknown) => e);
    expect((unknown as CohortInputError).issues).toEqual([{ field: "lessonIds", code: "lesson-unknown" }]);
  });

  it("gives an unguessable invite code", async () => {
    const code = await inviteOf(cohortId);
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(code).not.toBe(await cohortSettings(otherCohortId, as(users.otherTeacher!)).then((s) => s.inviteCode));
  });
});

describe("listing cohorts", () => {
  it("shows instructors their own and admins all", async () => {
    expect((await listMyCohorts(as(users.teacher!))).map((c) => c.id)).toEqual([cohortId]);
    expect((await listMyCohorts(as(users.otherTeacher!))).map((c) => c.id)).toEqual([otherCohortId]);
    expect((await listMyCohorts(as(users.admin!))).map((c) => c.id).sort()).toEqual([cohortId, otherCohortId].sort());
  });

  it("refuses learners and nobody", async () => {
    await expect(listMyCohorts(as(users.minji!))).rejects.toMatchObject({ status: 403 });
    await expect(listMyCohorts(as(null))).rejects.toMatchObject({ status: 401 });
  });
});

describe("joining", () => {
  it("needs an account", async () => {
    const code = await inviteOf(cohortId);
    await expect(joinCohort(code, as(null))).rejects.toMatchObject({ status: 401 });
    await expect(joinCohort(code, as(users.anonymous!))).rejects.toMatchObject({ status: 401 });
    expect(await invitePreview(code, as(users.anonymous!))).toMatchObject({ valid: true, membership: "no-account" });
    expect(await invitePreview(code, as(null))).toMatchObject({ valid: true, cohortName: "11월 부트캠프", instructorName: "박강사", membership: "signed-out" });
  });

  it("is idempotent", async () => {
    const code = await inviteOf(cohortId);
    expect(await joinCohort(code, as(users.minji!))).toEqual({ ok: true, alreadyMember: false });
    expect(await joinCohort(code, as(users.minji!))).toEqual({ ok: true, alreadyMember: true });
    expect(await joinCohort(code, as(users.tricky!))).toEqual({ ok: true, alreadyMember: false });
    expect(await db.enrollment.count({ where: { cohortId } })).toBe(2);
    expect(await invitePreview(code, as(users.minji!))).toMatchObject({ membership: "member" });
  });

  it("refuses a made-up code, and the cohort's own instructor", async () => {
    expect(await joinCohort("A".repeat(24), as(users.minji!))).toEqual({ ok: false, reason: "invalid" });
    expect(await joinCohort("../../etc", as(users.minji!))).toEqual({ ok: false, reason: "invalid" });
    expect(await invitePreview("A".repeat(24), as(users.minji!))).toEqual({ valid: false });
    expect(await joinCohort(await inviteOf(cohortId), as(users.teacher!))).toEqual({ ok: false, reason: "instructor" });
  });

  it("refuses an ended cohort politely", async () => {
    const ended = await createCohort({ name: "Last month", lessonIds: null, startsAt: lastWeek(), endsAt: yesterday() }, as(users.teacher!));
    const code = await inviteOf(ended.id);
    expect(await invitePreview(code, as(users.minji!))).toMatchObject({ valid: true, state: "ended", membership: "none" });
    expect(await joinCohort(code, as(users.minji!))).toEqual({ ok: false, reason: "ended" });
    await db.cohort.delete({ where: { id: ended.id } });
  });
});

describe("every function for one cohort", () => {
  // Each is called as nobody, as an anonymous learner, as an enrolled learner, as another
  // instructor, then as an admin and as the cohort's instructor.
  const calls: [string, (ctx: DataContext) => Promise<unknown>][] = [
    ["cohortSettings", (ctx) => cohortSettings(cohortId, ctx)],
    ["cohortMatrix", (ctx) => cohortMatrix(cohortId, "ko", ctx)],
    ["learnerDetail", (ctx) => learnerDetail(cohortId, users.minji!.userId, ctx)],
    ["resetLearnerLab", (ctx) => resetLearnerLab(cohortId, users.minji!.userId, ctx)],
    ["cohortCsv", (ctx) => cohortCsv(cohortId, "en", labels, ctx)],
    ["watchCohort", (ctx) => watchCohort(cohortId, ctx)],
    ["regenerateInvite", (ctx) => regenerateInvite(cohortId, ctx)],
    ["removeLearner", (ctx) => removeLearner(cohortId, users.outsider!.userId, ctx)],
    ["readmitLearner", (ctx) => readmitLearner(cohortId, users.outsider!.userId, ctx)],
  ];

  it.each(calls)("%s refuses nobody (401), an anonymous learner (401), a learner (403) and another instructor (403)", async (_, call) => {
    await expect(call(as(null))).rejects.toMatchObject({ status: 401 });
    await expect(call(as(users.anonymous!))).rejects.toMatchObject({ status: 401 });
    await expect(call(as(users.minji!))).rejects.toMatchObject({ status: 403 });
    await expect(call(as(users.otherTeacher!))).rejects.toMatchObject({ status: 403 });
  });

  it.each(calls.filter(([name]) => !["removeLearner", "readmitLearner"].includes(name)))("%s serves the cohort's instructor and admins", async (_, call) => {
    await expect(call(as(users.teacher!))).resolves.toBeDefined();
    await expect(call(as(users.admin!))).resolves.toBeDefined();
  });

  it("refuses learners who are not in the cohort, even to its instructor", async () => {
    await expect(learnerDetail(cohortId, users.outsider!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });
    await expect(resetLearnerLab(cohortId, users.outsider!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });
    await expect(removeLearner(cohortId, users.outsider!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });
    await expect(learnerDetail(otherCohortId, users.minji!.userId, as(users.admin!))).rejects.toMatchObject({ status: 403 });
  });

  it("answers an unknown cohort as not found", async () => {
    await expect(cohortSettings("c".repeat(25), as(users.teacher!))).rejects.toMatchObject({ name: "CohortNotFoundError" });
    await expect(cohortSettings("../x", as(users.admin!))).rejects.toMatchObject({ name: "CohortNotFoundError" });
  });
});

describe("invite regeneration and removal", () => {
  it("kills the old link at once", async () => {
    const old = await inviteOf(cohortId);
    const { inviteCode } = await regenerateInvite(cohortId, as(users.teacher!));
    expect(inviteCode).not.toBe(old);
    expect(await invitePreview(old, as(users.outsider!))).toEqual({ valid: false });
    expect(await joinCohort(old, as(users.outsider!))).toEqual({ ok: false, reason: "invalid" });
    expect(await invitePreview(inviteCode, as(users.outsider!))).toMatchObject({ valid: true, membership: "none" });
  });

  it("keeps a removed learner out, with the old link and the new one, until re-admitted", async () => {
    const old = await inviteOf(cohortId);
    await removeLearner(cohortId, users.tricky!.userId, as(users.teacher!));
    expect((await cohortMatrix(cohortId, "en", as(users.teacher!))).learners.map((l) => l.userId)).not.toContain(users.tricky!.userId);
    await expect(learnerDetail(cohortId, users.tricky!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });
    expect(await joinCohort(old, as(users.tricky!))).toEqual({ ok: false, reason: "removed" });
    const { inviteCode } = await regenerateInvite(cohortId, as(users.teacher!));
    expect(await joinCohort(old, as(users.tricky!))).toEqual({ ok: false, reason: "invalid" });
    expect(await joinCohort(inviteCode, as(users.tricky!))).toEqual({ ok: false, reason: "removed" });
    expect(await invitePreview(inviteCode, as(users.tricky!))).toMatchObject({ membership: "removed" });
    const settings = await cohortSettings(cohortId, as(users.teacher!));
    expect(settings.removed.map((r) => r.userId)).toEqual([users.tricky!.userId]);

    await readmitLearner(cohortId, users.tricky!.userId, as(users.teacher!));
    expect(await invitePreview(inviteCode, as(users.tricky!))).toMatchObject({ membership: "member" });
    await expect(readmitLearner(cohortId, users.tricky!.userId, as(users.teacher!))).rejects.toMatchObject({ name: "CohortNotFoundError" });
  });
});

describe("the matrix, a learner's attempts, and the CSV", () => {
  // Stored as version 1 wrote it (plain-string values): read back upgraded (parseStoredResults).
  const results = (outcome: "pass" | "fail") => ({
    version: 1,
    lessonId: "01-first-pods",
    exerciseId: "create-pod",
    outcome,
    gradedAt: new Date().toISOString(),
    durationMs: 120,
    checks: [
      {
        id: "pod-exists",
        status: outcome,
        title: { ko: "web 파드", en: "The web pod" },
        message: outcome === "pass" ? { ko: "web 파드가 있습니다", en: "web pod found" } : { ko: "web 파드가 없습니다", en: "no pod named web" },
        expected: "1",
        found: outcome === "pass" ? "1" : "0",
        hint: { ko: "kubectl run을 써 보세요.", en: "Try kubectl run." },
      },
    ],
  });
  const passedAt = new Date("2026-11-21T10:15:00.000Z");

  beforeAll(async () => {
    const minji = users.minji!.userId;
    await db.attempt.create({ data: { userId: minji, lessonId: "01-first-pods", exerciseId: "create-pod", outcome: "error", results: "{not json", createdAt: new Date("2026-11-21T10:05:00Z") } });
    await db.attempt.create({ data: { userId: minji, lessonId: "01-first-pods", exerciseId: "create-pod", outcome: "fail", results: JSON.stringify(results("fail")), createdAt: new Date("2026-11-21T10:10:00Z") } });
    await db.attempt.create({ data: { userId: minji, lessonId: "01-first-pods", exerciseId: "create-pod", outcome: "pass", results: JSON.stringify(results("pass")), createdAt: passedAt } });
    await db.progress.create({ data: { userId: minji, lessonId: "01-first-pods", exerciseId: "create-pod", attempts: 2, firstPassedAt: passedAt, lastAttemptAt: passedAt } });
    await db.progress.create({ data: { userId: users.tricky!.userId, lessonId: "01-first-pods", exerciseId: "label-pod", attempts: 4, lastAttemptAt: passedAt } });
    // Outside the cohort's lessons: never shown.
    await db.progress.create({ data: { userId: minji, lessonId: "02-scaling", exerciseId: "scale-web", attempts: 1, firstPassedAt: passedAt, lastAttemptAt: passedAt } });
  });

  it("holds the cohort's lessons and exercises, and each learner's cells", async () => {
    const matrix = await cohortMatrix(cohortId, "ko", as(users.teacher!));
    expect(matrix.lessons).toEqual([
      { id: "01-first-pods", title: "첫 파드", exercises: [{ id: "create-pod", title: "파드 만들기" }, { id: "label-pod", title: "레이블 붙이기" }] },
    ]);
    const minji = users.minji!.userId;
    expect(matrix.cells[`${minji}/01-first-pods/create-pod`]).toEqual({ attempts: 2, firstPassedAt: passedAt.toISOString(), lastAttemptAt: passedAt.toISOString() });
    expect(matrix.cells[`${users.tricky!.userId}/01-first-pods/label-pod`]).toMatchObject({ attempts: 4, firstPassedAt: null });
    expect(Object.keys(matrix.cells).some((k) => k.includes("02-scaling"))).toBe(false);
    expect(matrix.learners.find((l) => l.userId === minji)).toMatchObject({ name: "김민지", lastActivityAt: passedAt.toISOString() });
  });

  it("gives a learner's attempts, newest first, with their results documents", async () => {
    const detail = await learnerDetail(cohortId, users.minji!.userId, as(users.teacher!));
    expect(detail.attempts.map((a) => a.outcome)).toEqual(["pass", "fail", "error"]);
    expect(detail.attempts[1]!.results?.checks[0]).toMatchObject({ status: "fail", message: { en: "no pod named web" }, found: { ko: "0", en: "0" } });
    // A document that cannot be read is shown as such, not as an empty pass.
    expect(detail.attempts[2]!.results).toBeNull();
    // No lab runtime in this process: said so, not guessed.
    expect(detail.lab.state).toBe("unavailable");
  });

  it("exports CSV with a BOM, CRLF rows and quoting a spreadsheet reads back", async () => {
    const { body, filename } = await cohortCsv(cohortId, "en", labels, as(users.teacher!));
    expect(filename).toMatch(/^11월-부트캠프-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(body.startsWith("\uFEFF")).toBe(true);
    const lines = body.slice(1).split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[0]).toBe(
      "Name,Email,Passed,Exercises,Last activity," +
        "01-first-pods/create-pod status,01-first-pods/create-pod first passed at,01-first-pods/create-pod attempts," +
        "01-first-pods/label-pod status,01-first-pods/label-pod first passed at,01-first-pods/label-pod attempts",
    );
    expect(lines[1]).toBe(`김민지,minji@example.com,1,2,${passedAt.toISOString()},passed,${passedAt.toISOString()},2,not started,,0`);
    // A comma and quotes: quoted, quotes doubled; a leading = cannot run as a formula.
    expect(lines[2]).toBe(`"'=HYPERLINK(""x""), ""Bob""",tricky@example.com,0,2,${passedAt.toISOString()},not started,,0,attempted,,4`);
    expect(lines).toHaveLength(4);
  });
});


describe("the live stream", () => {
  it("relays the progress of the cohort's current learners in its lessons, and nobody else's", async () => {
    const latecomer = await user("latecomer", "learner", "late@example.com", "Latecomer");
    const watch = await watchCohort(cohortId, as(users.teacher!));
    const abort = new AbortController();
    const reader = (await cohortEventStream(watch, abort.signal)).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value);
      }
    };
    const event = (userId: string, lessonId: string, attempts: number) => ({
      userId,
      lessonId,
      exerciseId: "create-pod",
      outcome: "fail" as const,
      attempts,
      firstPassedAt: null,
      at: new Date().toISOString(),
    });

    await readUntil("event: ready");
    publishProgress(event(latecomer.userId, "01-first-pods", 11)); // not (yet) in the cohort
    publishProgress(event(users.minji!.userId, "02-scaling", 12)); // not a lesson of the cohort
    publishProgress(event(users.outsider!.userId, "01-first-pods", 13)); // never joined
    publishProgress(event(users.minji!.userId, "01-first-pods", -1)); // malformed: dropped
    publishProgress(event(users.minji!.userId, "01-first-pods", 14));
    await readUntil('"attempts":14');
    expect(text).not.toMatch(/"attempts":(11|12|13|-1)\b/);
    expect(text).toContain(`event: progress\ndata: {"userId":"${users.minji!.userId}","lessonId":"01-first-pods"`);

    // Someone joins: a roster frame, and from then on their progress is relayed.
    await joinCohort(await inviteOf(cohortId), as(latecomer));
    await readUntil("event: roster");
    publishProgress(event(latecomer.userId, "01-first-pods", 15));
    await readUntil('"attempts":15');

    abort.abort();
    await expect(reader.read()).resolves.toMatchObject({ done: true });
  });
});

describe("an open live stream whose listener loses the right to watch (issue 12)", () => {
  // Sessions found the way a request finds them, by token, so a real sign-out or demotion shows.
  async function signedIn(key: string, role: Role): Promise<{ ctx: DataContext; token: string; user: SessionUser }> {
    const row = await db.user.create({ data: { role, email: `${key}@example.com`, displayName: key } });
    const { token } = await createSession(db, row.id);
    const ctx: DataContext = testContext(db, { token });
    return { ctx, token, user: (await findSessionUser(db, token))! };
  }

  async function openStream(watchAs: DataContext, id: string) {
    const abort = new AbortController();
    // A short re-check interval keeps the test short; the server uses STREAM_RECHECK_MS (20 s).
    const reader = (await cohortEventStream(await watchCohort(id, watchAs), abort.signal, 60_000, 100)).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readToEnd = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += decoder.decode(value);
      }
    };
    return { abort, readToEnd, text: () => text };
  }

  it("is cut off when an admin demotes the instructor, with a revoked frame", async () => {
    const teacherNow = await signedIn("demoted-teacher", "instructor");
    const admin = await signedIn("stream-admin", "admin");
    const id = (await createCohort({ name: "Demoted", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() }, teacherNow.ctx)).id;
    const stream = await openStream(teacherNow.ctx, id);
    const adminCtx: DataContext = admin.ctx;
    expect(await setUserRole({ userId: teacherNow.user.userId, role: "learner" }, adminCtx)).toEqual({ ok: true });
    const text = await stream.readToEnd();
    expect(text).toContain("event: ready");
    expect(text).toContain("event: revoked");
  });

  it("is cut off when the instructor signs out, and not while the session stands", async () => {
    const teacherNow = await signedIn("signing-out-teacher", "instructor");
    const id = (await createCohort({ name: "Sign-out", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() }, teacherNow.ctx)).id;
    const stream = await openStream(teacherNow.ctx, id);
    const ended = stream.readToEnd();
    // Several re-checks pass while the session stands: the stream is still open.
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.text()).not.toContain("revoked");
    await deleteSession(db, teacherNow.token);
    expect(await ended).toContain("event: revoked");
  });
});
