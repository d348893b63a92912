// A learner's own lab. Every function works out the user from the session itself, so no
// caller can act on someone else's lab by passing an id.
import "server-only";
import { consume, limits } from "@/app/_lib/auth/rate-limit";
import { createAnonymousSession, type SessionUser } from "@/app/_lib/auth/session-core";
import { cohortLabKey } from "@/app/_lib/classes/warm-class";
import { grading } from "@/app/_lib/grader/grading";
import { LabsUnavailableError } from "@/app/_lib/lab/runtime";
import { lessonLabProfile } from "@/app/_lib/lessons/catalog";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";
import { gradeTarget } from "@/sandbox/grader/engine";
import { SETUP_STATE_DIR } from "@/sandbox/grader/setup";
import { EngineUnavailableError } from "@/sandbox/manager/engine-watch";
import type { LabView } from "@/sandbox/manager/view";
import type { LabProfile, ProfileRefusalCode } from "@/sandbox/providers/types";
import { signTerminalToken, TERMINAL_TOKEN_TTL_SECONDS } from "@/sandbox/terminal/token";
import { type DataContext, type DataRuntime, requestContext } from "./data-context";

/** The runtime, for functions a page only offers when labs run: without one, an error that says how to start it. */
function runningRuntime(ctx: DataContext): DataRuntime {
  const runtime = ctx.runtime();
  if (!runtime) throw new LabsUnavailableError();
  return runtime;
}

/** The asker, or a new anonymous learner whose session cookie is set now (server actions and route handlers only). */
async function askerOrAnonymous(ctx: DataContext, locale: string): Promise<SessionUser> {
  const existing = await ctx.asker();
  if (existing) return existing;
  const session = await createAnonymousSession(ctx.db, locale);
  await ctx.sessionCookie.write(session);
  return { userId: session.userId, role: "learner", email: null, displayName: null };
}

/**
 * Why labs cannot be offered: the server runs without its lab runtime, or the lab engine
 * does not answer (or lacks the image). Never a weaker shell in their place.
 */
export type LabsUnavailable = "runtime" | "engine";

