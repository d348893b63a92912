// Attempts and progress in the database, for a user the caller has already identified
// (app/_lib/data/progress.ts works that out from the session; tests pass a real database).
// One check run = one Attempt row with its results document, and one Progress row per
// learner and exercise that counts attempts and keeps the first pass.
import type { PrismaClient } from "@/prisma/generated/client";
import { z } from "zod";

export const outcomeSchema = z.enum(["pass", "fail", "error"]);
export type Outcome = z.infer<typeof outcomeSchema>;

export interface AttemptInput {
  userId: string;
  lessonId: string;
  exerciseId: string;
  sandboxId: string | null;
  outcome: Outcome;
  /** The grader's results document, stored as it came. */
  results: unknown;
  at?: Date;
}

export interface ExerciseProgress {
  lessonId: string;
  exerciseId: string;
  attempts: number;
  firstPassedAt: string | null;
  lastAttemptAt: string | null;
  /** Outcome and results of the latest attempt, if any. */
  lastOutcome: Outcome | null;
  /** The latest stored results document as JSON, any version: read it with parseStoredResults. */
  lastResults: unknown;
}

export interface RecordedAttempt {
  attemptId: string;
  outcome: Outcome;
  attempts: number;
  firstPassedAt: string | null;
  at: string;
}

/**
 * Records one graded result: the Attempt row and the Progress row move together or not at
 * all. `onlyIfChanged` (live checking) skips the write when the latest stored result has
 * the same outcome (or, with none stored, unless it is a pass), so a check that keeps
 * passing is not stored every few seconds; the comparison happens inside the transaction,
 * so two tabs cannot both record one change.
 *
 * `attempts` counts what the learner did, Check presses: a live result (`countsAsAttempt:
 * false`) is stored with its first-pass time but is no attempt (issue 13: two Checks once
 * showed "3 attempts").
 */
export async function recordAttempt(
  db: PrismaClient,
  input: AttemptInput,
  options: { onlyIfChanged?: boolean; countsAsAttempt?: boolean } = {},
): Promise<RecordedAttempt | null> {
  const counted = options.countsAsAttempt === false ? 0 : 1;
  const at = input.at ?? new Date();
  const key = { userId: input.userId, lessonId: input.lessonId, exerciseId: input.exerciseId };
  return db.$transaction(async (tx) => {
    if (options.onlyIfChanged) {
      const last = await tx.attempt.findFirst({ where: key, orderBy: { createdAt: "desc" }, select: { outcome: true } });
      // Nothing stored yet: a lab that simply does not have the answer is not an attempt.
      if (last ? last.outcome === input.outcome : input.outcome !== "pass") return null;
    }
    const attempt = await tx.attempt.create({
      data: { ...key, sandboxId: input.sandboxId, outcome: input.outcome, results: JSON.stringify(input.results), createdAt: at },
    });
    await tx.progress.upsert({
      where: { userId_lessonId_exerciseId: key },
      create: { ...key, attempts: counted, lastAttemptAt: at, firstPassedAt: input.outcome === "pass" ? at : null },
      update: { attempts: { increment: counted }, lastAttemptAt: at },
    });
    // The first pass is set once: the condition is in the statement, not read beforehand.
    if (input.outcome === "pass") await tx.progress.updateMany({ where: { ...key, firstPassedAt: null }, data: { firstPassedAt: at } });
    const progress = await tx.progress.findUniqueOrThrow({ where: { userId_lessonId_exerciseId: key } });
    return {
      attemptId: attempt.id,
      outcome: input.outcome,
      attempts: progress.attempts,
      firstPassedAt: progress.firstPassedAt?.toISOString() ?? null,
      at: at.toISOString(),
    };
  });
}

/** The user's progress on each exercise of a lesson that they have attempted. */
export async function lessonProgress(db: PrismaClient, userId: string, lessonId: string): Promise<ExerciseProgress[]> {
  const rows = await db.progress.findMany({ where: { userId, lessonId } });
  return Promise.all(
    rows.map(async (row) => {
      const last = await db.attempt.findFirst({ where: { userId, lessonId, exerciseId: row.exerciseId }, orderBy: { createdAt: "desc" } });
      return {
        lessonId,
        exerciseId: row.exerciseId,
        attempts: row.attempts,
        firstPassedAt: row.firstPassedAt?.toISOString() ?? null,
        lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
        lastOutcome: last ? outcomeSchema.catch("error").parse(last.outcome) : null,
        lastResults: last ? safeJson(last.results) : null,
      };
    }),
  );
}

/** Every exercise the user has passed at least once. */
export async function passedExercises(db: PrismaClient, userId: string): Promise<{ lessonId: string; exerciseId: string }[]> {
  return db.progress.findMany({ where: { userId, firstPassedAt: { not: null } }, select: { lessonId: true, exerciseId: true } });
}

/**
 * Lessons where every exercise is among the passed ones. `exercisesOf` gives a lesson's
 * exercise ids, or throws for a lesson that is gone or broken (then it gets no mark).
 */
export function completedLessonIds(passed: { lessonId: string; exerciseId: string }[], exercisesOf: (lessonId: string) => string[]): string[] {
  const byLesson = new Map<string, Set<string>>();
  for (const p of passed) {
    if (!byLesson.has(p.lessonId)) byLesson.set(p.lessonId, new Set());
    byLesson.get(p.lessonId)!.add(p.exerciseId);
  }
  return [...byLesson].flatMap(([lessonId, done]) => {
    let ids: string[];
    try {
      ids = exercisesOf(lessonId);
    } catch {
      return [];
    }
    return ids.length > 0 && ids.every((id) => done.has(id)) ? [lessonId] : [];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
