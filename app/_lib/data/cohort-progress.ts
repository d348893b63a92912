// What an instructor sees of their cohort's work: the learners × exercises matrix, one
// learner's attempts and lab, a lab reset, the CSV export, and who the live stream may relay.
// Each function checks, through cohort-access, that the asker teaches the cohort.
import "server-only";
import { stringify } from "csv-stringify/sync";
import type { Locale } from "@/app/_lib/i18n/routing";
import { getCatalog } from "@/app/_lib/lessons/catalog";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { isAuthError } from "@/app/_lib/auth/guards";
import { CohortNotFoundError, cohortLessonIds, cohortState, type CohortState, learnerName, taughtCohort, taughtLearner } from "./cohort-access";
import { parseStoredResults, type ResultsDocument } from "@/sandbox/grader/results";
import { cellKey } from "./cohort-schemas";
import { type DataContext, requestContext } from "./data-context";

export interface MatrixLesson {
  id: string;
  title: string;
  exercises: { id: string; title: string }[];
}

export interface MatrixLearner {
  userId: string;
  name: string;
  email: string | null;
  /** Last graded attempt or keystroke in their lab, whichever is later. */
  lastActivityAt: string | null;
}

export interface MatrixCell {
  attempts: number;
  firstPassedAt: string | null;
  lastAttemptAt: string | null;
}

export interface CohortMatrix {
  cohortId: string;
  name: string;
  state: CohortState;
  lessons: MatrixLesson[];
  learners: MatrixLearner[];
  /** Keyed by cellKey(userId, lessonId, exerciseId); absent means not started. */
  cells: Record<string, MatrixCell>;
}

/** The cohort's lessons in course order, each with its exercises (lessons without any are left out). */
function cohortLessons(lessonIds: string[] | null, locale: Locale): MatrixLesson[] {
  const wanted = lessonIds ? new Set(lessonIds) : null;
  return getCatalog(locale)
    .filter((entry) => !wanted || wanted.has(entry.id))
    .map((entry) => ({
      id: entry.id,
      title: entry.frontMatter.title,
      exercises: lessonExercises(entry.id).map((e) => ({ id: e.id, title: e.title[locale] })),
    }))
    .filter((lesson) => lesson.exercises.length > 0);
}

export async function cohortMatrix(cohortId: unknown, locale: Locale, ctx?: DataContext): Promise<CohortMatrix> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const lessons = cohortLessons(cohortLessonIds(cohort), locale);
  const enrollments = await ctx.db.enrollment.findMany({ where: { cohortId: cohort.id, removedAt: null }, include: { user: true }, orderBy: { joinedAt: "asc" } });
  const userIds = enrollments.map((e) => e.userId);
  const [progress, labs] = await Promise.all([
    ctx.db.progress.findMany({ where: { userId: { in: userIds }, lessonId: { in: lessons.map((l) => l.id) } } }),
    ctx.db.sandbox.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _max: { lastActivityAt: true } }),
  ]);
  const exerciseKeys = new Set(lessons.flatMap((l) => l.exercises.map((e) => `${l.id}/${e.id}`)));
  const cells: Record<string, MatrixCell> = {};
  const lastActivity = new Map<string, number>();
  const later = (userId: string, at: Date | null | undefined) => {
    if (at) lastActivity.set(userId, Math.max(lastActivity.get(userId) ?? 0, at.getTime()));
  };
  for (const p of progress) {
    later(p.userId, p.lastAttemptAt);
    if (!exerciseKeys.has(`${p.lessonId}/${p.exerciseId}`)) continue;
    cells[cellKey(p.userId, p.lessonId, p.exerciseId)] = {
      attempts: p.attempts,
      firstPassedAt: p.firstPassedAt?.toISOString() ?? null,
      lastAttemptAt: p.lastAttemptAt?.toISOString() ?? null,
    };
  }
  for (const lab of labs) if (lab.userId) later(lab.userId, lab._max.lastActivityAt);
  return {
    cohortId: cohort.id,
    name: cohort.name,
    state: cohortState(cohort),
    lessons,
    learners: enrollments.map((e) => ({
      userId: e.userId,
      name: learnerName(e.user),
      email: e.user.email,
      lastActivityAt: lastActivity.has(e.userId) ? new Date(lastActivity.get(e.userId)!).toISOString() : null,
    })),
    cells,
  };
}

/** running: a ready lab typed into lately; idle: ready but quiet; starting: queued or booting. */
export type LearnerLabState = "running" | "idle" | "starting" | "none" | "unavailable";

/** A lab with no keystroke for this long shows as idle on the dashboard. */
export const LAB_IDLE_AFTER_MS = 5 * 60_000;

export interface LearnerAttempt {
  id: string;
  lessonId: string;
  exerciseId: string;
  outcome: string;
  at: string;
  results: ResultsDocument | null;
}

export interface LearnerDetail {
  userId: string;
  name: string;
  email: string | null;
  joinedAt: string;
  lab: { state: LearnerLabState; lastActivityAt: string | null };
  attempts: LearnerAttempt[];
}

const ATTEMPTS_SHOWN = 20;

