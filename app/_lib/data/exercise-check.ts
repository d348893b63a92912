// The Check button: grade the current learner's exercise on their own ready lab and store it.
import "server-only";
import { currentUser } from "@/app/_lib/auth/session";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import type { ProgressSnapshot } from "@/app/_lib/grader/live-frames";
import { gradeExercise, gradeTarget } from "@/sandbox/grader/engine";
import type { ResultsDocument } from "@/sandbox/grader/results";
import { SetupError } from "@/sandbox/grader/setup";
import { prepareExercise } from "@/app/_lib/grader/prepare";
import { isStorageFull } from "@/app/_lib/db/storage-full";
import { recordResults } from "./progress";

export type CheckAnswer =
  | { kind: "graded"; results: ResultsDocument; progress: ProgressSnapshot }
  /** Graded, but the full disk refused to record it: shown, not kept (earlier progress stands). */
  | { kind: "not-saved"; results: ResultsDocument }
  /** No session, labs not running here, or no ready lab (none, starting, resetting): nothing to read. */
  | { kind: "no-lab" }
  | { kind: "unknown-exercise" };

export async function checkMyExercise(lessonId: string, exerciseId: string): Promise<CheckAnswer> {
  const exercise = lessonExercises(lessonId).find((e) => e.id === exerciseId);
  if (!exercise) return { kind: "unknown-exercise" };
  const user = await currentUser();
  const runtime = labRuntimeIfRunning();
  if (!user || !runtime) return { kind: "no-lab" };
  const lab = await runtime.manager.readyLab(user.userId);
  if (!lab) return { kind: "no-lab" };
  const target = gradeTarget(runtime.provider, lab.state);
  const input = { lessonId, exercise };
  // A Check pressed before the live stream has prepared this lab must grade the exercise
  // as its author set it up; runSetup remembers in the cluster and runs only once.
  const results = await prepareExercise(lab.sandboxId, input, target).then(
    () => gradeExercise(input, target),
    (error: unknown) => setupFailed(lessonId, exercise.id, error),
  );
  runtime.manager.touch(lab.sandboxId);
  let recorded;
  try {
    recorded = await recordResults(user.userId, lab.sandboxId, results);
  } catch (error) {
    if (isStorageFull(error)) return { kind: "not-saved", results };
    throw error;
  }
  return { kind: "graded", results, progress: { attempts: recorded!.attempts, firstPassedAt: recorded!.firstPassedAt } };
}

/** A setup that could not run is the lab's problem, not the learner's: an error, never a fail. */
function setupFailed(lessonId: string, exerciseId: string, error: unknown): ResultsDocument {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    version: 1,
    lessonId,
    exerciseId,
    outcome: "error",
    gradedAt: new Date().toISOString(),
    durationMs: 0,
    checks: [],
    error: error instanceof SetupError ? error.text : { ko: `실습 준비 단계를 실행하지 못했습니다: ${detail}`, en: `Could not prepare the exercise in your lab: ${detail}` },
  };
}
