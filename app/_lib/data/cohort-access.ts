// Who may touch a cohort: its own instructor, or an admin. Every cohort data function goes
// through one of these before it reads or writes anything.
import "server-only";
import { AuthError } from "@/app/_lib/auth/guards";
import type { SessionUser } from "@/app/_lib/auth/session-core";
import type { DataContext } from "./data-context";
import { rowIdSchema } from "./cohort-schemas";

export type CohortRow = NonNullable<Awaited<ReturnType<DataContext["db"]["cohort"]["findUnique"]>>>;

export class CohortNotFoundError extends Error {
  constructor() {
    super("no such cohort");
    this.name = "CohortNotFoundError";
  }
}

export async function signedInAccount(ctx: DataContext): Promise<SessionUser> {
  const user = await ctx.asker();
  if (!user) throw new AuthError(401);
  if (!user.email) throw new AuthError(401, "an account is required");
  return user;
}

export async function teacher(ctx: DataContext): Promise<SessionUser> {
  const user = await signedInAccount(ctx);
  if (user.role !== "instructor" && user.role !== "admin") throw new AuthError(403);
  return user;
}

/** The cohort, when the asker teaches it or is an admin. Another instructor's cohort is a 403. */
export async function taughtCohort(ctx: DataContext, cohortId: unknown): Promise<{ user: SessionUser; cohort: CohortRow }> {
  const user = await teacher(ctx);
  const id = rowIdSchema.safeParse(cohortId);
  if (!id.success) throw new CohortNotFoundError();
  const cohort = await ctx.db.cohort.findUnique({ where: { id: id.data } });
  if (!cohort) throw new CohortNotFoundError();
  if (user.role !== "admin" && cohort.instructorId !== user.userId) throw new AuthError(403);
  return { user, cohort };
}

/** A learner currently enrolled in a cohort the asker teaches; anyone else is a 403. */
export async function taughtLearner(ctx: DataContext, cohortId: unknown, learnerId: unknown) {
  const { user, cohort } = await taughtCohort(ctx, cohortId);
  const id = rowIdSchema.safeParse(learnerId);
  if (!id.success) throw new AuthError(403);
  const enrollment = await ctx.db.enrollment.findUnique({ where: { cohortId_userId: { cohortId: cohort.id, userId: id.data } }, include: { user: true } });
  if (!enrollment || enrollment.removedAt) throw new AuthError(403, "not a learner of this cohort");
  return { user, cohort, learner: enrollment.user, enrollment };
}

export type CohortState = "upcoming" | "open" | "ended";

export function cohortState(cohort: Pick<CohortRow, "startsAt" | "endsAt" | "archivedAt">, now = new Date()): CohortState {
  if (cohort.archivedAt || (cohort.endsAt && cohort.endsAt <= now)) return "ended";
  if (cohort.startsAt && cohort.startsAt > now) return "upcoming";
  return "open";
}

/** The cohort's lessons, or null for the whole course. */
export function cohortLessonIds(cohort: Pick<CohortRow, "lessonIds">): string[] | null {
  if (cohort.lessonIds === null) return null;
  const parsed: unknown = JSON.parse(cohort.lessonIds);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
}

export function learnerName(user: { displayName: string | null; email: string | null }): string {
  return user.displayName?.trim() || user.email || "—";
}
