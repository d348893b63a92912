// One live session per learner and lesson, shared by every tab that follows it. Each session
// runs a watcher in the lab (sandbox/grader/live.ts), so a tab per stream would let one
// learner with twenty tabs (or a script) start twenty watchers in their lab and twenty graders
// on the server. A tab that joins is sent what the others were sent last: the lab state and
// the latest results of each exercise. The session stops a few seconds after its last tab
// leaves, so a reload finds it still running.
//
// Streams are capped per learner and per address, and a learner may have live sessions for
// only a few lessons at once; beyond that a stream is refused with a frame the page explains.
import "server-only";
import type { LiveFrame } from "@/app/_lib/grader/live-frames";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import type { LabRuntime } from "@/app/_lib/lab/published-runtime";
import { openLiveSession } from "./live-session";
import { processSingleton } from "@/app/_lib/process-singleton";

export const LIVE_LIMITS = {
  /** Open live streams of one learner: many tabs fit, a script does not. */
  streamsPerLearner: 12,
  /** Open live streams from one address; a class behind one NAT fits. */
  streamsPerAddress: 300,
  /** Lessons one learner has live sessions (watchers in their lab) for at once. */
  lessonsPerLearner: 3,
  /** A session outlives its last stream this long, so a reload does not restart the watcher. */
  lingerMs: 5_000,
};

type Send = (frame: LiveFrame) => void;

interface Shared {
  userId: string;
  lessonId: string;
  session: { close(): void };
  subscribers: Set<Send>;
  /** The last "watching" or "waiting" frame, and the last results of each exercise on that lab. */
  state?: LiveFrame;
  results: Map<string, LiveFrame>;
  linger?: NodeJS.Timeout;
}

interface Hub {
  sessions: Map<string, Shared>;
  streamsByLearner: Map<string, number>;
  streamsByAddress: Map<string, number>;
}

// Next may load this module more than once (separate bundles); the sessions must be one.
function hub(): Hub {
  return processSingleton<Hub>("live-hub", () => ({ sessions: new Map(), streamsByLearner: new Map(), streamsByAddress: new Map() }));
}

function bump(map: Map<string, number>, key: string, delta: number): number {
  const n = (map.get(key) ?? 0) + delta;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
  return n;
}

export type LiveRefusal = "too-many-streams" | "too-many-lessons";

export interface LiveSubscription {
  close(): void;
}

/** How many live sessions (watchers) run now; for tests and metrics. */
export function liveSessionCount(): number {
  return hub().sessions.size;
}

export function subscribeLive(
  opts: { userId: string; address: string; lessonId: string; exercises: Exercise[]; runtime: LabRuntime; onError(error: Error): void },
  send: Send,
): LiveSubscription | { refused: LiveRefusal } {
  const h = hub();
  const key = `${opts.userId}\u0000${opts.lessonId}`;
  const mine = (h.streamsByLearner.get(opts.userId) ?? 0) + 1;
  const fromAddress = (h.streamsByAddress.get(opts.address) ?? 0) + 1;
  if (mine > LIVE_LIMITS.streamsPerLearner || fromAddress > LIVE_LIMITS.streamsPerAddress) return { refused: "too-many-streams" };
  let shared = h.sessions.get(key);
  if (!shared) {
    // Sessions lingering after their last tab left make room first (a learner moving on).
    for (const [k, s] of h.sessions) {
      if (s.userId === opts.userId && s.subscribers.size === 0) {
        clearTimeout(s.linger);
        h.sessions.delete(k);
        s.session.close();
      }
    }
    const lessons = [...h.sessions.values()].filter((s) => s.userId === opts.userId).length;
    if (lessons >= LIVE_LIMITS.lessonsPerLearner) return { refused: "too-many-lessons" };
    const created: Shared = { userId: opts.userId, lessonId: opts.lessonId, subscribers: new Set(), results: new Map(), session: { close() {} } };
    created.session = openLiveSession({
      userId: opts.userId,
      lessonId: opts.lessonId,
      exercises: opts.exercises,
      runtime: opts.runtime,
      onError: opts.onError,
      send(frame) {
        if (frame.type === "results") created.results.set(frame.results.exerciseId, frame);
        else {
          created.state = frame;
          created.results.clear();
        }
        for (const s of created.subscribers) s(frame);
      },
    });
    h.sessions.set(key, created);
    shared = created;
  }
  const joined = shared;
  clearTimeout(joined.linger);
  joined.linger = undefined;
  bump(h.streamsByLearner, opts.userId, 1);
  bump(h.streamsByAddress, opts.address, 1);
  joined.subscribers.add(send);
  if (joined.state) send(joined.state);
  for (const frame of joined.results.values()) send(frame);
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      bump(h.streamsByLearner, opts.userId, -1);
      bump(h.streamsByAddress, opts.address, -1);
      joined.subscribers.delete(send);
      if (joined.subscribers.size > 0) return;
      joined.linger = setTimeout(() => {
        if (joined.subscribers.size > 0 || h.sessions.get(key) !== joined) return;
        h.sessions.delete(key);
        joined.session.close();
      }, LIVE_LIMITS.lingerMs);
      joined.linger.unref?.();
    },
  };
}