async function labStateOf(ctx: DataContext, userId: string): Promise<LearnerDetail["lab"]> {
  const labs = ctx.runtime()?.manager;
  const row = await ctx.db.sandbox.findFirst({ where: { userId }, orderBy: { createdAt: "desc" } });
  const lastActivityAt = row?.lastActivityAt.toISOString() ?? null;
  if (!labs) return { state: "unavailable", lastActivityAt };
  const view = await labs.view(userId);
  if (view.state === "queued" || view.state === "starting") return { state: "starting", lastActivityAt };
  if (view.state !== "ready") return { state: "none", lastActivityAt };
  const quiet = !row || Date.now() - row.lastActivityAt.getTime() > LAB_IDLE_AFTER_MS;
  return { state: quiet ? "idle" : "running", lastActivityAt };
}

/** The learner's latest attempts in this cohort's lessons, with the grader's documents, and their lab. */
export async function learnerDetail(cohortId: unknown, learnerId: unknown, ctx?: DataContext): Promise<LearnerDetail> {
  ctx ??= await requestContext();
  const { cohort, learner, enrollment } = await taughtLearner(ctx, cohortId, learnerId);
  const lessonIds = cohortLessonIds(cohort);
  const attempts = await ctx.db.attempt.findMany({
    where: { userId: learner.id, ...(lessonIds ? { lessonId: { in: lessonIds } } : {}) },
    orderBy: { createdAt: "desc" },
    take: ATTEMPTS_SHOWN,
  });
  return {
    userId: learner.id,
    name: learnerName(learner),
    email: learner.email,
    joinedAt: enrollment.joinedAt.toISOString(),
    lab: await labStateOf(ctx, learner.id),
    attempts: attempts.map((a) => ({
      id: a.id,
      lessonId: a.lessonId,
      exerciseId: a.exerciseId,
      outcome: a.outcome,
      at: a.createdAt.toISOString(),
      results: parseStoredResults(a.results),
    })),
  };
}

/** Resets a stuck learner's lab to an empty cluster, as their own Reset button would. */
export async function resetLearnerLab(cohortId: unknown, learnerId: unknown, ctx?: DataContext): Promise<LearnerDetail["lab"]> {
  ctx ??= await requestContext();
  const { learner } = await taughtLearner(ctx, cohortId, learnerId);
  const labs = ctx.runtime()?.manager;
  if (labs) await labs.reset(learner.id);
  return labStateOf(ctx, learner.id);
}

/** For the live stream: the cohort's lessons (null: all) and its current learners. */
export interface CohortWatch {
  cohortId: string;
  lessonIds: string[] | null;
  learners(): Promise<Set<string>>;
  /** Asked again while the stream is open: false once the asker no longer teaches it (demoted, signed out, session ended). */
  stillAllowed(): Promise<boolean>;
}

export async function watchCohort(cohortId: unknown, ctx?: DataContext): Promise<CohortWatch> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const db = ctx.db;
  const later = ctx.laterAsker ? await ctx.laterAsker() : ctx.asker;
  const again: DataContext = { ...ctx, asker: later };
  return {
    cohortId: cohort.id,
    lessonIds: cohortLessonIds(cohort),
    learners: async () => new Set((await db.enrollment.findMany({ where: { cohortId: cohort.id, removedAt: null }, select: { userId: true } })).map((e) => e.userId)),
    stillAllowed: async () => {
      try {
        await taughtCohort(again, cohort.id);
        return true;
      } catch (error) {
        if (isAuthError(error) || error instanceof CohortNotFoundError) return false;
        throw error;
      }
    },
  };
}

export interface CsvLabels {
  name: string;
  email: string;
  passed: string;
  total: string;
  lastActivity: string;
  status: string;
  firstPassedAt: string;
  attempts: string;
  statusPassed: string;
  statusAttempted: string;
  statusNotStarted: string;
}

/** Spreadsheets run cells that start like a formula; a leading quote keeps a name a name. */
function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * The matrix as CSV: one row per learner, three columns per exercise. UTF-8 with a byte order
 * mark and CRLF line ends, so Excel opens Korean names correctly.
 */
export async function cohortCsv(cohortId: unknown, locale: Locale, labels: CsvLabels, ctx?: DataContext): Promise<{ filename: string; body: string }> {
  ctx ??= await requestContext();
  const matrix = await cohortMatrix(cohortId, locale, ctx);
  const exercises = matrix.lessons.flatMap((l) => l.exercises.map((e) => ({ lessonId: l.id, exerciseId: e.id })));
  const header = [labels.name, labels.email, labels.passed, labels.total, labels.lastActivity];
  for (const e of exercises) {
    const id = `${e.lessonId}/${e.exerciseId}`;
    header.push(`${id} ${labels.status}`, `${id} ${labels.firstPassedAt}`, `${id} ${labels.attempts}`);
  }
  const rows = matrix.learners.map((learner) => {
    const cells = exercises.map((e) => matrix.cells[cellKey(learner.userId, e.lessonId, e.exerciseId)]);
    const passed = cells.filter((c) => c?.firstPassedAt).length;
    const row: (string | number)[] = [inert(learner.name), inert(learner.email ?? ""), passed, exercises.length, learner.lastActivityAt ?? ""];
    for (const c of cells) {
      const status = c?.firstPassedAt ? labels.statusPassed : c && c.attempts > 0 ? labels.statusAttempted : labels.statusNotStarted;
      row.push(status, c?.firstPassedAt ?? "", c?.attempts ?? 0);
    }
    return row;
  });
  const body = stringify([header, ...rows], { bom: true, record_delimiter: "windows" });
  const slug = matrix.name.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "cohort";
  return { filename: `${slug}-${new Date().toISOString().slice(0, 10)}.csv`, body };
}
