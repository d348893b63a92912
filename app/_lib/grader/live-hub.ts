// One live session per learner and lesson, shared by every tab that follows it. Each session
// runs a watcher in the lab (sandbox/grader/live.ts), so a tab per stream would let one
// learner with twenty tabs (or a script) start twenty watchers in their lab and twenty graders
// on the server. A tab that joins is sent what the others were sent last: the lab state and
// the latest results of each exercise. The session stops a few seconds after its last tab
// leaves, so a reload finds it still running.
//
// Streams are capped per learner and per address, and a learner may have live sessions for
// only a few lessons at once; beyond that a stream is refused with a frame the page explains.
//
// The cluster picture of a learner's lab (app/_lib/picture/picture-hub.ts) rides on one of
// that learner's live sessions, so its objects come from the same watch as the checks. With
// no lesson open (an instructor looking, a page without exercises) it gets a session of its
// own with no exercises; when a lesson's session appears, it moves there and that session
// ends; when the session it rides on ends, it moves again.
import "server-only";
import type { LiveFrame } from "@/app/_lib/grader/live-frames";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import type { ClusterRead } from "@/sandbox/grader/engine";
import { type LiveRuntime, type LiveSession, openLiveSession } from "./live-session";
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

/** The lesson id of a session that only carries a cluster picture. */
const PICTURE_ONLY = "";

/** What the cluster picture of one learner's lab hears from the session it rides on. */
export interface PictureListener {
  onRead(read: ClusterRead): void;
  /** No ready lab now ("waiting"), or a lab is watched ("watching"; its first read follows). */
  onLabState(state: "waiting" | "watching"): void;
}

interface PictureRide {
  listener: PictureListener;
  runtime: LiveRuntime;
  onError(error: Error): void;
  on?: Shared;
}

interface Shared {
  userId: string;
  lessonId: string;
  session: LiveSession;
  /** The picture riding on this session, if one does. */
  picture?: PictureRide;
  subscribers: Set<Send>;
  /** The last lab-state frame (waiting, preparing, unprepared, watching), and the last results of each exercise on that lab. */
  state?: LiveFrame;
  results: Map<string, LiveFrame>;
  linger?: NodeJS.Timeout;
}

interface Hub {
  sessions: Map<string, Shared>;
  /** One picture per learner (lab owner), whoever looks at it. */
  pictures: Map<string, PictureRide>;
  streamsByLearner: Map<string, number>;
  streamsByAddress: Map<string, number>;
}

// Next may load this module more than once (separate bundles); the sessions must be one.
function hub(): Hub {
  return processSingleton<Hub>("live-hub", () => ({ sessions: new Map(), pictures: new Map(), streamsByLearner: new Map(), streamsByAddress: new Map() }));
}

const keyOf = (userId: string, lessonId: string) => `${userId}\u0000${lessonId}`;

function createShared(h: Hub, opts: { userId: string; lessonId: string; exercises: Exercise[]; runtime: LiveRuntime; onError(error: Error): void }): Shared {
  const created: Shared = { userId: opts.userId, lessonId: opts.lessonId, subscribers: new Set(), results: new Map(), session: { close() {}, setPictureReader() {} } };
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
        if (frame.type === "watching" || frame.type === "waiting") created.picture?.listener.onLabState(frame.type);
      }
      for (const s of created.subscribers) s(frame);
    },
  });
  h.sessions.set(keyOf(opts.userId, opts.lessonId), created);
  return created;
}

function closeShared(h: Hub, shared: Shared): void {
  clearTimeout(shared.linger);
  const key = keyOf(shared.userId, shared.lessonId);
  if (h.sessions.get(key) === shared) h.sessions.delete(key);
  shared.session.close();
  const ride = shared.picture;
  shared.picture = undefined;
  if (ride && ride.on === shared) {
    ride.on = undefined;
    seatPicture(h, shared.userId);
  }
}

