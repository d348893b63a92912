// A learner's own exercise progress. Each function works out the user from the session; no
// caller can read or write someone else's progress by passing an id.
import "server-only";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { parseStoredResults, type ResultsDocument } from "@/sandbox/grader/results";
import { type DataContext, requestContext } from "./data-context";
import { publishProgress } from "./progress-events";
import { lessonProgress, type RecordedAttempt, recordAttempt } from "./progress-store";

export interface MyExerciseProgress {
  exerciseId: string;
  attempts: number;
  firstPassedAt: string | null;
  /** The latest stored results, to show again after a reload; null if unreadable or none. */
  lastResults: ResultsDocument | null;
}

/** Progress of the current learner on a lesson's exercises; [] without a session. */
export async function myLessonProgress(lessonId: string, ctx?: DataContext): Promise<MyExerciseProgress[]> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return [];
  const known = new Set(lessonExercises(lessonId).map((e) => e.id));
  const rows = await lessonProgress(ctx.db, user.userId, lessonId);
  return rows
    .filter((r) => known.has(r.exerciseId))
    .map((r) => {
      return { exerciseId: r.exerciseId, attempts: r.attempts, firstPassedAt: r.firstPassedAt, lastResults: parseStoredResults(r.lastResults) };
    });
}

/**
 * Stores a results document as an attempt of `userId` and tells watchers. Only for callers
 * that have identified the user from the session themselves (the Check action, the live
 * stream); `live` stores only a change of outcome (see recordAttempt).
 */
export async function recordResults(
  userId: string,
  sandboxId: string | null,
  results: ResultsDocument,
  options: { live?: boolean } = {},
  ctx?: Pick<DataContext, "db">,
): Promise<RecordedAttempt | null> {
  ctx ??= await requestContext();
  const recorded = await recordAttempt(
    ctx.db,
    { userId, lessonId: results.lessonId, exerciseId: results.exerciseId, sandboxId, outcome: results.outcome, results },
    // A live result is stored when it changes, but only a Check press is an attempt.
    { onlyIfChanged: options.live === true, countsAsAttempt: options.live !== true },
  );
  if (recorded) {
    publishProgress({
      userId,
      lessonId: results.lessonId,
      exerciseId: results.exerciseId,
      outcome: recorded.outcome,
      attempts: recorded.attempts,
      firstPassedAt: recorded.firstPassedAt,
      at: recorded.at,
    });
  }
  return recorded;
}
