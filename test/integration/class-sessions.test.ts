// A cohort's class schedule in the data layer, on a real migrated SQLite database: only the
// cohort's own instructor (or an admin) may read it, schedule, start or cancel a class;
// nobody, an anonymous learner, an enrolled learner of the cohort and another instructor are
// refused before anything is written or any lab is warmed. Bad times are refused with the
// field's reason and nothing is lost.
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser, Role } from "@/app/_lib/auth/session-core";
import { cancelClass, classSchedule, CohortEndedError, NoLabRuntimeError, scheduleClass, startClassNow } from "@/app/_lib/data/class-sessions";
import { CohortInputError, CohortNotFoundError } from "@/app/_lib/data/cohorts";
import type { DataContext } from "@/app/_lib/data/data-context";
import type { PrismaClient } from "@/prisma/generated/client";
import { standInRuntime, testContext } from "../support/data-context";
import { freshDatabase } from "../support/database";

let db: PrismaClient;
const users: Record<string, SessionUser> = {};
let cohortId: string;
let endedCohortId: string;

async function user(key: string, role: Role, email: string | null): Promise<SessionUser> {
  const row = await db.user.create({ data: { role, email, displayName: key } });
  users[key] = { userId: row.id, role, email, displayName: key };
  return users[key]!;
}

// A runtime whose every lab-manager method throws naming itself: a refused caller must never reach one.
const noWarming = standInRuntime();
const as = (who: SessionUser | null): DataContext => testContext(db, { asker: who, runtime: noWarming });
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

beforeAll(async () => {
  db = freshDatabase().db;
  const teacher = await user("teacher", "instructor", "teacher@example.com");
  await user("otherTeacher", "instructor", "other@example.com");
  await user("admin", "admin", "admin@example.com");
  const learner = await user("learner", "learner", "learner@example.com");
  await user("anonymous", "learner", null);
  cohortId = (await db.cohort.create({ data: { name: "Class", instructorId: teacher.userId, inviteCode: "a".repeat(24), startsAt: new Date(inDays(-7)), endsAt: new Date(inDays(14)) } })).id;
  endedCohortId = (await db.cohort.create({ data: { name: "Over", instructorId: teacher.userId, inviteCode: "b".repeat(24), startsAt: new Date(inDays(-30)), endsAt: new Date(inDays(-1)) } })).id;
  await db.enrollment.create({ data: { cohortId, userId: learner.userId } });
});

describe("a cohort's class schedule", () => {
  it("refuses nobody, an anonymous learner, an enrolled learner and another instructor, before writing or warming anything", async () => {
    const session = await db.classSession.create({ data: { cohortId, startsAt: new Date(inDays(2)) } });
    for (const [who, status] of [[null, 401], [users.anonymous, 401], [users.learner, 403], [users.otherTeacher, 403]] as const) {
      const ctx = as(who ?? null);
      const name = who?.displayName ?? "nobody";
      await expect(startClassNow(cohortId, ctx), `${name} startClassNow`).rejects.toMatchObject({ name: "AuthError", status });
      await expect(scheduleClass(cohortId, inDays(3), ctx), `${name} scheduleClass`).rejects.toMatchObject({ name: "AuthError", status });
      await expect(cancelClass(cohortId, session.id, ctx), `${name} cancelClass`).rejects.toMatchObject({ name: "AuthError", status });
      await expect(classSchedule(cohortId, ctx), `${name} classSchedule`).rejects.toMatchObject({ name: "AuthError", status });
    }
    expect(await db.classSession.findMany({ where: { cohortId } })).toEqual([session]);
    await db.classSession.delete({ where: { id: session.id } });
  });

  it("lets the cohort's instructor schedule classes (the same time twice is one class), list them and take one off", async () => {
    const ctx = testContext(db, { asker: users.teacher! });
    const at = inDays(2);
    await scheduleClass(cohortId, at, ctx);
    const twice = await scheduleClass(cohortId, at, ctx);
    expect(twice.sessions.map((s) => s.startsAt)).toEqual([new Date(at).toISOString()]);
    // This process runs no labs: the schedule says so instead of inventing counts.
    expect(twice.labs).toBeNull();
    expect(twice.leadMinutes).toBeGreaterThan(0);
    const after = await cancelClass(cohortId, twice.sessions[0]!.id, ctx);
    expect(after.sessions).toEqual([]);
    await expect(cancelClass(cohortId, twice.sessions[0]!.id, ctx)).rejects.toBeInstanceOf(CohortNotFoundError);
  });

  it("refuses a bad time with the field's reason, and writes nothing", async () => {
    const ctx = as(users.teacher!);
    for (const [startsAt, code] of [["tomorrow", "date-invalid"], [inDays(-1), "date-past"], [inDays(400), "date-too-far"]] as const) {
      const refused = await scheduleClass(cohortId, startsAt, ctx).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CohortInputError);
      expect((refused as CohortInputError).issues).toEqual([{ field: "startsAt", code }]);
    }
    expect(await db.classSession.count({ where: { cohortId } })).toBe(0);
  });

  it("refuses a class for a cohort that has ended, and 'class starts now' on a server without labs", async () => {
    await expect(scheduleClass(endedCohortId, inDays(1), as(users.teacher!))).rejects.toBeInstanceOf(CohortEndedError);
    await expect(startClassNow(cohortId, testContext(db, { asker: users.teacher! }))).rejects.toBeInstanceOf(NoLabRuntimeError);
    expect(await db.classSession.count()).toBe(0);
  });

  it("lets an admin act on any cohort, as everywhere else in cohort data", async () => {
    const schedule = await scheduleClass(cohortId, inDays(5), testContext(db, { asker: users.admin! }));
    expect(schedule.sessions).toHaveLength(1);
  });
});
