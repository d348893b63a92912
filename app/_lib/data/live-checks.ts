// What the live-checks stream of one lesson may watch: the caller's own lab (found from the
// session, never from the request), the lesson's exercises, and a way to ask later whether
// the same learner is still signed in. The stream itself is app/api/lessons/[lessonId]/live.
import "server-only";
import type { LabRuntime } from "@/app/_lib/lab/published-runtime";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { type DataContext, requestContext } from "./data-context";

export type MyLiveChecks =
  | { kind: "unavailable" }
  | { kind: "no-session" }
  | { kind: "unreadable" }
  | { kind: "no-exercises" }
  | { kind: "ok"; userId: string; address: string; exercises: Exercise[]; runtime: LabRuntime; stillMine(): Promise<boolean> };

export async function myLiveChecks(lessonId: string, ctx?: DataContext): Promise<MyLiveChecks> {
  ctx ??= await requestContext();
  // The live session grades in the lab, so it holds the whole runtime (its provider), not the
  // data layer's part of it; the context still says whether this process runs one.
  const runtime = ctx.runtime() && labRuntimeIfRunning();
  if (!runtime) return { kind: "unavailable" };
  const user = await ctx.asker();
  if (!user) return { kind: "no-session" };
  const sessionNow = ctx.laterAsker ? await ctx.laterAsker() : ctx.asker;
  let exercises: Exercise[];
  try {
    exercises = lessonExercises(lessonId);
  } catch {
    return { kind: "unreadable" };
  }
  if (exercises.length === 0) return { kind: "no-exercises" };
  return { kind: "ok", userId: user.userId, address: await ctx.callerAddress(), exercises, runtime, stillMine: async () => (await sessionNow())?.userId === user.userId };
}
