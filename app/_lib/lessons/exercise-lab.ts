// A check on behaviour (logs, exec, http) looks at running containers, which only a `node` lab
// has: in a `sim` lab it can only answer `error` ("needs a lab with real pods"), so the
// exercise could never pass. lessons:check and the content test refuse such a lesson with
// the check's name rather than let a learner meet it.
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { LessonError } from "./errors";

export function behaviourChecks(exercises: Pick<Exercise, "id" | "checks">[]): string[] {
  return exercises.flatMap((e) => e.checks.filter((c) => c.logs || c.exec || c.http).map((c) => `${e.id}/${c.id}`));
}

/** Throws a LessonError naming the first behaviour check of a lesson whose lab is not `node`. */
export function assertExercisesFitLab(file: string, lab: "sim" | "node", exercises: Pick<Exercise, "id" | "checks">[]): void {
  if (lab === "node") return;
  const needsPods = behaviourChecks(exercises);
  if (needsPods.length > 0) {
    throw new LessonError(file, `check ${needsPods[0]} looks at running containers (logs, exec or http), which only a node lab has; set lab: node in the front matter of both languages`, undefined, "lab");
  }
}
