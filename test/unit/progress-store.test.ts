// Attempts and progress on the real schema in a real SQLite file: counts, the first pass,
// live recording only on a change, and no lost counts when records race.
import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/prisma/generated/client";
import { completedLessonIds, lessonProgress, passedExercises, recordAttempt } from "@/app/_lib/data/progress-store";
import { freshDatabase } from "../support/database";

let db: PrismaClient;

beforeAll(() => {
  db = freshDatabase().db;
});

async function newUser(): Promise<string> {
  return (await db.user.create({ data: {} })).id;
}

const doc = (outcome: string) => ({ version: 1, outcome, checks: [] });
const base = { lessonId: "04-pods", exerciseId: "create-web", sandboxId: null };

describe("recording attempts", () => {
  it("counts attempts and keeps the first pass time through later fails and passes", async () => {
    const userId = await newUser();
    const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s));
    const first = await recordAttempt(db, { ...base, userId, outcome: "fail", results: doc("fail"), at: t(0) });
    expect(first).toMatchObject({ attempts: 1, firstPassedAt: null });
    const pass = await recordAttempt(db, { ...base, userId, outcome: "pass", results: doc("pass"), at: t(10) });
    expect(pass).toMatchObject({ attempts: 2, firstPassedAt: t(10).toISOString() });
    await recordAttempt(db, { ...base, userId, outcome: "fail", results: doc("fail"), at: t(20) });
    const again = await recordAttempt(db, { ...base, userId, outcome: "pass", results: doc("pass"), at: t(30) });
    expect(again).toMatchObject({ attempts: 4, firstPassedAt: t(10).toISOString() });

    const [progress] = await lessonProgress(db, userId, base.lessonId);
    expect(progress).toMatchObject({ exerciseId: "create-web", attempts: 4, firstPassedAt: t(10).toISOString(), lastAttemptAt: t(30).toISOString(), lastOutcome: "pass" });
    expect(progress!.lastResults).toEqual(doc("pass"));
    expect(await db.attempt.count({ where: { userId } })).toBe(4);
  });

  it("stores the results document of every attempt", async () => {
    const userId = await newUser();
    await recordAttempt(db, { ...base, userId, outcome: "error", results: { version: 1, outcome: "error", error: { ko: "클러스터", en: "cluster" } } });
    const row = await db.attempt.findFirstOrThrow({ where: { userId } });
    expect(row.outcome).toBe("error");
    expect(JSON.parse(row.results)).toEqual({ version: 1, outcome: "error", error: { ko: "클러스터", en: "cluster" } });
  });

  it("records a live evaluation only when the outcome differs from the last one stored, and never counts it as an attempt", async () => {
    const userId = await newUser();
    // Before any attempt, a live fail is just a lab without the answer yet.
    expect(await recordAttempt(db, { ...base, userId, outcome: "fail", results: doc("fail") }, { onlyIfChanged: true })).toBeNull();
    expect(await db.progress.count({ where: { userId } })).toBe(0);
    expect(await recordAttempt(db, { ...base, userId, outcome: "fail", results: doc("fail") })).not.toBeNull();
    expect(await recordAttempt(db, { ...base, userId, outcome: "fail", results: doc("fail") }, { onlyIfChanged: true })).toBeNull();
    const live = { onlyIfChanged: true, countsAsAttempt: false };
    const passed = await recordAttempt(db, { ...base, userId, outcome: "pass", results: doc("pass") }, live);
    // Stored with its first pass, but the learner pressed Check once: one attempt.
    expect(passed).toMatchObject({ attempts: 1 });
    expect(passed!.firstPassedAt).not.toBeNull();
    expect(await recordAttempt(db, { ...base, userId, outcome: "pass", results: doc("pass") }, live)).toBeNull();
    expect(await db.attempt.count({ where: { userId } })).toBe(2);
    // A live pass before any Check: stored and passed, with no attempt.
    const other = await newUser();
    expect(await recordAttempt(db, { ...base, userId: other, outcome: "pass", results: doc("pass") }, live)).toMatchObject({ attempts: 0 });
  });

  it("loses no count when many attempts are recorded at once, and sets the first pass exactly once", async () => {
    const userId = await newUser();
    const outcomes = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? "pass" : "fail") as "pass" | "fail");
    const results = await Promise.all(outcomes.map((outcome) => recordAttempt(db, { ...base, userId, outcome, results: doc(outcome) })));
    expect(results.every((r) => r !== null)).toBe(true);
    const progress = await db.progress.findMany({ where: { userId } });
    expect(progress).toHaveLength(1);
    expect(progress[0]!.attempts).toBe(30);
    expect(await db.attempt.count({ where: { userId } })).toBe(30);
    // Every recorder saw the same first pass, whichever committed first.
    const firsts = new Set(results.map((r) => r!.firstPassedAt).filter((f) => f !== null));
    expect(firsts.size).toBe(1);
    expect(progress[0]!.firstPassedAt?.toISOString()).toBe([...firsts][0]);
  });

  it("keeps one learner's progress apart from another's", async () => {
    const [a, b] = [await newUser(), await newUser()];
    await recordAttempt(db, { ...base, userId: a, outcome: "pass", results: doc("pass") });
    expect(await lessonProgress(db, b, base.lessonId)).toEqual([]);
    expect(await lessonProgress(db, a, base.lessonId)).toHaveLength(1);
  });
});

describe("completed lessons (the catalog's marks)", () => {
  const specs: Record<string, string[]> = { "04-pods": ["create-web", "scale-web"], "05-services": ["expose-web"], "06-empty": [] };
  const exercisesOf = (id: string) => {
    if (!(id in specs)) throw new Error(`no lesson ${id}`);
    return specs[id]!;
  };

  it("marks a lesson only when every one of its exercises has been passed", async () => {
    const userId = await newUser();
    await recordAttempt(db, { ...base, userId, exerciseId: "create-web", outcome: "pass", results: doc("pass") });
    await recordAttempt(db, { ...base, userId, lessonId: "05-services", exerciseId: "expose-web", outcome: "pass", results: doc("pass") });
    expect(completedLessonIds(await passedExercises(db, userId), exercisesOf)).toEqual(["05-services"]);
    await recordAttempt(db, { ...base, userId, exerciseId: "scale-web", outcome: "fail", results: doc("fail") });
    expect(completedLessonIds(await passedExercises(db, userId), exercisesOf)).toEqual(["05-services"]);
    await recordAttempt(db, { ...base, userId, exerciseId: "scale-web", outcome: "pass", results: doc("pass") });
    expect(completedLessonIds(await passedExercises(db, userId), exercisesOf).sort()).toEqual(["04-pods", "05-services"]);
  });

  it("gives no mark for a lesson that is gone or has no exercises", () => {
    const passed = [
      { lessonId: "99-removed", exerciseId: "x" },
      { lessonId: "06-empty", exerciseId: "y" },
    ];
    expect(completedLessonIds(passed, exercisesOf)).toEqual([]);
  });
});
