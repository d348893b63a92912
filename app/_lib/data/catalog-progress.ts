// What the catalog shows of the current learner: how far they are in each lesson they have
// touched, and which lesson they worked on last. The user comes from the session; nobody can
// ask for someone else's.
import "server-only";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { type DataContext, requestContext } from "./data-context";

export interface LessonProgressSummary {
  lessonId: string;
  /** Exercises of the lesson passed at least once. */
  passed: number;
  /** Exercises the lesson has now. */
  total: number;
}

export interface CatalogProgress {
  lessons: LessonProgressSummary[];
  /** The lesson of the learner's latest Check, and when; null before any. */
  last: { lessonId: string; at: string } | null;
}

export const NO_CATALOG_PROGRESS: CatalogProgress = { lessons: [], last: null };

export async function myCatalogProgress(ctx?: DataContext): Promise<CatalogProgress> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return NO_CATALOG_PROGRESS;
  const rows = await ctx.db.progress.findMany({
    where: { userId: user.userId },
    select: { lessonId: true, exerciseId: true, firstPassedAt: true, lastAttemptAt: true },
  });
  const byLesson = new Map<string, typeof rows>();
  let last: CatalogProgress["last"] = null;
  for (const row of rows) {
    byLesson.set(row.lessonId, [...(byLesson.get(row.lessonId) ?? []), row]);
    const at = row.lastAttemptAt ?? row.firstPassedAt;
    if (at && (!last || at.getTime() > Date.parse(last.at))) last = { lessonId: row.lessonId, at: at.toISOString() };
  }
  const lessons: LessonProgressSummary[] = [];
  for (const [lessonId, lessonRows] of byLesson) {
    let known: Set<string>;
    try {
      known = new Set(lessonExercises(lessonId).map((e) => e.id));
    } catch {
      continue; // a lesson whose exercises file is broken gets no figure rather than a wrong one
    }
    if (known.size === 0) continue;
    const passed = lessonRows.filter((r) => r.firstPassedAt && known.has(r.exerciseId)).length;
    lessons.push({ lessonId, passed, total: known.size });
  }
  return { lessons, last };
}
