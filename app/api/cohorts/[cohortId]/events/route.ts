// Server-sent events for an instructor's dashboard: the progress of this cohort's learners,
// in its lessons, as it is recorded; a roster frame when someone joins or is removed; and a
// heartbeat comment so proxies keep the stream open. Only the cohort's instructor (or an
// admin) may listen, and nobody else's progress ever goes down the stream.
import { authErrorResponse, isAuthError } from "@/app/_lib/auth/guards";
import { CohortNotFoundError } from "@/app/_lib/data/cohorts";
import { watchCohort } from "@/app/_lib/data/cohort-progress";
import { subscribeRoster } from "@/app/_lib/data/cohort-roster-bus";
import { type ProgressFrame, progressFrameSchema, type RosterFrame, rosterFrameSchema } from "@/app/_lib/data/cohort-schemas";
import { subscribeProgress } from "@/app/_lib/data/progress-events";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

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
  const lessons = watch.lessonIds ? new Set(watch.lessonIds) : null;
  let learners = await watch.learners();
  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  const cleanup = () => cleanups.splice(0).forEach((fn) => fn());

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup(); // the browser went away between two frames
        }
      };
      const send = (event: "progress" | "roster" | "ready", data: ProgressFrame | RosterFrame | Record<string, never>) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

      cleanups.push(
        subscribeProgress((e) => {
          if (!learners.has(e.userId) || (lessons && !lessons.has(e.lessonId))) return;
          // Only the fields the dashboard needs, checked: a malformed event is dropped, not relayed.
          const frame = progressFrameSchema.safeParse({ userId: e.userId, lessonId: e.lessonId, exerciseId: e.exerciseId, outcome: e.outcome, attempts: e.attempts, firstPassedAt: e.firstPassedAt, at: e.at });
          if (frame.success) send("progress", frame.data);
        }),
      );
      cleanups.push(
        subscribeRoster(watch.cohortId, () => {
          void watch.learners().then((fresh) => {
            learners = fresh;
            send("roster", rosterFrameSchema.parse({ cohortId: watch.cohortId, at: new Date().toISOString() }));
          });
        }),
      );
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      cleanups.push(() => {
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      request.signal.addEventListener("abort", cleanup);
      // Tells the browser the stream is live, so it can catch up on anything recorded before.
      send("ready", {});
    },
    cancel: cleanup,
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
