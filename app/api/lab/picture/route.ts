// Server-sent events: the live picture of a lab's cluster (sandbox/picture/schema.ts's frames,
// as `picture` events). Without a query, the caller's own lab; with `?cohort=<id>&learner=<id>`,
// a learner's lab for the instructor of that cohort, read-only. Who may look is decided in the
// data layer (app/_lib/data/cluster-picture.ts) and asked again while the stream is open.
import { z } from "zod";
import { authErrorResponse, isAuthError } from "@/app/_lib/auth/guards";
import { env } from "@/app/_lib/config/env";
import { learnerClusterPicture, myClusterPicture, type PictureAccess, PictureUnavailableError } from "@/app/_lib/data/cluster-picture";
import { CohortNotFoundError } from "@/app/_lib/data/cohort-access";
import { eventStreamResponse, openEventStream } from "@/app/_lib/http/event-stream";
import { subscribePicture } from "@/app/_lib/picture/picture-hub";
import { logger } from "@/app/_lib/log";
import { encodePictureFrame, type PictureFrame } from "@/sandbox/picture/schema";

export const dynamic = "force-dynamic";

const querySchema = z.union([
  z.strictObject({}),
  z.strictObject({ cohort: z.string().min(1).max(64), learner: z.string().min(1).max(64) }),
]);

export async function GET(request: Request) {
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "give both cohort and learner, or neither" }, { status: 400 });
  let access: PictureAccess;
  try {
    access = "cohort" in query.data ? await learnerClusterPicture(query.data.cohort, query.data.learner) : await myClusterPicture();
  } catch (error) {
    if (error instanceof PictureUnavailableError) return Response.json({ error: error.message }, { status: 503 });
    if (error instanceof CohortNotFoundError) return Response.json({ error: "no such cohort" }, { status: 404 });
    if (isAuthError(error)) return authErrorResponse(error);
    throw error;
  }
  const { address } = access;
  const log = logger.child({ ownerId: access.ownerId, viewerId: access.viewerId });
  const stream = openEventStream({
    signal: request.signal,
    stillAllowed: access.stillAllowed,
    recheckMs: env().KUBELAB_SESSION_RECHECK_SECONDS * 1000,
    onRevoked(sink) {
      log.info("picture stream closed: no longer allowed");
      sink.write(encodePictureFrame({ type: "refused", reason: "signed-out" }));
    },
    onRecheckError: (error) => log.warn({ err: error }, "picture stream recheck failed"),
    start(sink) {
      const send = (frame: PictureFrame) => sink.write(encodePictureFrame(frame));
      const subscription = subscribePicture(
        { ownerId: access.ownerId, viewerId: access.viewerId, address, runtime: access.runtime, onError: (error) => log.warn({ err: error }, "cluster picture") },
        send,
      );
      if ("refused" in subscription) {
        log.warn({ reason: subscription.refused, address }, "picture stream refused");
        send({ type: "refused", reason: subscription.refused });
        sink.close();
        return;
      }
      return () => subscription.close();
    },
  });
  return eventStreamResponse(stream);
}
