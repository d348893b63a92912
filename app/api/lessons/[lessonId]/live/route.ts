// Server-sent events: live checks of one lesson's exercises on the caller's own lab. Frames
// are `live` events (app/_lib/grader/live-frames.ts); comments keep idle proxies open.
// Every tab of one learner on one lesson shares one live session (app/_lib/grader/live-hub.ts),
// and the session behind the stream is checked again every little while: a learner who signs
// out or is removed stops receiving within KUBELAB_SESSION_RECHECK_SECONDS.
import { env } from "@/app/_lib/config/env";
import { myLiveChecks } from "@/app/_lib/data/live-checks";
import { eventStreamResponse, openEventStream } from "@/app/_lib/http/event-stream";
import { subscribeLive } from "@/app/_lib/grader/live-hub";
import { encodeLiveFrame, type LiveFrame } from "@/app/_lib/grader/live-frames";
import { lessonRefSchema } from "@/app/_lib/grader/inputs";
import { logger } from "@/app/_lib/log";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ lessonId: string }> }) {
  const parsed = lessonRefSchema.safeParse(await params);
  if (!parsed.success) return Response.json({ error: "not a lesson id" }, { status: 400 });
  const { lessonId } = parsed.data;
  const live = await myLiveChecks(lessonId);
  switch (live.kind) {
    case "unavailable":
      return Response.json({ error: "labs are not running in this process" }, { status: 503 });
    case "no-session":
      return Response.json({ error: "no session" }, { status: 401 });
    case "unreadable":
      return Response.json({ error: "this lesson's exercises cannot be read" }, { status: 500 });
    case "no-exercises":
      return Response.json({ error: "this lesson has no exercises" }, { status: 404 });
  }
  const { userId, address, exercises, runtime } = live;

  const log = logger.child({ userId, lessonId });
  const stream = openEventStream({
    signal: request.signal,
    stillAllowed: live.stillMine,
    recheckMs: env().KUBELAB_SESSION_RECHECK_SECONDS * 1000,
    onRevoked(sink) {
      log.info("live stream closed: the session ended");
      sink.write(encodeLiveFrame({ type: "refused", reason: "signed-out" }));
    },
    onRecheckError: (error) => log.warn({ err: error }, "live stream recheck failed"),
    start(sink) {
      const send = (frame: LiveFrame) => sink.write(encodeLiveFrame(frame));
      const subscription = subscribeLive(
        { userId, address, lessonId, exercises, runtime, onError: (error) => log.warn({ err: error }, "live checks") },
        send,
      );
      if ("refused" in subscription) {
        log.warn({ reason: subscription.refused, address }, "live stream refused");
        send({ type: "refused", reason: subscription.refused });
        sink.close();
        return;
      }
      return () => subscription.close();
    },
  });
  return eventStreamResponse(stream);
}
