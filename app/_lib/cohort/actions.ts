"use server";
// Server actions of the cohort pages: thin wrappers that check the shape of their input and
// call the data layer, which decides who may do what. Refusals come back as values the page
// can explain, never as a crash.
import { isAuthError } from "@/app/_lib/auth/guards";
import { learnerDetail, resetLearnerLab } from "@/app/_lib/data/cohort-progress";
import { cohortInputSchema, inviteCodeSchema, rowIdSchema } from "@/app/_lib/data/cohort-schemas";
import { CohortInputError, CohortNotFoundError, createCohort, joinCohort, readmitLearner, regenerateInvite, removeLearner } from "@/app/_lib/data/cohorts";

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: "sign-in" | "forbidden" | "not-found" | "invalid"; issues?: { field: string; code: string }[] };

async function guarded<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (isAuthError(error)) return { ok: false, error: error.status === 401 ? "sign-in" : "forbidden" };
    if (error instanceof CohortNotFoundError) return { ok: false, error: "not-found" };
    if (error instanceof CohortInputError) return { ok: false, error: "invalid", issues: error.issues };
    throw error;
  }
}

const invalid = (issues: { field: string; code: string }[]): ActionResult<never> => ({ ok: false, error: "invalid", issues });

export async function createCohortAction(input: unknown) {
  const parsed = cohortInputSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "form"), code: i.message })));
  return guarded(() => createCohort(parsed.data));
}

export async function regenerateInviteAction(cohortId: unknown) {
  const id = rowIdSchema.safeParse(cohortId);
  if (!id.success) return invalid([{ field: "cohortId", code: "invalid" }]);
  return guarded(() => regenerateInvite(id.data));
}

export async function removeLearnerAction(cohortId: unknown, learnerId: unknown) {
  const ids = rowIdSchema.array().length(2).safeParse([cohortId, learnerId]);
  if (!ids.success) return invalid([{ field: "learnerId", code: "invalid" }]);
  return guarded(() => removeLearner(ids.data[0], ids.data[1]));
}

export async function readmitLearnerAction(cohortId: unknown, learnerId: unknown) {
  const ids = rowIdSchema.array().length(2).safeParse([cohortId, learnerId]);
  if (!ids.success) return invalid([{ field: "learnerId", code: "invalid" }]);
  return guarded(() => readmitLearner(ids.data[0], ids.data[1]));
}

export async function learnerDetailAction(cohortId: unknown, learnerId: unknown) {
  const ids = rowIdSchema.array().length(2).safeParse([cohortId, learnerId]);
  if (!ids.success) return invalid([{ field: "learnerId", code: "invalid" }]);
  return guarded(() => learnerDetail(ids.data[0], ids.data[1]));
}

export async function resetLearnerLabAction(cohortId: unknown, learnerId: unknown) {
  const ids = rowIdSchema.array().length(2).safeParse([cohortId, learnerId]);
  if (!ids.success) return invalid([{ field: "learnerId", code: "invalid" }]);
  return guarded(() => resetLearnerLab(ids.data[0], ids.data[1]));
}

export async function joinCohortAction(code: unknown) {
  const parsed = inviteCodeSchema.safeParse(code);
  if (!parsed.success) return guarded(async () => ({ ok: false, reason: "invalid" }) as const);
  return guarded(() => joinCohort(parsed.data));
}
