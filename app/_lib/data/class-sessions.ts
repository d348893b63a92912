// A cohort's class schedule: the instructor sets the times classes start, or says "class
// starts now"; before each start (KUBELAB_CLASS_WARM_LEAD_MIN) the class scheduler warms a lab
// for every enrolled learner who has none, and the dashboard shows how many are warming and
// ready. Only the cohort's own instructor (or an admin) may read or change any of it: every
// function checks that itself (taughtCohort) before it touches anything.
import "server-only";
import { z } from "zod";
import { warmClass, cohortLabKey } from "@/app/_lib/classes/warm-class";
import { env } from "@/app/_lib/config/env";
import { cohortState, taughtCohort } from "./cohort-access";
import { rowIdSchema } from "./cohort-schemas";
import { CohortInputError, CohortNotFoundError } from "./cohorts";
import { type DataContext, requestContext } from "./data-context";

/** A class may be planned up to a year ahead. */
const MAX_AHEAD_MS = 366 * 86_400_000;

export const classStartSchema = z.iso.datetime({ offset: true, message: "date-invalid" });

/** The cohort has ended or was archived: no class is scheduled or started for it. */
export class CohortEndedError extends Error {
  constructor() {
    super("the cohort has ended");
    this.name = "CohortEndedError";
  }
}

/** This server runs without its lab runtime: there is nothing to warm labs with. */
export class NoLabRuntimeError extends Error {
  constructor() {
    super("no lab runtime in this process");
    this.name = "NoLabRuntimeError";
  }
}

export interface ClassSchedule {
  cohortId: string;
  /** Classes not yet over (start within the hold time or later), soonest first. */
  sessions: { id: string; startsAt: string }[];
  leadMinutes: number;
  holdMinutes: number;
  /** The labs of the cohort's learners now; null when this server runs no labs. */
  labs: {
    enrolled: number;
    /** Learners who have a lab (queued, starting or ready), whether warmed for them or not. */
    withLab: number;
    /** Warmed for this cohort, nobody's yet: booting, and ready to be claimed. */
    warming: number;
    ready: number;
    capacity: number;
  } | null;
}

function timing() {
  const config = env();
  return { leadMs: config.KUBELAB_CLASS_WARM_LEAD_MIN * 60_000, holdMs: config.KUBELAB_CLASS_HOLD_MIN * 60_000, leadMinutes: config.KUBELAB_CLASS_WARM_LEAD_MIN, holdMinutes: config.KUBELAB_CLASS_HOLD_MIN };
}

export async function classSchedule(cohortId: unknown, ctx?: DataContext): Promise<ClassSchedule> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  return scheduleOf(ctx, cohort.id);
}

async function scheduleOf(ctx: DataContext, cohortId: string): Promise<ClassSchedule> {
  const { holdMs, leadMinutes, holdMinutes } = timing();
  const sessions = await ctx.db.classSession.findMany({ where: { cohortId, startsAt: { gt: new Date(Date.now() - holdMs) } }, orderBy: { startsAt: "asc" } });
  const runtime = ctx.runtime();
  let labs: ClassSchedule["labs"] = null;
  if (runtime) {
    const enrolled = (await ctx.db.enrollment.findMany({ where: { cohortId, removedAt: null }, select: { userId: true } })).map((e) => e.userId);
    const [withLab, reserved, summary] = await Promise.all([
      runtime.manager.learnersWithLab(enrolled),
      runtime.manager.reservedLabs(cohortLabKey(cohortId)),
      runtime.manager.summary(),
    ]);
    labs = { enrolled: enrolled.length, withLab, warming: reserved.warming, ready: reserved.ready, capacity: summary.capacity };
  }
  return { cohortId, sessions: sessions.map((s) => ({ id: s.id, startsAt: s.startsAt.toISOString() })), leadMinutes, holdMinutes, labs };
}

/** A class of this cohort starts at `startsAt` (in the future); its labs are warmed ahead. Scheduling the same time twice is one class. */
export async function scheduleClass(cohortId: unknown, startsAt: unknown, ctx?: DataContext): Promise<ClassSchedule> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  if (cohortState(cohort) === "ended") throw new CohortEndedError();
  const parsed = classStartSchema.safeParse(startsAt);
  if (!parsed.success) throw new CohortInputError([{ field: "startsAt", code: "date-invalid" }]);
  const at = new Date(parsed.data);
  const now = Date.now();
  if (at.getTime() <= now) throw new CohortInputError([{ field: "startsAt", code: "date-past" }]);
  if (at.getTime() > now + MAX_AHEAD_MS) throw new CohortInputError([{ field: "startsAt", code: "date-too-far" }]);
  await ctx.db.classSession.upsert({ where: { cohortId_startsAt: { cohortId: cohort.id, startsAt: at } }, create: { cohortId: cohort.id, startsAt: at }, update: {} });
  return scheduleOf(ctx, cohort.id);
}

/**
 * "Class starts now": a class starting this minute, and labs warmed for it at once (the
 * scheduler would otherwise pick it up at its next pass). Pressing it again warms only what
 * is still missing.
 */
export async function startClassNow(cohortId: unknown, ctx?: DataContext): Promise<ClassSchedule & { started: number; short: number }> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  if (cohortState(cohort) === "ended") throw new CohortEndedError();
  const runtime = ctx.runtime();
  if (!runtime) throw new NoLabRuntimeError();
  // A second press within a minute is the same class (a double click, an impatient instructor).
  const now = new Date();
  const recent = await ctx.db.classSession.findFirst({ where: { cohortId: cohort.id, startsAt: { gte: new Date(now.getTime() - 60_000), lte: now } }, orderBy: { startsAt: "desc" } });
  const startsAt = recent?.startsAt ?? (await ctx.db.classSession.create({ data: { cohortId: cohort.id, startsAt: now } })).startsAt;
  const warmed = (await warmClass(ctx.db, runtime.manager, cohort.id, startsAt, timing().holdMs)) ?? { started: 0, short: 0 };
  return { ...(await scheduleOf(ctx, cohort.id)), ...warmed };
}

/** Takes a class off the schedule; labs already warmed for it end when their hold runs out. */
export async function cancelClass(cohortId: unknown, sessionId: unknown, ctx?: DataContext): Promise<ClassSchedule> {
  ctx ??= await requestContext();
  const { cohort } = await taughtCohort(ctx, cohortId);
  const id = rowIdSchema.safeParse(sessionId);
  if (!id.success) throw new CohortNotFoundError();
  const { count } = await ctx.db.classSession.deleteMany({ where: { id: id.data, cohortId: cohort.id } });
  if (count === 0) throw new CohortNotFoundError();
  return scheduleOf(ctx, cohort.id);
}
