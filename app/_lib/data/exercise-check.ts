// The Check button: grade the current learner's exercise on their own ready lab (through the
// grading service, as live checks do) and store it.
import "server-only";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import type { ProgressSnapshot } from "@/app/_lib/grader/live-frames";
import { gradeTarget } from "@/sandbox/grader/engine";
import type { ResultsDocument } from "@/sandbox/grader/results";
import { grading } from "@/app/_lib/grader/grading";
import { isStorageFull } from "@/app/_lib/db/storage-full";
import { type DataContext, requestContext } from "./data-context";
import { recordResults } from "./progress";

export type CheckAnswer =
  | { kind: "graded"; results: ResultsDocument; progress: ProgressSnapshot }
  /** Graded, but the full disk refused to record it: shown, not kept (earlier progress stands). */
  | { kind: "not-saved"; results: ResultsDocument }
  /** No session, labs not running here, or no ready lab (none, starting, resetting): nothing to read. */
  | { kind: "no-lab" }
  | { kind: "unknown-exercise" };

export async function checkMyExercise(lessonId: string, exerciseId: string, ctx?: DataContext): Promise<CheckAnswer> {
  const exercise = lessonExercises(lessonId).find((e) => e.id === exerciseId);
  if (!exercise) return { kind: "unknown-exercise" };
  ctx ??= await requestContext();
  const user = await ctx.asker();
  const runtime = ctx.runtime();
  if (!user || !runtime) return { kind: "no-lab" };
  const lab = await runtime.manager.readyLab(user.userId);
  if (!lab) return { kind: "no-lab" };
  const results = await grading().check(lab.sandboxId, { lessonId, exercise }, gradeTarget(runtime.provider, lab.state));
  runtime.manager.touch(lab.sandboxId);
  let recorded;
  try {
    recorded = await recordResults(user.userId, lab.sandboxId, results, {}, ctx);
  } catch (error) {
    if (isStorageFull(error)) return { kind: "not-saved", results };
    throw error;
  }
  return { kind: "graded", results, progress: { attempts: recorded!.attempts, firstPassedAt: recorded!.firstPassedAt } };
}
