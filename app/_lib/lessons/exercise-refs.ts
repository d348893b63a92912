// Finds the <Exercise id="..."/> tags in a lesson body, so that a tag naming an exercise the
// lesson's exercises.yaml lacks is reported by lessons:check and the content test, with its line.
import { LessonError } from "./errors";
import type { Exercise } from "@/sandbox/grader/exercise-schema";

const EXERCISE_TAG = /<Exercise\b[^>]*?\bid\s*=\s*["']([^"']+)["']/g;

export function exerciseRefs(body: string): { id: string; line: number }[] {
  return [...body.matchAll(EXERCISE_TAG)].map((m) => ({ id: m[1]!, line: body.slice(0, m.index).split("\n").length }));
}

/** Throws a LessonError for the first tag whose id is not among the lesson's exercises. */
export function assertExerciseRefs(file: string, lessonId: string, body: string, exercises: Pick<Exercise, "id">[]): void {
  const known = new Set(exercises.map((e) => e.id));
  for (const ref of exerciseRefs(body)) {
    if (!known.has(ref.id)) {
      const have = known.size > 0 ? `it has ${[...known].join(", ")}` : "it has no exercises.yaml or no exercises";
      throw new LessonError(file, `<Exercise id="${ref.id}"> is not an exercise of lesson ${lessonId} (${have})`, ref.line, "Exercise.id");
    }
  }
}
