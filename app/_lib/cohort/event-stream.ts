// The dashboard's event stream for one cohort the caller was already allowed to watch: the
// progress of its current learners in its lessons, a roster frame when someone joins or is
// removed (the learner set is re-read then), a ready frame at once and a heartbeat comment.
// Progress of anyone else never goes down the stream. While it is open the stream asks again
// whether its listener may still watch (a demoted instructor, an ended session): if not, a
// `revoked` frame and the end; the browser's reconnect then meets the 401 or 403. (A database
// that cannot answer is no verdict: asked again next time.) The stream itself: http/event-stream.ts.
import "server-only";
import { STREAM_RECHECK_MS } from "@/app/_lib/auth/session-core";
import type { CohortWatch } from "@/app/_lib/data/cohort-progress";
import { onMissedMessages } from "@/app/_lib/cluster/process-bus";
import { subscribeRoster } from "@/app/_lib/data/cohort-roster-bus";
import { type ProgressFrame, progressFrameSchema, type RosterFrame, rosterFrameSchema } from "@/app/_lib/data/cohort-schemas";
import { subscribeProgress } from "@/app/_lib/data/progress-events";
import { type EventSink, HEARTBEAT_MS, openEventStream } from "@/app/_lib/http/event-stream";

export async function cohortEventStream(watch: CohortWatch, signal: AbortSignal, heartbeatMs = HEARTBEAT_MS, recheckMs = STREAM_RECHECK_MS): Promise<ReadableStream<Uint8Array>> {
  const lessons = watch.lessonIds ? new Set(watch.lessonIds) : null;
  let learners = await watch.learners();
  const send = (sink: EventSink, event: "progress" | "roster" | "ready" | "revoked", data: ProgressFrame | RosterFrame | Record<string, never>) => sink.event(event, data);

  return openEventStream({
    signal,
    heartbeatMs,
    stillAllowed: () => watch.stillAllowed(),
    recheckMs,
    onRevoked: (sink) => send(sink, "revoked", {}),
    start(sink) {
      const unsubscribeProgress = subscribeProgress((e) => {
        if (!learners.has(e.userId) || (lessons && !lessons.has(e.lessonId))) return;
        // Only the fields the dashboard needs, checked: a malformed event is dropped, not relayed.
        const frame = progressFrameSchema.safeParse({ userId: e.userId, lessonId: e.lessonId, exerciseId: e.exerciseId, outcome: e.outcome, attempts: e.attempts, firstPassedAt: e.firstPassedAt, at: e.at });
        if (frame.success) send(sink, "progress", frame.data);
      });
      const unsubscribeRoster = subscribeRoster(watch.cohortId, () => {
        void watch.learners().then((fresh) => {
          learners = fresh;
          send(sink, "roster", rosterFrameSchema.parse({ cohortId: watch.cohortId, at: new Date().toISOString() }));
        });
      });
      // This server's bus was cut off a while (servers sharing PostgreSQL): the learners are
      // read again, and "ready" makes the browser catch up, as after a reconnect of its own.
      const unsubscribeMissed = onMissedMessages(() => {
        void watch
          .learners()
          .then((fresh) => {
            learners = fresh;
            send(sink, "ready", {});
          })
          .catch(() => undefined);
      });
      // Tells the browser the stream is live, so it can catch up on anything recorded before.
      send(sink, "ready", {});
      return () => {
        unsubscribeProgress();
        unsubscribeRoster();
        unsubscribeMissed();
      };
    },
  });
}
