// <Exercise id="..."/> in a lesson: finds the spec among the lesson's exercises and hands the
// browser only what it shows (titles and task in both languages, check titles), never the
// setup or the reference solution. An unknown id stops the render with the lesson and id.
import { useLocale } from "next-intl";
import type { Exercise as ExerciseSpec } from "@/sandbox/grader/exercise-schema";
import { ExerciseCard, type ExerciseCardSpec } from "./exercise-card.client";

export interface ExerciseContext {
  lessonId: string;
  exercises: ExerciseSpec[];
}

export function Exercise({ id, context }: { id: string; context: ExerciseContext }) {
  const locale = useLocale();
  const spec = context.exercises.find((e) => e.id === id);
  if (!spec) {
    const have = context.exercises.map((e) => e.id).join(", ") || "none";
    throw new Error(`<Exercise id="${id}"> is not an exercise of lesson ${context.lessonId} (its exercises.yaml has: ${have})`);
  }
  const card: ExerciseCardSpec = {
    id: spec.id,
    title: spec.title,
    task: spec.task,
    checks: spec.checks.map((c) => ({ id: c.id, title: c.title })),
  };
  return <ExerciseCard lessonId={context.lessonId} spec={card} locale={locale === "en" ? "en" : "ko"} />;
}