/** Puts the learner's picture on the best session: a lesson's, else one of its own. */
function seatPicture(h: Hub, userId: string): void {
  const ride = h.pictures.get(userId);
  if (!ride) return;
  const mine = [...h.sessions.values()].filter((s) => s.userId === userId && s.lessonId !== PICTURE_ONLY);
  const best = mine.find((s) => s.subscribers.size > 0) ?? mine[0] ?? h.sessions.get(keyOf(userId, PICTURE_ONLY));
  if (best && best === ride.on) return;
  const old = ride.on;
  if (old) {
    old.picture = undefined;
    old.session.setPictureReader(null);
    if (old.lessonId === PICTURE_ONLY) closeShared(h, old);
  }
  const seat = best ?? createShared(h, { userId, lessonId: PICTURE_ONLY, exercises: [], runtime: ride.runtime, onError: ride.onError });
  ride.on = seat;
  seat.picture = ride;
  seat.session.setPictureReader((read) => ride.listener.onRead(read));
  if (seat.state?.type === "watching" || seat.state?.type === "waiting") ride.listener.onLabState(seat.state.type);
}

/**
 * Follows one learner's lab for their cluster picture, on the live session that already
 * watches it or on one of its own. One ride per learner: the picture hub shares it among
 * everyone looking. `close` ends the ride (and the session it made for itself, if any).
 */
export function ridePicture(opts: { userId: string; runtime: LiveRuntime; onError(error: Error): void }, listener: PictureListener): { close(): void } {
  const h = hub();
  h.pictures.get(opts.userId)?.on && closeRide(h, opts.userId);
  const ride: PictureRide = { listener, runtime: opts.runtime, onError: opts.onError };
  h.pictures.set(opts.userId, ride);
  seatPicture(h, opts.userId);
  return {
    close() {
      if (h.pictures.get(opts.userId) === ride) closeRide(h, opts.userId);
    },
  };
}

function closeRide(h: Hub, userId: string): void {
  const ride = h.pictures.get(userId);
  h.pictures.delete(userId);
  const on = ride?.on;
  if (!ride || !on) return;
  ride.on = undefined;
  on.picture = undefined;
  on.session.setPictureReader(null);
  if (on.lessonId === PICTURE_ONLY) closeShared(h, on);
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

/** One learner's live sessions: the lesson each follows ("" for a picture's own) and whether the picture rides on it; for tests. */
export function liveSessionsOf(userId: string): { lessonId: string; picture: boolean }[] {
  return [...hub().sessions.values()].filter((s) => s.userId === userId).map((s) => ({ lessonId: s.lessonId, picture: s.picture !== undefined }));
}

/** How many live sessions (watchers) run now; for tests and metrics. */
export function liveSessionCount(): number {
  return hub().sessions.size;
}

export function subscribeLive(
  opts: { userId: string; address: string; lessonId: string; exercises: Exercise[]; runtime: LiveRuntime; onError(error: Error): void },
  send: Send,
): LiveSubscription | { refused: LiveRefusal } {
  const h = hub();
  const key = keyOf(opts.userId, opts.lessonId);
  const mine = (h.streamsByLearner.get(opts.userId) ?? 0) + 1;
  const fromAddress = (h.streamsByAddress.get(opts.address) ?? 0) + 1;
  if (mine > LIVE_LIMITS.streamsPerLearner || fromAddress > LIVE_LIMITS.streamsPerAddress) return { refused: "too-many-streams" };
  let shared = h.sessions.get(key);
  if (!shared) {
    // Sessions lingering after their last tab left make room first (a learner moving on).
    // (A picture's own session is not a lesson: it stays until the picture moves.)
    for (const s of [...h.sessions.values()]) {
      if (s.userId === opts.userId && s.lessonId !== PICTURE_ONLY && s.subscribers.size === 0) closeShared(h, s);
    }
    const lessons = [...h.sessions.values()].filter((s) => s.userId === opts.userId && s.lessonId !== PICTURE_ONLY).length;
    if (lessons >= LIVE_LIMITS.lessonsPerLearner) return { refused: "too-many-lessons" };
    shared = createShared(h, opts);
    // A picture on a session of its own moves onto the lesson's, which watches the same lab.
    if (h.pictures.get(opts.userId)?.on?.lessonId === PICTURE_ONLY) seatPicture(h, opts.userId);
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
        closeShared(h, joined);
      }, LIVE_LIMITS.lingerMs);
      joined.linger.unref?.();
    },
  };
}
