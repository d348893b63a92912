// Server-sent events for an instructor's dashboard (see app/_lib/cohort/event-stream.ts).
// Only the cohort's instructor, or an admin, may listen.
import { authErrorResponse, isAuthError } from "@/app/_lib/auth/guards";
import { cohortEventStream } from "@/app/_lib/cohort/event-stream";
import { watchCohort } from "@/app/_lib/data/cohort-progress";
import { CohortNotFoundError } from "@/app/_lib/data/cohorts";
import { eventStreamResponse } from "@/app/_lib/http/event-stream";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params;
  let watch: Awaited<ReturnType<typeof watchCohort>>;
  try {
    watch = await watchCohort(cohortId);
  } catch (error) {
    if (error instanceof CohortNotFoundError) return Response.json({ error: "no such cohort" }, { status: 404 });
    if (isAuthError(error)) return authErrorResponse(error);
    throw error;
  }
  return eventStreamResponse(await cohortEventStream(watch, request.signal));
}
