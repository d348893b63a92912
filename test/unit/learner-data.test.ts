// The learner's own data modules on a real database, through the same DataContext the admin
// and cohort modules use: each answers for the asker the context names and nobody else, and
// nothing for no one.
import { describe, expect, it } from "vitest";
import { createAnonymousSession, findSessionUser, type SessionUser } from "@/app/_lib/auth/session-core";
import { myAccountStatus } from "@/app/_lib/data/accounts";
import { myCatalogProgress } from "@/app/_lib/data/catalog-progress";
import type { DataContext, DataRuntime } from "@/app/_lib/data/data-context";
import { checkMyExercise } from "@/app/_lib/data/exercise-check";
import { myLessonProgress } from "@/app/_lib/data/progress";
import type { PrismaClient } from "@/prisma/generated/client";
import { testContext, standInRuntime } from "@/test/support/data-context";
import { freshDatabase } from "@/test/support/database";

const LESSON = "01-why-orchestration";
const EXERCISE = "declare-catalog";

async function anonymous(db: PrismaClient): Promise<SessionUser> {
  return (await findSessionUser(db, (await createAnonymousSession(db, "en")).token))!;
}

function context(db: PrismaClient, asker: SessionUser | null, runtime?: DataRuntime): DataContext {
  return testContext(db, { asker, runtime });
}

describe("the learner's own data, through DataContext", () => {
  it("progress and the catalog's figures are the asker's own, and empty for no one", async () => {
    const { db } = freshDatabase();
    const mine = await anonymous(db);
    const theirs = await anonymous(db);
    const passed = new Date("2026-11-02T10:00:00Z");
    await db.progress.create({ data: { userId: mine.userId, lessonId: LESSON, exerciseId: EXERCISE, attempts: 2, firstPassedAt: passed, lastAttemptAt: passed } });
    await db.progress.create({ data: { userId: theirs.userId, lessonId: "02-kubernetes-components", exerciseId: EXERCISE, attempts: 5, lastAttemptAt: passed } });

    const catalog = await myCatalogProgress(context(db, mine));
    expect(catalog.last).toEqual({ lessonId: LESSON, at: passed.toISOString() });
    expect(catalog.lessons.map((l) => l.lessonId)).toEqual([LESSON]);
    expect(catalog.lessons[0]!.passed).toBe(1);
    expect(await myCatalogProgress(context(db, null))).toEqual({ lessons: [], last: null });

    expect(await myLessonProgress(LESSON, context(db, mine))).toMatchObject([{ exerciseId: EXERCISE, attempts: 2, firstPassedAt: passed.toISOString() }]);
    expect(await myLessonProgress(LESSON, context(db, theirs))).toEqual([]);
    expect(await myLessonProgress(LESSON, context(db, null))).toEqual([]);
  });

  it("Check grades only the asker's own ready lab: none, or no runtime, is no-lab", async () => {
    const { db } = freshDatabase();
    const mine = await anonymous(db);
    const asked: string[] = [];
    // A lab manager with no ready lab for anyone (a unit test runs no labs); records whom it was asked about.
    const runtime = standInRuntime({ manager: { readyLab: async (userId) => (asked.push(userId), null) } });
    expect(await checkMyExercise(LESSON, EXERCISE, context(db, mine, runtime))).toEqual({ kind: "no-lab" });
    expect(asked).toEqual([mine.userId]);
    expect(await checkMyExercise(LESSON, EXERCISE, context(db, null, runtime))).toEqual({ kind: "no-lab" });
    expect(await checkMyExercise(LESSON, EXERCISE, context(db, mine))).toEqual({ kind: "no-lab" });
    expect(asked).toEqual([mine.userId]);
    expect(await checkMyExercise(LESSON, "no-such-exercise", context(db, mine, runtime))).toEqual({ kind: "unknown-exercise" });
  });

  it("account status names the asker: an anonymous learner is not signed in", async () => {
    const { db } = freshDatabase();
    expect(await myAccountStatus(context(db, await anonymous(db)))).toEqual({ signedIn: false, email: null, displayName: null, role: null });
    expect(await myAccountStatus(context(db, null))).toMatchObject({ signedIn: false });
  });
});
