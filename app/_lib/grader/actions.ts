"use server";
// The exercise card's server actions: thin validated actions (validated-action.ts) over the data layer.
import { refuse, validatedAction } from "@/app/_lib/actions/validated-action";
import { currentUser } from "@/app/_lib/auth/session";
import { checkSlot, consume, limits } from "@/app/_lib/auth/rate-limit";
import { checkMyExercise } from "@/app/_lib/data/exercise-check";
import { myLessonProgress } from "@/app/_lib/data/progress";
import { exerciseRefSchema, lessonRefSchema } from "./inputs";

/**
 * Each Check runs a grader in the learner's lab and a write to the database. A learner (or a
 * script with their cookie) pressing it in a loop gets told to wait: a few presses a minute,
 * and only a couple graded at once.
 */
export const checkExerciseAction = validatedAction(
  exerciseRefSchema,
  async ({ lessonId, exerciseId }) => {
    const user = await currentUser();
    if (!user) return checkMyExercise(lessonId, exerciseId);
    const limited = await consume([(await limits()).checkPerUser, user.userId]);
    if (!limited.ok) refuse("rateLimited", { retryAfterSeconds: limited.retryAfterSeconds });
    const slot = checkSlot(user.userId);
    if (!slot) refuse("rateLimited", { retryAfterSeconds: 1 });
    try {
      return await checkMyExercise(lessonId, exerciseId);
    } finally {
      slot.release();
    }
  },
  { name: "checkExercise" },
);

export const lessonProgressAction = validatedAction(lessonRefSchema, ({ lessonId }) => myLessonProgress(lessonId), { name: "lessonProgress" });
