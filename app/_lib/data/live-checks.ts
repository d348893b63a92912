// What the live-checks stream of one lesson may watch: the caller's own lab (found from the
// session, never from the request), the lesson's exercises, and a way to ask later whether
// the same learner is still signed in. The stream itself is app/api/lessons/[lessonId]/live.
import "server-only";
import { currentUser, sessionRechecker } from "@/app/_lib/auth/session";
import type { LabRuntime } from "@/app/_lib/lab/published-runtime";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import type { Exercise } from "@/sandbox/grader/exercise-schema";

export type MyLiveChecks =
  | { kind: "unavailable" }
  | { kind: "no-session" }
  | { kind: "unreadable" }
  | { kind: "no-exercises" }
  | { kind: "ok"; userId: string; exercises: Exercise[]; runtime: LabRuntime; stillMine(): Promise<boolean> };

export async function myLiveChecks(lessonId: string): Promise<MyLiveChecks> {
  const runtime = labRuntimeIfRunning();
  if (!runtime) return { kind: "unavailable" };
  const user = await currentUser();
  if (!user) return { kind: "no-session" };
  const sessionNow = await sessionRechecker();
  let exercises: Exercise[];
  try {
    exercises = lessonExercises(lessonId);
  } catch {
    return { kind: "unreadable" };
  }
  if (exercises.length === 0) return { kind: "no-exercises" };
  return { kind: "ok", userId: user.userId, exercises, runtime, stillMine: async () => (await sessionNow())?.userId === user.userId };
}
