"use server";
// Server actions of the cohort pages: thin validated actions (validated-action.ts) over the
// data layer, which decides who may do what. Refusals come back as keys the page explains.
import { z } from "zod";
import { refuse, validatedAction } from "@/app/_lib/actions/validated-action";
import { learnerDetail, resetLearnerLab } from "@/app/_lib/data/cohort-progress";
import { cohortInputSchema, inviteCodeSchema, rowIdSchema } from "@/app/_lib/data/cohort-schemas";
import { cancelClass, classSchedule, classStartSchema, CohortEndedError, NoLabRuntimeError, scheduleClass, startClassNow } from "@/app/_lib/data/class-sessions";
import { CohortInputError, CohortNotFoundError, createCohort, joinCohort, readmitLearner, regenerateInvite, removeLearner } from "@/app/_lib/data/cohorts";

/** The cohort data layer's own errors: a cohort that is not there, input it refused on second look. */
function refusalFor(error: unknown) {
  if (error instanceof CohortNotFoundError) return { error: "notFound" as const };
  if (error instanceof CohortEndedError) return { error: "cohortEnded" as const };
  if (error instanceof NoLabRuntimeError) return { error: "noRuntime" as const };
  if (error instanceof CohortInputError) return { error: "invalidInput" as const, fields: Object.fromEntries(error.issues.map((i) => [i.field, i.code])) };
  return undefined;
}

const cohortRef = z.strictObject({ cohortId: rowIdSchema });
const learnerRef = z.strictObject({ cohortId: rowIdSchema, learnerId: rowIdSchema });

export const createCohortAction = validatedAction(cohortInputSchema, (input) => createCohort(input), { name: "createCohort", refusalFor });

export const regenerateInviteAction = validatedAction(cohortRef, ({ cohortId }) => regenerateInvite(cohortId), { name: "regenerateInvite", refusalFor });

export const removeLearnerAction = validatedAction(learnerRef, ({ cohortId, learnerId }) => removeLearner(cohortId, learnerId), { name: "removeLearner", refusalFor });

export const readmitLearnerAction = validatedAction(learnerRef, ({ cohortId, learnerId }) => readmitLearner(cohortId, learnerId), { name: "readmitLearner", refusalFor });

export const learnerDetailAction = validatedAction(learnerRef, ({ cohortId, learnerId }) => learnerDetail(cohortId, learnerId), { name: "learnerDetail", refusalFor });

export const resetLearnerLabAction = validatedAction(learnerRef, ({ cohortId, learnerId }) => resetLearnerLab(cohortId, learnerId), { name: "resetLearnerLab", refusalFor });

export const classScheduleAction = validatedAction(cohortRef, ({ cohortId }) => classSchedule(cohortId), { name: "classSchedule", refusalFor });

export const scheduleClassAction = validatedAction(z.strictObject({ cohortId: rowIdSchema, startsAt: classStartSchema }), ({ cohortId, startsAt }) => scheduleClass(cohortId, startsAt), {
  name: "scheduleClass",
  refusalFor,
});

export const startClassNowAction = validatedAction(cohortRef, ({ cohortId }) => startClassNow(cohortId), { name: "startClassNow", refusalFor });

export const cancelClassAction = validatedAction(z.strictObject({ cohortId: rowIdSchema, sessionId: rowIdSchema }), ({ cohortId, sessionId }) => cancelClass(cohortId, sessionId), {
  name: "cancelClass",
  refusalFor,
});

const JOIN_REFUSALS = { invalid: "inviteInvalid", ended: "cohortEnded", removed: "removedFromCohort", instructor: "ownCohort" } as const;

export const joinCohortAction = validatedAction(
  z.strictObject({ code: inviteCodeSchema }),
  async ({ code }) => {
    const outcome = await joinCohort(code);
    if (!outcome.ok) refuse(JOIN_REFUSALS[outcome.reason]);
    return { alreadyMember: outcome.alreadyMember };
  },
  { name: "joinCohort", refusalFor },
);
