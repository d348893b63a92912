"use server";
// The exercise card's server actions: thin wrappers that check their input and call the data layer.
import { currentUser } from "@/app/_lib/auth/session";
import { checkSlot, consume, limits } from "@/app/_lib/auth/rate-limit";
import { type CheckAnswer, checkMyExercise } from "@/app/_lib/data/exercise-check";
import { myLessonProgress } from "@/app/_lib/data/progress";
import { exerciseRefSchema, lessonRefSchema } from "./inputs";

/**
 * Each Check runs a grader in the learner's lab and a write to the database. A learner (or a
 * script with their cookie) pressing it in a loop gets told to wait: a few presses a minute,
 * and only a couple graded at once.
 */
export async function checkExerciseAction(input: unknown): Promise<CheckAnswer | { kind: "too-often"; retryAfterSeconds: number }> {
  const { lessonId, exerciseId } = exerciseRefSchema.parse(input);
  const user = await currentUser();
  if (user) {
    const limited = await consume([limits().checkPerUser, user.userId]);
    if (!limited.ok) return { kind: "too-often", retryAfterSeconds: limited.retryAfterSeconds };
    const slot = checkSlot(user.userId);
    if (!slot) return { kind: "too-often", retryAfterSeconds: 1 };
    try {
      return await checkMyExercise(lessonId, exerciseId);
    } finally {
      slot.release();
    }
  }
  return checkMyExercise(lessonId, exerciseId);
}

export async function lessonProgressAction(input: unknown) {
  const { lessonId } = lessonRefSchema.parse(input);
  return myLessonProgress(lessonId);
}
