// Cohorts: an instructor creates one, shares its invite link, regenerates the link, removes or
// re-admits learners; a learner joins through the link. Every function works out who is
// asking from the session (ctx.asker) and checks it itself: instructors see their own
// cohorts, admins all of them, learners only what an invite shows.
import "server-only";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import { listLessonIds } from "@/app/_lib/lessons/source";
import {
  CohortNotFoundError,
  cohortLessonIds,
  cohortState,
  type CohortState,
  learnerName,
  signedInAccount,
  taughtCohort,
  taughtLearner,
  teacher,
} from "./cohort-access";
import { announceRosterChange } from "./cohort-roster-bus";
import { cohortInputSchema, inviteCodeSchema, rowIdSchema } from "./cohort-schemas";
import { type DataContext, requestContext } from "./data-context";

export { CohortNotFoundError } from "./cohort-access";

/** Bad input for a cohort: which field, and a code the form translates. */
export class CohortInputError extends Error {
  constructor(readonly issues: { field: string; code: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.code}`).join(", "));
    this.name = "CohortInputError";
  }
}

export function newInviteCode(): string {
  return randomBytes(18).toString("base64url");
}

export interface CohortSummary {
  id: string;
  name: string;
  state: CohortState;
  startsAt: string | null;
  endsAt: string | null;
  learners: number;
  instructorName: string;
  mine: boolean;
}

export async function createCohort(input: unknown, ctx?: DataContext): Promise<{ id: string }> {
  ctx ??= await requestContext();
  const user = await teacher(ctx);
  const parsed = cohortInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new CohortInputError(parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "form"), code: i.message })));
  }
  const { name, lessonIds, startsAt, endsAt } = parsed.data;
  if (lessonIds) {
    const known = new Set(listLessonIds(path.resolve(env().KUBELAB_CONTENT_DIR)));
    if (lessonIds.some((id) => !known.has(id))) throw new CohortInputError([{ field: "lessonIds", code: "lesson-unknown" }]);
  }
  const cohort = await ctx.db.cohort.create({
    data: {
      name,
      instructorId: user.userId,
      lessonIds: lessonIds ? JSON.stringify([...new Set(lessonIds)].sort()) : null,
      inviteCode: newInviteCode(),
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    },
  });
  return { id: cohort.id };
}

/** Instructors get their own cohorts, admins every cohort; newest first. */
export async function listMyCohorts(ctx?: DataContext): Promise<CohortSummary[]> {
  ctx ??= await requestContext();
  const user = await teacher(ctx);
  const rows = await ctx.db.cohort.findMany({
    where: user.role === "admin" ? {} : { instructorId: user.userId },
    orderBy: { createdAt: "desc" },
    include: { instructor: true, _count: { select: { enrollments: { where: { removedAt: null } } } } },
  });
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    state: cohortState(c),
    startsAt: c.startsAt?.toISOString() ?? null,
    endsAt: c.endsAt?.toISOString() ?? null,
    learners: c._count.enrollments,
    instructorName: learnerName(c.instructor),
    mine: c.instructorId === user.userId,
  }));
}

export interface CohortSettings {
  id: string;
  name: string;
  state: CohortState;
  inviteCode: string;
  lessonIds: string[] | null;
  startsAt: string | null;
  endsAt: string | null;
  instructorName: string;
  removed: { userId: string; name: string; email: string | null; removedAt: string }[];
}

export async function cohortSettings(cohortId: unknown, ctx?: DataContext): Promise<CohortSettings> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const [instructor, removed] = await Promise.all([
    ctx.db.user.findUniqueOrThrow({ where: { id: cohort.instructorId } }),
    ctx.db.enrollment.findMany({ where: { cohortId: cohort.id, removedAt: { not: null } }, include: { user: true }, orderBy: { removedAt: "asc" } }),
  ]);
  return {
    id: cohort.id,
    name: cohort.name,
    state: cohortState(cohort),
    inviteCode: cohort.inviteCode,
    lessonIds: cohortLessonIds(cohort),
    startsAt: cohort.startsAt?.toISOString() ?? null,
    endsAt: cohort.endsAt?.toISOString() ?? null,
    instructorName: learnerName(instructor),
    removed: removed.map((e) => ({ userId: e.userId, name: learnerName(e.user), email: e.user.email, removedAt: e.removedAt!.toISOString() })),
  };
}

/** A new invite code; the old link stops working at once. */
export async function regenerateInvite(cohortId: unknown, ctx?: DataContext): Promise<{ inviteCode: string }> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const updated = await ctx.db.cohort.update({ where: { id: cohort.id }, data: { inviteCode: newInviteCode() } });
  return { inviteCode: updated.inviteCode };
}

/** The learner leaves the roster and the dashboard; their progress stays theirs. */
export async function removeLearner(cohortId: unknown, learnerId: unknown, ctx?: DataContext): Promise<void> {
  ctx ??= await requestContext();
  const { cohort, enrollment } = await taughtLearner(ctx, cohortId, learnerId);
  await ctx.db.enrollment.update({ where: { id: enrollment.id }, data: { removedAt: new Date() } });
  announceRosterChange(cohort.id);
}

/** Undoes a removal. A removed learner cannot let themselves back in with a link; only this can. */
export async function readmitLearner(cohortId: unknown, learnerId: unknown, ctx?: DataContext): Promise<void> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const id = rowIdSchema.safeParse(learnerId);
  if (!id.success) throw new CohortNotFoundError();
  const result = await ctx.db.enrollment.updateMany({
    where: { cohortId: cohort.id, userId: id.data, removedAt: { not: null } },
    data: { removedAt: null },
  });
  if (result.count === 0) throw new CohortNotFoundError();
  announceRosterChange(cohort.id);
}

export type Membership = "signed-out" | "no-account" | "none" | "member" | "removed" | "instructor";

export type InvitePreview =
  | { valid: false }
  | { valid: true; cohortName: string; instructorName: string; state: CohortState; startsAt: string | null; endsAt: string | null; membership: Membership };

/** What the invite page shows. Holding the code is the permission to see the cohort's name. */
export async function invitePreview(code: unknown, ctx?: DataContext): Promise<InvitePreview> {
  ctx ??= await requestContext();
  const parsed = inviteCodeSchema.safeParse(code);
  if (!parsed.success) return { valid: false };
  const cohort = await ctx.db.cohort.findUnique({ where: { inviteCode: parsed.data }, include: { instructor: true } });
  if (!cohort) return { valid: false };
  const user = await ctx.asker();
  let membership: Membership = "signed-out";
  if (user && !user.email) membership = "no-account";
  else if (user && user.userId === cohort.instructorId) membership = "instructor";
  else if (user) {
    const enrollment = await ctx.db.enrollment.findUnique({ where: { cohortId_userId: { cohortId: cohort.id, userId: user.userId } } });
    membership = !enrollment ? "none" : enrollment.removedAt ? "removed" : "member";
  }
  return {
    valid: true,
    cohortName: cohort.name,
    instructorName: learnerName(cohort.instructor),
    state: cohortState(cohort),
    startsAt: cohort.startsAt?.toISOString() ?? null,
    endsAt: cohort.endsAt?.toISOString() ?? null,
    membership,
  };
}

export type JoinResult = { ok: true; alreadyMember: boolean } | { ok: false; reason: "invalid" | "ended" | "removed" | "instructor" };

/** Joins the signed-in account to the cohort behind the code. Joining twice changes nothing. */
export async function joinCohort(code: unknown, ctx?: DataContext): Promise<JoinResult> {
  ctx ??= await requestContext();
  const user = await signedInAccount(ctx);
  const parsed = inviteCodeSchema.safeParse(code);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const cohort = await ctx.db.cohort.findUnique({ where: { inviteCode: parsed.data } });
  if (!cohort) return { ok: false, reason: "invalid" };
  if (cohort.instructorId === user.userId) return { ok: false, reason: "instructor" };
  const existing = await ctx.db.enrollment.findUnique({ where: { cohortId_userId: { cohortId: cohort.id, userId: user.userId } } });
  if (existing?.removedAt) return { ok: false, reason: "removed" };
  if (existing) return { ok: true, alreadyMember: true };
  if (cohortState(cohort) === "ended") return { ok: false, reason: "ended" };
  // The unique (cohortId, userId) index makes a double click a no-op rather than a second row.
  await ctx.db.enrollment.upsert({
    where: { cohortId_userId: { cohortId: cohort.id, userId: user.userId } },
    create: { cohortId: cohort.id, userId: user.userId },
    update: {},
  });
  announceRosterChange(cohort.id);
  return { ok: true, alreadyMember: false };
}
