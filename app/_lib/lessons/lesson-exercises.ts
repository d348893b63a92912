// A lesson's exercise specs as pages and route handlers see them. Specs do not change while
// a production server runs, so each file is read once there; in development it is re-read.
import "server-only";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "./exercises";
import { processSingleton } from "@/app/_lib/process-singleton";

const specs = processSingleton("exercise-specs", () => new Map<string, Exercise[]>());

/** The lesson's exercises in file order; [] when it has none. A broken file throws with its path and line. */
export function lessonExercises(lessonId: string): Exercise[] {
  const cached = env().NODE_ENV === "production" ? specs.get(lessonId) : undefined;
  if (cached) return cached;
  const exercises = readExercises(path.resolve(env().KUBELAB_CONTENT_DIR), lessonId)?.exercises ?? [];
  specs.set(lessonId, exercises);
  return exercises;
}
