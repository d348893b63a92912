// Who may look at a lab's cluster picture, decided in the data layer on a real database: the
// lab's owner (an anonymous learner too), or the instructor of a cohort the owner is enrolled
// in, or an admin; nobody else, not a classmate, not another instructor, not the instructor
// of a learner who was removed. An instructor's stream asks again and stops being allowed
// when the learner is removed or the instructor demoted.
import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/app/_lib/auth/accounts-core";
import type { Role, SessionUser } from "@/app/_lib/auth/session-core";
import { setUserRole } from "@/app/_lib/data/admin";
import { learnerClusterPicture, myClusterPicture } from "@/app/_lib/data/cluster-picture";
import { createCohort, joinCohort, cohortSettings, removeLearner } from "@/app/_lib/data/cohorts";
import type { DataContext } from "@/app/_lib/data/data-context";
import type { PrismaClient } from "@/prisma/generated/client";
import { standInRuntime, testContext } from "@/test/support/data-context";
import { freshDatabase } from "@/test/support/database";

let db: PrismaClient;
const users: Record<string, SessionUser> = {};
const runtime = standInRuntime();
let cohortId = "";
let otherCohortId = "";

async function user(key: string, role: Role, email: string | null): Promise<SessionUser> {
  const row = await db.user.create({ data: { role, email, displayName: key } });
  return (users[key] = { userId: row.id, role, email, displayName: key });
}

const as = (who: SessionUser | null, withRuntime = true): DataContext => testContext(db, { asker: who, runtime: withRuntime ? runtime : undefined, address: "198.51.100.7" });
const inTwoWeeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString();
const lastWeek = () => new Date(Date.now() - 7 * 86_400_000).toISOString();

beforeAll(async () => {
  db = freshDatabase().db;
  await user("admin", "admin", "admin@example.com");
  await user("teacher", "instructor", "teacher@example.com");
  await user("otherTeacher", "instructor", "other@example.com");
  await user("minji", "learner", "minji@example.com");
  await user("classmate", "learner", "classmate@example.com");
  await user("anonymous", "learner", null);
  cohortId = (await createCohort({ name: "class", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() }, as(users.teacher!))).id;
  otherCohortId = (await createCohort({ name: "other", lessonIds: null, startsAt: lastWeek(), endsAt: inTwoWeeks() }, as(users.otherTeacher!))).id;
  for (const who of ["minji", "classmate"]) await joinCohort((await cohortSettings(cohortId, as(users.teacher!))).inviteCode, as(users[who]!));
});

describe("the picture of one's own lab", () => {
  it("is the asker's own, anonymous or not, and nobody's without a session", async () => {
    const mine = await myClusterPicture(as(users.anonymous!));
    expect(mine).toMatchObject({ ownerId: users.anonymous!.userId, viewerId: users.anonymous!.userId, readOnly: false, address: "198.51.100.7" });
    expect(await mine.stillAllowed()).toBe(true);
    await expect(myClusterPicture(as(null))).rejects.toMatchObject({ status: 401 });
  });

  it("says labs are unavailable in a process without them, after deciding who asks", async () => {
    await expect(myClusterPicture(as(null, false))).rejects.toMatchObject({ status: 401 });
    await expect(myClusterPicture(as(users.minji!, false))).rejects.toMatchObject({ name: "PictureUnavailableError" });
  });
});

describe("a learner's picture for their instructor", () => {
  it("serves the cohort's instructor and admins, read-only, drawing the learner's lab", async () => {
    for (const who of ["teacher", "admin"]) {
      const access = await learnerClusterPicture(cohortId, users.minji!.userId, as(users[who]!));
      expect(access).toMatchObject({ ownerId: users.minji!.userId, viewerId: users[who]!.userId, readOnly: true });
      expect(await access.stillAllowed()).toBe(true);
    }
  });

  it("refuses nobody, anonymous learners, the learner, a classmate and another instructor", async () => {
    const call = (who: SessionUser | null) => learnerClusterPicture(cohortId, users.minji!.userId, as(who));
    await expect(call(null)).rejects.toMatchObject({ status: 401 });
    await expect(call(users.anonymous!)).rejects.toMatchObject({ status: 401 });
    await expect(call(users.minji!)).rejects.toMatchObject({ status: 403 });
    await expect(call(users.classmate!)).rejects.toMatchObject({ status: 403 });
    await expect(call(users.otherTeacher!)).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a learner of another cohort, and through another instructor's cohort", async () => {
    await expect(learnerClusterPicture(cohortId, users.anonymous!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });
    await expect(learnerClusterPicture(otherCohortId, users.minji!.userId, as(users.otherTeacher!))).rejects.toMatchObject({ status: 403 });
    await expect(learnerClusterPicture("c".repeat(25), users.minji!.userId, as(users.teacher!))).rejects.toMatchObject({ name: "CohortNotFoundError" });
  });

  it("stops being allowed when the learner is removed from the cohort, and when the instructor is demoted", async () => {
    const classmate = await learnerClusterPicture(cohortId, users.classmate!.userId, as(users.teacher!));
    await removeLearner(cohortId, users.classmate!.userId, as(users.teacher!));
    expect(await classmate.stillAllowed()).toBe(false);
    await expect(learnerClusterPicture(cohortId, users.classmate!.userId, as(users.teacher!))).rejects.toMatchObject({ status: 403 });

    // A real session, looked up again at each recheck as a stream does.
    const { token } = await createSession(db, users.teacher!.userId);
    const minji = await learnerClusterPicture(cohortId, users.minji!.userId, testContext(db, { token, runtime }));
    expect(await minji.stillAllowed()).toBe(true);
    // Changing someone's role ends their sessions: the stream is no longer allowed.
    expect(await setUserRole({ userId: users.teacher!.userId, role: "learner" }, as(users.admin!))).toEqual({ ok: true });
    expect(await minji.stillAllowed()).toBe(false);
  });
});
