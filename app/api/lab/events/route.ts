// Server-sent events: the learner's lab view, sent at once and again whenever it changes
// (queue position, starting, ready, ended). Only the learner's own lab, found by cookie; a
// stream whose session has ended since (sign-out, a role change, expiry) is cut off within
// STREAM_RECHECK_MS, and the browser's reconnect then meets the 401.
import { STREAM_RECHECK_MS } from "@/app/_lib/auth/session-core";
import { watchMyLab } from "@/app/_lib/data/labs";
import { eventStreamResponse, openEventStream } from "@/app/_lib/http/event-stream";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const watch = await watchMyLab();
  if (watch.kind === "unavailable") return Response.json({ error: "labs are not running in this process" }, { status: 503 });
  if (watch.kind === "no-session") return Response.json({ error: "no session" }, { status: 401 });
  const stream = openEventStream({
    signal: request.signal,
    stillAllowed: watch.stillMine,
    recheckMs: STREAM_RECHECK_MS,
    onRevoked: (sink) => sink.event("revoked", {}),
    async start(sink) {
      let last = "";
      const send = async () => {
        const view = JSON.stringify(await watch.view());
        if (view === last) return;
        last = view;
        sink.write(`event: lab\ndata: ${view}\n\n`);
      };
      // A view that cannot be read now is sent with the next change.
      const unsubscribe = watch.subscribe(() => void send().catch(() => undefined));
      await send().catch(() => undefined);
      return unsubscribe;
    },
  });
  return eventStreamResponse(stream);
}
