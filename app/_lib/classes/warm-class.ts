// Warms labs for one class of a cohort: the cohort's enrolled learners (not removed ones) go
// to the lab manager, which starts one lab for each who has none and none reserved yet, within
// capacity, reserved under the cohort's key until the class's start plus the hold time.
// Shared by the class scheduler (before a scheduled start) and "class starts now". Not
// server-only: server.ts runs the scheduler under tsx.
import type { PrismaClient } from "@/prisma/generated/client";
import type { LabManager } from "@/sandbox/manager/manager";

/** The reservation key of a cohort's warmed labs (opaque to the lab manager). */
export function cohortLabKey(cohortId: string): string {
  return `cohort:${cohortId}`;
}

export type ClassWarmer = Pick<LabManager, "warmFor">;

/** Null when the cohort is gone, archived or over (nothing to warm for). */
export async function warmClass(db: PrismaClient, manager: ClassWarmer, cohortId: string, startsAt: Date, holdMs: number, now = new Date()): Promise<{ started: number; short: number } | null> {
  const cohort = await db.cohort.findUnique({ where: { id: cohortId }, select: { archivedAt: true, endsAt: true } });
  if (!cohort || cohort.archivedAt || (cohort.endsAt && cohort.endsAt <= now)) return null;
  const enrolled = await db.enrollment.findMany({ where: { cohortId, removedAt: null }, select: { userId: true } });
  return manager.warmFor({ key: cohortLabKey(cohortId), until: new Date(startsAt.getTime() + holdMs) }, enrolled.map((e) => e.userId));
}
