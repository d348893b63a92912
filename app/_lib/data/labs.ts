// A learner's own lab. Every function works out the user from the session itself, so no
// caller can act on someone else's lab by passing an id.
import "server-only";
import { headers } from "next/headers";
import { peerAddress } from "@/app/_lib/auth/peer-address";
import { consume, limits } from "@/app/_lib/auth/rate-limit";
import { currentOrAnonymousUser, currentUser, sessionRechecker } from "@/app/_lib/auth/session";
import { grading } from "@/app/_lib/grader/grading";
import { labRuntime, labRuntimeIfRunning } from "@/app/_lib/lab/runtime";
import { lessonLabProfile } from "@/app/_lib/lessons/catalog";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { gradeTarget } from "@/sandbox/grader/engine";
import { SETUP_STATE_DIR } from "@/sandbox/grader/setup";
import { EngineUnavailableError } from "@/sandbox/manager/engine-watch";
import type { LabView } from "@/sandbox/manager/view";
import { signTerminalToken, TERMINAL_TOKEN_TTL_SECONDS } from "@/sandbox/terminal/token";

/**
 * Why labs cannot be offered: the server runs without its lab runtime, or the lab engine
 * does not answer (or lacks the image). Never a weaker shell in their place.
 */
export type LabsUnavailable = "runtime" | "engine";

/** For the panel of a prerendered lesson page: can this server run labs, and what is mine? */
export async function myLabStatus(): Promise<{ available: boolean; unavailable?: LabsUnavailable; view: LabView }> {
  const runtime = labRuntimeIfRunning();
  if (!runtime) return { available: false, unavailable: "runtime", view: { state: "none" } };
  const user = await currentUser();
  const view: LabView = user ? await runtime.manager.view(user.userId) : { state: "none" };
  // A learner whose lab exists keeps it in sight while the engine is briefly away (a dockerd
  // restart): their terminal reconnects by itself when it is back.
  const hasLab = view.state === "ready" || view.state === "starting" || view.state === "queued";
  if (!runtime.manager.engine.up && !hasLab) return { available: false, unavailable: "engine", view };
  return { available: true, view };
}

/** The caller's own lab as it changes, for the lab event stream (/api/lab/events). */
export type LabWatch =
  | { kind: "unavailable" }
  | { kind: "no-session" }
  | {
      kind: "watching";
      view(): Promise<LabView>;
      subscribe(listener: () => void): () => void;
      /** Whether the session that opened the watch still names the same learner (a sign-out, expiry). */
      stillMine(): Promise<boolean>;
    };

export async function watchMyLab(): Promise<LabWatch> {
  const runtime = labRuntimeIfRunning();
  if (!runtime) return { kind: "unavailable" };
  const user = await currentUser();
  if (!user) return { kind: "no-session" };
  const sessionNow = await sessionRechecker();
  return {
    kind: "watching",
    view: () => runtime.manager.view(user.userId),
    subscribe: (listener) => runtime.manager.subscribe(user.userId, listener),
    stillMine: async () => (await sessionNow())?.userId === user.userId,
  };
}

export async function startMyLab(locale: string, lessonId: string | null = null): Promise<LabView> {
  const { manager } = labRuntime();
  // The lesson's front matter says which profile it needs; an unknown lesson gets sim.
  const profile = lessonId ? lessonLabProfile(lessonId) : "sim";
  // Before an anonymous identity or a rate-limit point is spent on a lab that cannot start.
  if (!manager.engine.up) throw new EngineUnavailableError(manager.engine.state.reason);
  const { labStartPerUser, labStartPerAddress } = limits();
  const address = peerAddress(await headers());
  const existing = await currentUser();
  // A caller without a session is counted against their address before an anonymous identity
  // is made for them: a script clearing its cookie in a loop would otherwise add a user per try.
  if (!existing) {
    const limited = await consume([labStartPerAddress, address]);
    if (!limited.ok) return { state: "none", retryAfterSeconds: limited.retryAfterSeconds };
    // One address may not fill the queue: refused before an identity is made for the caller
    // (manager.request checks again, under a lock, for callers that raced past this).
    if (await manager.addressWaitingFull(address)) return { state: "none", waitingPerAddressLimit: manager.config.maxWaitingPerAddress };
  }
  const user = existing ?? (await currentOrAnonymousUser(locale));
  // Only a start that would make a new lab counts; asking again for a running one is free.
  const current = await manager.view(user.userId);
  if (current.state === "none" || current.state === "ended") {
    const limited = existing
      ? await consume([labStartPerUser, user.userId], [labStartPerAddress, address])
      : await consume([labStartPerUser, user.userId]);
    if (!limited.ok) return { state: "none", retryAfterSeconds: limited.retryAfterSeconds };
  }
  return manager.request(user.userId, address, profile);
}

export async function stopMyLab(): Promise<LabView> {
  const user = await currentUser();
  if (!user) return { state: "none" };
  return labRuntime().manager.stop(user.userId);
}

export async function resetMyLab(): Promise<LabView> {
  const user = await currentUser();
  if (!user) return { state: "none" };
  return labRuntime().manager.reset(user.userId);
}

/**
 * "Start this lesson from a clean cluster": a reset (everything in the cluster goes, files in
 * the home directory stay), then what the lesson's exercises start from, made before the lab
 * is handed back. What setups remember across a `minikube delete` goes too, so a lesson that
 * prepares something only once prepares it again.
 */
export async function resetMyLabForLesson(lessonId: string): Promise<LabView> {
  const user = await currentUser();
  if (!user) return { state: "none" };
  const runtime = labRuntime();
  const exercises = lessonExercises(lessonId);
  return runtime.manager.reset(user.userId, {
    afterReset: async (lab) => {
      const removed = await runtime.provider.exec(lab.state, ["rm", "-rf", SETUP_STATE_DIR], { user: "root", timeoutMs: 10_000 });
      if (removed.exitCode !== 0) throw new Error(`could not clear ${SETUP_STATE_DIR}: ${removed.stderr.trim()}`);
      const target = gradeTarget(runtime.provider, lab.state);
      await grading().prepareLesson(lab.sandboxId, lessonId, exercises, target);
    },
  });
}

export type TerminalTicket = { ok: true; token: string; expiresAt: string } | { ok: false; reason: "no-session" | "no-lab" };

/** A one-minute token for the terminal socket of this learner's ready lab. */
export async function terminalTicket(): Promise<TerminalTicket> {
  const user = await currentUser();
  if (!user) return { ok: false, reason: "no-session" };
  const runtime = labRuntime();
  const view = await runtime.manager.view(user.userId);
  if (view.state !== "ready") return { ok: false, reason: "no-lab" };
  const token = await signTerminalToken(runtime.secret, { userId: user.userId, sandboxId: view.sandboxId });
  return { ok: true, token, expiresAt: new Date(Date.now() + TERMINAL_TOKEN_TTL_SECONDS * 1000).toISOString() };
}
