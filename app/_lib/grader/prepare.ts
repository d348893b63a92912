// Runs an exercise's setup in a lab at most once at a time. The live stream and a Check can
// both want to prepare the same lab at the same moment, and a setup such as
// `kubectl get deployment web || kubectl create deployment web` is idempotent only when it
// runs alone: a second copy started meanwhile fails with "already exists". Callers that
// arrive while a setup runs share its result (both live in this one server process).
import "server-only";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import type { GradeTarget } from "@/sandbox/grader/engine";
import { runSetup } from "@/sandbox/grader/setup";

const holder = globalThis as unknown as { kubelabSetupsRunning?: Map<string, Promise<{ ran: boolean }>> };
const running = (holder.kubelabSetupsRunning ??= new Map());

export function prepareExercise(sandboxId: string, input: { lessonId: string; exercise: Exercise }, target: GradeTarget): Promise<{ ran: boolean }> {
  const key = `${sandboxId}/${input.lessonId}/${input.exercise.id}`;
  const inFlight = running.get(key);
  if (inFlight) return inFlight;
  const started = runSetup(input, target).finally(() => running.delete(key));
  running.set(key, started);
  return started;
}