/** For the panel of a prerendered lesson page: can this server run labs, and what is mine? */
export async function myLabStatus(ctx?: DataContext): Promise<{ available: boolean; unavailable?: LabsUnavailable; view: LabView }> {
  ctx ??= await requestContext();
  const runtime = ctx.runtime();
  if (!runtime) return { available: false, unavailable: "runtime", view: { state: "none" } };
  const user = await ctx.asker();
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

export async function watchMyLab(ctx?: DataContext): Promise<LabWatch> {
  ctx ??= await requestContext();
  const runtime = ctx.runtime();
  if (!runtime) return { kind: "unavailable" };
  const user = await ctx.asker();
  if (!user) return { kind: "no-session" };
  const sessionNow = ctx.laterAsker ? await ctx.laterAsker() : ctx.asker;
  return {
    kind: "watching",
    view: () => runtime.manager.view(user.userId),
    subscribe: (listener) => runtime.manager.subscribe(user.userId, listener),
    stillMine: async () => (await sessionNow())?.userId === user.userId,
  };
}

export async function startMyLab(locale: string, lessonId: string | null = null, ctx?: DataContext): Promise<LabView> {
  ctx ??= await requestContext();
  const { manager, provider } = runningRuntime(ctx);
  // The lesson's front matter says which profile it needs; an unknown lesson gets sim.
  const profile = lessonId ? lessonLabProfile(lessonId) : "sim";
  // A profile this server does not offer (node labs off): said at once, before an identity,
  // a rate-limit point or a place in the queue is spent on a lab that would only fail.
  const refusal = provider.profileRefusal(profile);
  if (refusal) return { state: "none", profileUnavailable: profile, profileRefusal: refusal.code };
  // Before an anonymous identity or a rate-limit point is spent on a lab that cannot start.
  if (!manager.engine.up) throw new EngineUnavailableError(manager.engine.state.reason);
  const { labStartPerUser, labStartPerAddress } = await limits();
  const address = await ctx.callerAddress();
  const existing = await ctx.asker();
  // A caller without a session is counted against their address before an anonymous identity
  // is made for them: a script clearing its cookie in a loop would otherwise add a user per try.
  if (!existing) {
    const limited = await consume([labStartPerAddress, address]);
    if (!limited.ok) return { state: "none", retryAfterSeconds: limited.retryAfterSeconds };
    // One address may not fill the queue: refused before an identity is made for the caller
    // (manager.request checks again, under a lock, for callers that raced past this).
    if (await manager.addressWaitingFull(address)) return { state: "none", waitingPerAddressLimit: manager.config.maxWaitingPerAddress };
  }
  const user = existing ?? (await askerOrAnonymous(ctx, locale));
  // Only a start that would make a new lab counts; asking again for a running one is free.
  const current = await manager.view(user.userId);
  if (current.state === "none" || current.state === "ended") {
    const limited = existing
      ? await consume([labStartPerUser, user.userId], [labStartPerAddress, address])
      : await consume([labStartPerUser, user.userId]);
    if (!limited.ok) return { state: "none", retryAfterSeconds: limited.retryAfterSeconds };
  }
  // Labs warmed for a class of a cohort they are enrolled in are theirs to claim first.
  const enrolments = existing ? await ctx.db.enrollment.findMany({ where: { userId: user.userId, removedAt: null }, select: { cohortId: true } }) : [];
  return manager.request(user.userId, address, profile, enrolments.map((e) => cohortLabKey(e.cohortId)));
}

/** What a lesson needs of the learner's lab: its profile (front matter), whether this server offers it, and if not why. */
export interface LessonLabNeed {
  profile: LabProfile;
  offered: boolean;
  refusal?: ProfileRefusalCode;
}

export async function lessonLabNeed(lessonId: string, ctx?: DataContext): Promise<LessonLabNeed> {
  ctx ??= await requestContext();
  const profile = lessonLabProfile(lessonId);
  const runtime = ctx.runtime();
  const refusal = runtime?.provider.profileRefusal(profile);
  return { profile, offered: runtime !== undefined && !refusal, ...(refusal ? { refusal: refusal.code } : {}) };
}

/**
 * The learner's lab is of the other profile than the open lesson needs (a simulated node where
 * the lesson runs real pods, or the reverse): it is stopped, with its cluster and home
 * directory, as the panel said before the learner chose this, and one of the lesson's profile
 * is started (a warm one when the pool holds one). A lab of the right profile is left alone.
 */
export async function switchMyLabForLesson(locale: string, lessonId: string, ctx?: DataContext): Promise<LabView> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return { state: "none" };
  const { manager, provider } = runningRuntime(ctx);
  const profile = lessonLabProfile(lessonId);
  const refusal = provider.profileRefusal(profile);
  if (refusal) return { state: "none", profileUnavailable: profile, profileRefusal: refusal.code };
  const current = await manager.view(user.userId);
  if ((current.state === "ready" || current.state === "starting") && (current.profile ?? "sim") === profile) return current;
  await manager.stop(user.userId);
  return startMyLab(locale, lessonId, ctx);
}

export async function stopMyLab(ctx?: DataContext): Promise<LabView> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return { state: "none" };
  return runningRuntime(ctx).manager.stop(user.userId);
}

export async function resetMyLab(ctx?: DataContext): Promise<LabView> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return { state: "none" };
  return runningRuntime(ctx).manager.reset(user.userId);
}

/**
 * "Start this lesson from a clean cluster": a reset (everything in the cluster goes, files in
 * the home directory stay), then what the lesson's exercises start from, made before the lab
 * is handed back. What setups remember across a `minikube delete` goes too, so a lesson that
 * prepares something only once prepares it again.
 */
export async function resetMyLabForLesson(lessonId: string, ctx?: DataContext): Promise<LabView> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return { state: "none" };
  const runtime = runningRuntime(ctx);
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
export async function terminalTicket(ctx?: DataContext): Promise<TerminalTicket> {
  ctx ??= await requestContext();
  const user = await ctx.asker();
  if (!user) return { ok: false, reason: "no-session" };
  const runtime = runningRuntime(ctx);
  const view = await runtime.manager.view(user.userId);
  if (view.state !== "ready") return { ok: false, reason: "no-lab" };
  const token = await signTerminalToken(runtime.secret, { userId: user.userId, sandboxId: view.sandboxId });
  return { ok: true, token, expiresAt: new Date(Date.now() + TERMINAL_TOKEN_TTL_SECONDS * 1000).toISOString() };
}
