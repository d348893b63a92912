// Server-sent events: the learner's lab view, sent at once and again whenever it changes
// (queue position, starting, ready, ended). Only the learner's own lab, found by cookie; a
// stream whose session has ended since (sign-out, a role change, expiry) is cut off within
// STREAM_RECHECK_MS, and the browser's reconnect then meets the 401.
import { currentUser, sessionRechecker } from "@/app/_lib/auth/session";
import { STREAM_RECHECK_MS } from "@/app/_lib/auth/session-core";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const runtime = labRuntimeIfRunning();
  if (!runtime) return Response.json({ error: "labs are not running in this process" }, { status: 503 });
  const user = await currentUser();
  if (!user) return Response.json({ error: "no session" }, { status: 401 });
  const sessionNow = await sessionRechecker();
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  let keepAlive: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = "";
      const send = async () => {
        try {
          const view = JSON.stringify(await runtime.manager.view(user.userId));
          if (view !== last) {
            last = view;
            controller.enqueue(encoder.encode(`event: lab\ndata: ${view}\n\n`));
          }
        } catch {
          // The stream was closed while we looked; the abort handler cleans up.
        }
      };
      unsubscribe = runtime.manager.subscribe(user.userId, () => void send());
      // Comments keep proxies from closing an idle stream.
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), 20_000);
      const end = () => {
        unsubscribe();
        clearInterval(keepAlive);
        clearInterval(recheck);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      recheck = setInterval(() => {
        sessionNow().then(
          (now) => {
            if (now?.userId === user.userId) return;
            try {
              controller.enqueue(encoder.encode("event: revoked\ndata: {}\n\n"));
            } catch {
              // already closed
            }
            end();
          },
          () => undefined, // the database could not answer: not a revocation
        );
      }, STREAM_RECHECK_MS);
      request.signal.addEventListener("abort", end);
      await send();
    },
    cancel() {
      unsubscribe();
      clearInterval(keepAlive);
      clearInterval(recheck);
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
