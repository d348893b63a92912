"use server";
// The exercise card's server actions: thin wrappers that check their input and call the data layer.
import { checkMyExercise } from "@/app/_lib/data/exercise-check";
import { myLessonProgress } from "@/app/_lib/data/progress";
import { exerciseRefSchema, lessonRefSchema } from "./inputs";

export async function checkExerciseAction(input: unknown) {
  const { lessonId, exerciseId } = exerciseRefSchema.parse(input);
  return checkMyExercise(lessonId, exerciseId);
}

export async function lessonProgressAction(input: unknown) {
  const { lessonId } = lessonRefSchema.parse(input);
  return myLessonProgress(lessonId);
}
