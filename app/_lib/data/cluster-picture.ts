// Who may look at a lab's cluster picture: the lab's owner (found from the session, never
// from the request), or the instructor of a cohort the owner is enrolled in (or an admin),
// read-only. Each function checks the asker first and hands the stream a way to ask again
// later, so a sign-out, a demotion or a removal from the cohort ends the stream.
// The stream itself is app/api/lab/picture.
import "server-only";
import { AuthError, isAuthError } from "@/app/_lib/auth/guards";
import type { LiveRuntime } from "@/app/_lib/grader/live-session";
import { CohortNotFoundError, taughtLearner } from "./cohort-access";
import { type DataContext, requestContext } from "./data-context";

export interface PictureAccess {
  /** Whose lab is drawn. */
  ownerId: string;
  /** Who looks (limits count per viewer). */
  viewerId: string;
  /** Where from (limits count per address). */
  address: string;
  /** True for an instructor: nothing on the picture acts on the lab, and the page says so. */
  readOnly: boolean;
  runtime: LiveRuntime;
  stillAllowed(): Promise<boolean>;
}

export class PictureUnavailableError extends Error {
  constructor() {
    super("labs are not running in this process");
    this.name = "PictureUnavailableError";
  }
}

function runtimeOf(ctx: DataContext): LiveRuntime {
  const runtime = ctx.runtime();
  if (!runtime) throw new PictureUnavailableError();
  return runtime;
}

/** The picture of the asker's own lab (an anonymous learner has one too). */
export async function myClusterPicture(ctx?: DataContext): Promise<PictureAccess> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) throw new AuthError(401);
  const runtime = runtimeOf(ctx);
  const later = ctx.laterAsker ? await ctx.laterAsker() : ctx.asker;
  return {
    ownerId: user.userId,
    viewerId: user.userId,
    address: await ctx.callerAddress(),
    readOnly: false,
    runtime,
    stillAllowed: async () => (await later())?.userId === user.userId,
  };
}

/** A learner's picture, for the instructor of a cohort they are enrolled in (or an admin); anyone else is a 403. */
export async function learnerClusterPicture(cohortId: unknown, learnerId: unknown, ctx?: DataContext): Promise<PictureAccess> {
  ctx ??= await requestContext();
  const { user, cohort, learner } = await taughtLearner(ctx, cohortId, learnerId);
  const runtime = runtimeOf(ctx);
  const again: DataContext = { ...ctx, asker: ctx.laterAsker ? await ctx.laterAsker() : ctx.asker };
  return {
    ownerId: learner.id,
    viewerId: user.userId,
    address: await ctx.callerAddress(),
    readOnly: true,
    runtime,
    stillAllowed: async () => {
      try {
        const still = await taughtLearner(again, cohort.id, learner.id);
        return still.user.userId === user.userId;
      } catch (error) {
        if (isAuthError(error) || error instanceof CohortNotFoundError) return false;
        throw error;
      }
    },
  };
}
