// Server-sent events: live checks of one lesson's exercises on the caller's own lab. Frames
// are `live` events (app/_lib/grader/live-frames.ts); comments keep idle proxies open.
// Every tab of one learner on one lesson shares one live session (app/_lib/grader/live-hub.ts),
// and the session behind the stream is checked again every little while: a learner who signs
// out or is removed stops receiving within KUBELAB_SESSION_RECHECK_SECONDS.
import { headers } from "next/headers";
import { peerAddress } from "@/app/_lib/auth/peer-address";
import { currentSessionToken, currentUser } from "@/app/_lib/auth/session";
import { findSessionUser } from "@/app/_lib/auth/session-core";
import { env } from "@/app/_lib/config/env";
import { db } from "@/app/_lib/db/client";
import { eventStreamResponse, openEventStream } from "@/app/_lib/http/event-stream";
import { subscribeLive } from "@/app/_lib/grader/live-hub";
import { encodeLiveFrame, type LiveFrame } from "@/app/_lib/grader/live-frames";
import { lessonRefSchema } from "@/app/_lib/grader/inputs";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { logger } from "@/app/_lib/log";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ lessonId: string }> }) {
  const parsed = lessonRefSchema.safeParse(await params);
  if (!parsed.success) return Response.json({ error: "not a lesson id" }, { status: 400 });
  const { lessonId } = parsed.data;
  const runtime = labRuntimeIfRunning();
  if (!runtime) return Response.json({ error: "labs are not running in this process" }, { status: 503 });
  const user = await currentUser();
  if (!user) return Response.json({ error: "no session" }, { status: 401 });
  const sessionToken = await currentSessionToken();
  const address = peerAddress(await headers());
  let exercises;
  try {
    exercises = lessonExercises(lessonId);
  } catch {
    return Response.json({ error: "this lesson's exercises cannot be read" }, { status: 500 });
  }
  if (exercises.length === 0) return Response.json({ error: "this lesson has no exercises" }, { status: 404 });

  const log = logger.child({ userId: user.userId, lessonId });
  const stream = openEventStream({
    signal: request.signal,
    stillAllowed: async () => (await findSessionUser(db, sessionToken))?.userId === user.userId,
    recheckMs: env().KUBELAB_SESSION_RECHECK_SECONDS * 1000,
    onRevoked(sink) {
      log.info("live stream closed: the session ended");
      sink.write(encodeLiveFrame({ type: "refused", reason: "signed-out" }));
    },
    onRecheckError: (error) => log.warn({ err: error }, "live stream recheck failed"),
    start(sink) {
      const send = (frame: LiveFrame) => sink.write(encodeLiveFrame(frame));
      const subscription = subscribeLive(
        { userId: user.userId, address, lessonId, exercises, runtime, onError: (error) => log.warn({ err: error }, "live checks") },
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
