// The sandbox manager: one lab per learner. It answers a learner's requests (request, stop,
// reset, view) and keeps the table and the engine in step (reconcile at start, on a timer and
// when the engine comes back). The jobs behind it live apart: store.ts (every query of the
// Sandbox table, the record of truth for who owns what and for the queue), admission.ts (the
// warm pool, capacity, the queue and a semaphore on concurrent starts) and culler.ts (idle,
// old and dead labs). Container labels let reconcile find what the table forgot.
// An engine that does not answer (dockerd restarting) is not a lab that died: labs are
// ended only when their container is really gone or stays out of sight past a grace period,
// and what still runs when the engine is back is adopted.
// Authorization is the caller's job (app/_lib/data/labs.ts): this module trusts its userId.
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { PrismaClient } from "@/prisma/generated/client";
import type { LabProfile, Provider, ProviderState } from "@/sandbox/providers/types";
import { labProfileSchema } from "@/sandbox/providers/types";
import { Admission } from "./admission";
import { Culler } from "./culler";
import { EngineUnavailableError, EngineWatch } from "./engine-watch";
import { inProcessLabEvents, type LabEventBus } from "./lab-events";
import { type Leadership, SOLE_LEADER } from "./leadership";
import type { LabMetrics } from "./metrics";
import { isActive, LabStore, type Reservation, type SandboxRow, stateOf } from "./store";
import type { EndReason, LabView } from "./view";

export interface ManagerConfig {
  /** Sim labs kept warm. */
  poolSize: number;
  /** Node labs kept warm (0 or unset: none); only where the provider offers node labs. */
  nodePoolSize?: number;
  capacity: number;
  idleTimeoutMs: number;
  maxAgeMs: number;
  readyTimeoutMs: number;
  /** Cold starts at once; more would only slow each other down on a small host. */
  maxConcurrentStarts: number;
  cullIntervalMs: number;
  version: string;
  /** How long a lab may be out of sight (engine not answering, container restarting) before it counts as dead. */
  unreachableGraceMs?: number;
  /** How often the table and the engine are compared (besides at start and when the engine comes back). */
  reconcileIntervalMs?: number;
  /** Whether the host can hold one more lab of this memory limit now (measured memory); capacity is the planned upper bound. */
  hasRoom?: (labLimitBytes: number) => boolean;
  /**
   * Most labs one client address may have queued or starting at once (0 or unset: no cap).
   * Each learner has one lab at most, but a script making anonymous identities could
   * otherwise fill the whole queue from one address and make a class wait behind it.
   */
  maxWaitingPerAddress?: number;
  /**
   * How long the place of a lab that died (its container killed or gone, not the learner's
   * doing) stays its learner's (0 or unset: not at all): the queue does not take it, and their
   * Start again goes ahead of the queue into it.
   */
  diedLabHoldMs?: number;
  /**
   * Each profile's memory limit. With memoryBudgetBytes, a new lab starts only while the
   * limits of all active labs plus its own fit in the budget: a node lab (1.5 GiB) takes the
   * place of three sim labs (512 MiB). Without them every lab counts the same.
   */
  profileMemoryBytes?: Partial<Record<LabProfile, number>>;
  memoryBudgetBytes?: number;
}

const DEFAULT_RECONCILE_INTERVAL_MS = 60_000;
/**
 * With other servers on the same table, a lab still starting after this long was left by a
 * process that is gone (a boot gives up after readyTimeoutMs; this leaves room for the line
 * of labs waiting for a boot slot): the leader ends it. Younger ones are another server's boot.
 */
export const SHARED_STALE_START_MS = 15 * 60_000;

export interface ManagerOptions {
  /** Where lab changes are told (the cluster bus when servers share the database); in-process by default. */
  events?: LabEventBus;
  /** Whether this process runs the pool, culler and reconcile; always, by default (one process). */
  leadership?: Leadership;
}

/** The event of a lab that became a learner's and is ready: a symbol, so the re-emit of every learner's view (string names) leaves it out. */
const READY_FOR = Symbol("ready-for");

export class LabManager {
  /** This process's listeners, fed from the lab event bus (which may carry other servers' changes). */
  private readonly events = new EventEmitter();
  private readonly labEvents: LabEventBus;
  readonly leadership: Leadership;
  private unsubscribeLabEvents?: () => void;
  private unsubscribeMissed?: () => void;
  private unsubscribeLeadership?: () => void;
  private timers: NodeJS.Timeout[] = [];
  /** One per died lab whose place is held: when the hold ends, the queue is offered the place. */
  private readonly holdTimers = new Set<NodeJS.Timeout>();
  private unsubscribeExit?: () => void;
  private closed = false;
  private readonly resetting = new Set<string>();
  /** Serializes each learner's requests, so two clicks at once cannot start two labs. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private reconciledAtStart = false;
  private unsubscribeEngine?: () => void;
  private readonly store: LabStore;
  private readonly admission: Admission;
  private readonly culler: Culler;
  /** Whether the lab engine answers; labs are offered only while it does. */
  readonly engine: EngineWatch;

  constructor(
    readonly provider: Provider,
    db: PrismaClient,
    readonly config: ManagerConfig,
    private readonly log: Logger,
    private readonly metrics?: LabMetrics,
    options: ManagerOptions = {},
  ) {
    this.events.setMaxListeners(0);
    this.labEvents = options.events ?? inProcessLabEvents();
    this.leadership = options.leadership ?? SOLE_LEADER;
    this.unsubscribeLabEvents = this.labEvents.subscribe((event) => {
      if (event.kind === "changed") this.events.emit(event.userId);
      else this.events.emit("ended", event.sandboxId, event.reason);
      // A pooled lab claimed (or a lab ended) on another server leaves the pool short: the
      // leader refills now, not at its next reconcile. (Refills coalesce; one process alone
      // refills where it claims, as before.)
      if (this.leadership.shared && this.leadership.leads() && !this.closed) void this.admission.refillPool();
    });
    // Changes may have happened unheard: every learner watched here gets their view read again.
    this.unsubscribeMissed = this.labEvents.onMissed?.(() => {
      for (const name of this.events.eventNames()) if (typeof name === "string" && name !== "ended") this.events.emit(name);
    });
    this.engine = new EngineWatch(provider, log);
    this.store = new LabStore(db, provider.kind);
    const closed = () => this.closed;
    const end = (sandboxId: string, reason: EndReason, known?: ProviderState) => this.end(sandboxId, reason, known);
    this.admission = new Admission({
      store: this.store,
      provider,
      config,
      log,
      metrics,
      engine: this.engine,
      emit: (userId) => this.emit(userId),
      readyFor: (userId, sandboxId) => this.events.emit(READY_FOR, userId, sandboxId),
      end,
      updateGauges: () => this.updateGauges(),
      withLock: (key, fn) => this.withUserLock(key, fn),
      leads: () => this.leadership.leads(),
      closed,
    });
    this.culler = new Culler({ store: this.store, provider, config, log, engine: this.engine, end, closed });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async init(): Promise<void> {
    const engine = await this.engine.start();
    if (engine.up) await this.catchUp();
    else this.log.error({ reason: engine.reason }, "labs are unavailable until the lab engine answers");
    this.unsubscribeEngine = this.engine.onChange((state) => {
      this.metrics?.engineUp.set(state.up ? 1 : 0);
      if (state.up) void this.catchUp();
    });
    this.metrics?.engineUp.set(engine.up ? 1 : 0);
    this.metrics?.leader.set(this.leadership.leads() ? 1 : 0);
    // A server that takes over from a leader that died reconciles and lets the queue move at once.
    this.unsubscribeLeadership = this.leadership.onChange((leads) => {
      this.metrics?.leader.set(leads ? 1 : 0);
      if (leads) void this.catchUp();
    });
    // Every server with the engine sees the exit; the leader's culler judges it, once.
    this.unsubscribeExit = this.provider.onLabExit((sandboxId) => {
      if (this.leadership.leads()) void this.culler.onExternalExit(sandboxId);
    });
    this.timers.push(
      setInterval(() => {
        if (this.leadership.leads()) void this.cull().catch((e) => this.log.error({ err: e }, "cull failed"));
      }, this.config.cullIntervalMs),
    );
    this.timers.push(setInterval(() => void this.store.flushActivity(), 30_000));
    this.timers.push(setInterval(() => void this.catchUp(), this.config.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS));
    for (const t of this.timers) t.unref();
    await this.updateGauges();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.holdTimers) clearTimeout(t);
    this.holdTimers.clear();
    this.engine.stop();
    this.unsubscribeExit?.();
    this.unsubscribeEngine?.();
    this.unsubscribeLeadership?.();
    this.unsubscribeLabEvents?.();
    this.unsubscribeMissed?.();
    await this.store.flushActivity();
  }

  /** Compares table and engine, then lets queued learners in: at start, on a timer, and when the engine is back. */
  private async catchUp(): Promise<void> {
    if (this.closed || !this.engine.up || !this.leadership.leads()) return;
    try {
      await this.reconcile({ atStart: !this.reconciledAtStart });
      this.reconciledAtStart = true;
    } catch (error) {
      this.engine.suspect();
      this.log.warn({ err: error }, "could not reconcile labs; trying again later");
      return;
    }
    // Learners who queued before a restart (or while the engine was away) are still in line.
    await this.admission.admitQueued();
  }

  /**
   * At start (atStart): labs the table knows and that still run are adopted; those that
   * vanished are ended, and so are labs half-started by the previous process.
   * Later (on a timer, after the engine came back): rows whose container is gone are ended;
   * a container that exists but does not run is left to the culler's grace period; labs
   * this process is starting are left alone.
   * Always: containers the table does not know (or has ended) are removed.
   * When other servers share the table (leadership.shared), a lab mid-start may be another
   * server's boot: it is left alone, unless it has been starting past SHARED_STALE_START_MS.
   */
  async reconcile(options: { atStart?: boolean } = { atStart: true }): Promise<{ adopted: number; ended: number; removed: number }> {
    const atStart = options.atStart ?? true;
    const found = await this.provider.list();
    const byId = new Map(found.map((f) => [f.sandboxId, f]));
    const rows = await this.store.active();
    let adopted = 0;
    let ended = 0;
    let removed = 0;
    for (const row of rows) {
      const lab = byId.get(row.id);
      byId.delete(row.id);
      const wasMidStart = row.status === "starting" || row.status === "warming";
      const sameVersion = lab?.state.version === this.config.version;
      const staleStart = wasMidStart && Date.now() - row.createdAt.getTime() > SHARED_STALE_START_MS;
      if (this.leadership.shared && wasMidStart) {
        if (!staleStart) continue;
      } else if (!atStart) {
        if (wasMidStart) continue;
        if (lab && sameVersion) {
          if (lab.running) this.culler.seen(row.id);
          adopted++;
          continue;
        }
      } else if (lab?.running && sameVersion && !wasMidStart) {
        adopted++;
        continue;
      }
      // A lab half-started before the restart, or from another version, is replaced, not trusted.
      await this.end(row.id, lab && !sameVersion ? "replaced" : "died", lab?.state);
      ended++;
    }
    for (const orphan of byId.values()) {
      await this.provider.stop(orphan.state).catch((e) => this.log.warn({ err: e, sandboxId: orphan.sandboxId }, "could not remove orphan"));
      removed++;
    }
    if (atStart || ended || removed) this.log.info({ adopted, ended, removed, atStart }, "reconciled labs");
    return { adopted, ended, removed };
  }

  // ---- learner requests ----------------------------------------------------------------------

  private withUserLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(userId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(userId, settled);
    void settled.then(() => {
      if (this.locks.get(userId) === settled) this.locks.delete(userId);
    });
    return next;
  }

  /**
   * Start (or find) this learner's lab of this profile. Calling it twice returns the same lab.
   * `address` is the client's (behind a trusted proxy, the one it forwarded): when it already has
   * maxWaitingPerAddress labs queued or starting, no lab is queued or started for this request.
   * A learner with a lab of the other profile gets that lab's view back (its `profile` says
   * which): switching means stopping it first, which only the learner may decide.
   */
  request(userId: string, address?: string, profile: LabProfile = "sim", reservedFor: string[] = []): Promise<LabView> {
    return this.withUserLock(userId, () => this.requestUnlocked(userId, address, profile, reservedFor));
  }

  private async requestUnlocked(userId: string, address: string | undefined, profile: LabProfile, reservedFor: string[]): Promise<LabView> {
    const current = await this.view(userId);
    if (current.state === "starting" || current.state === "ready" || current.state === "queued") return current;
    // No lab, and none can be made now: say so rather than queue behind an engine that is away.
    if (!this.engine.up) throw new EngineUnavailableError(this.engine.state.reason);

    // A lab warmed for a class of theirs (reservedFor), else the pool's; one still warming for
    // their class beats a cold start of their own, which would start from nothing.
    const claimed = await this.admission.claimPooled(userId, profile, reservedFor, { warming: true });
    if (claimed) {
      if (claimed.ready) this.metrics?.labReady.observe({ kind: "warm" }, 0);
      void this.admission.refillPool();
      return this.view(userId);
    }
    return (await this.admission.enter(userId, address, profile)) ?? this.view(userId);
  }

  /**
   * Warms labs for a class (reservation.key names it, e.g. a cohort): one for each of these
   * learners who has no lab and none reserved yet, within the free places, never ending
   * anyone's lab. Idempotent: what is already warming or claimed is counted, not repeated.
   * The learners' request() with the same key claims them; unclaimed ones end at reservation.until.
   */
  warmFor(reservation: Reservation, userIds: string[], profile: LabProfile = "sim"): Promise<{ started: number; short: number }> {
    return this.admission.warmFor(reservation, userIds, profile);
  }

  /** Labs warmed under this key: still warming, ready and unclaimed, claimed by a learner and running. */
  async reservedLabs(key: string): Promise<{ warming: number; ready: number; claimed: number }> {
    const [unclaimed, claimed] = await Promise.all([this.store.reservedUnclaimed(key), this.store.reservedClaimed(key)]);
    return { ...unclaimed, claimed };
  }

  /** Of these learners, how many have a lab (queued, starting or ready). */
  async learnersWithLab(userIds: string[]): Promise<number> {
    return (await this.store.withLab(userIds)).size;
  }

  /** Labs queued or starting for learners who asked from this address. */
  waitingFrom(address: string): Promise<number> {
    return this.admission.waitingFrom(address);
  }

  /** Whether a new lab from this address would be refused now (for callers that want to refuse before making an identity). */
  addressWaitingFull(address: string): Promise<boolean> {
    return this.admission.addressWaitingFull(address);
  }

  async view(userId: string): Promise<LabView> {
    const row = await this.store.latestOf(userId);
    if (!row) return { state: "none" };
    if (row.status === "queued") {
      const [ahead, queueLength] = await Promise.all([this.store.queuedBefore(row.createdAt), this.store.queueLength()]);
      return { state: "queued", position: ahead + 1, queueLength };
    }
    const view = viewOf(row, this.resetting.has(row.id));
    // Waiting for a boot slot, or booting: where it stands and how long it typically has left.
    if (view.state === "starting" && view.phase !== "reset") return { ...view, ...this.admission.startProgress(row.id) };
    // Their latest lab died: its place is theirs a while longer (admission.ts holds it).
    const heldMs = view.state === "ended" && view.reason === "died" && row.endedAt ? row.endedAt.getTime() + (this.config.diedLabHoldMs ?? 0) - Date.now() : 0;
    if (view.state === "ended" && heldMs > 0) return { ...view, placeHeldSeconds: Math.ceil(heldMs / 1000) };
    return view;
  }

  stop(userId: string): Promise<LabView> {
    return this.withUserLock(userId, () => this.stopUnlocked(userId));
  }

  private async stopUnlocked(userId: string): Promise<LabView> {
    await this.admission.leaveQueue(userId);
    const row = await this.store.activeOf(userId);
    if (row) await this.end(row.id, "stopped");
    return this.view(userId);
  }

  /**
   * Puts the learner's cluster back to its first state. `afterReset` runs while the lab still
   * counts as resetting (no live check prepares it meanwhile): "start this lesson from a clean
   * cluster" uses it to run the lesson's setups before the learner sees the lab again.
   */
  reset(userId: string, options: { afterReset?(lab: { sandboxId: string; state: ProviderState }): Promise<void> } = {}): Promise<LabView> {
    return this.withUserLock(userId, () => this.resetUnlocked(userId, options.afterReset));
  }

  private async resetUnlocked(userId: string, afterReset?: (lab: { sandboxId: string; state: ProviderState }) => Promise<void>): Promise<LabView> {
    const row = await this.store.activeOf(userId);
    if (!row || row.status !== "ready") return this.view(userId);
    this.resetting.add(row.id);
    this.emit(userId);
    try {
      await this.provider.reset(stateOf(row));
      await afterReset?.({ sandboxId: row.id, state: stateOf(row) });
      this.touch(row.id);
    } finally {
      this.resetting.delete(row.id);
      this.emit(userId);
    }
    return this.view(userId);
  }

  /**
   * Ends one lab by its id, whoever owns it: an administrator's Stop, or an anonymous lab an
   * account merge could not hand over. Returns false when no such lab is active.
   */
  async endLab(sandboxId: string, reason: EndReason = "removed"): Promise<boolean> {
    const row = await this.store.find(sandboxId);
    if (!row || !isActive(row.status)) return false;
    const run = () => this.end(sandboxId, reason);
    await (row.userId ? this.withUserLock(row.userId, run) : run());
    return true;
  }

  /** The lab a terminal may attach to: ready, and owned by this user. */
  async attachable(userId: string, sandboxId: string): Promise<ProviderState | null> {
    const row = await this.store.readyOwned(userId, sandboxId);
    return row ? stateOf(row) : null;
  }

  /** The learner's lab when it is ready and not being reset: what the grader reads. */
  async readyLab(userId: string): Promise<{ sandboxId: string; state: ProviderState } | null> {
    const row = await this.store.readyOf(userId);
    if (!row || this.resetting.has(row.id)) return null;
    return { sandboxId: row.id, state: stateOf(row) };
  }

  /** Keystrokes count as activity for the idle culler. */
  touch(sandboxId: string): void {
    this.store.touch(sandboxId);
  }

  subscribe(userId: string, listener: () => void): () => void {
    this.events.on(userId, listener);
    return () => this.events.off(userId, listener);
  }

  /** Called when a lab becomes a learner's and is ready, on the server that made it so. */
  onReadyFor(listener: (userId: string, sandboxId: string) => void): () => void {
    this.events.on(READY_FOR, listener);
    return () => this.events.off(READY_FOR, listener);
  }

  onEnded(listener: (sandboxId: string, reason: EndReason) => void): () => void {
    this.events.on("ended", listener);
    return () => this.events.off("ended", listener);
  }

  /** Ends labs idle past the timeout and labs older than the maximum age, checks health, then lets the queue move. */
  async cull(now = Date.now()): Promise<void> {
    await this.culler.cull(now);
    await this.admission.admitQueued();
  }

  /** Keeps poolSize sim and nodePoolSize node labs warm, but never takes a place a queued learner could use. */
  refillPool(): Promise<void> {
    return this.admission.refillPool();
  }

  /** For the admin page and health: counts by state, capacity and queue. */
  async summary(): Promise<{ capacity: number; queue: number; byStatus: Record<string, number>; poolSize: number }> {
    return {
      capacity: this.config.capacity,
      queue: await this.store.queueLength(),
      poolSize: this.config.poolSize,
      byStatus: await this.store.countsByStatus("provider"),
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  private emit(userId: string | null): void {
    if (userId) this.labEvents.publish({ kind: "changed", userId });
  }

  /** Ends a lab: records why, removes its container, and lets the queue move. */
  private async end(sandboxId: string, reason: EndReason, known?: ProviderState): Promise<void> {
    const row = await this.store.find(sandboxId);
    if (!row) return;
    // Record the end before removing the container: removal raises a Docker "destroy" event,
    // and the exit handler must then find the row ended, not report the lab as died.
    const changed = await this.store.markEnded(sandboxId, reason);
    const state = known ?? (row.providerState !== "{}" ? stateOf(row) : undefined);
    if (state) await this.provider.stop(state).catch((e) => this.log.warn({ err: e, sandboxId }, "could not remove lab container"));
    this.culler.forget(sandboxId);
    if (!changed) return;
    if (reason !== "stopped" && reason !== "replaced") this.metrics?.culls.inc({ reason });
    this.log.info({ sandboxId, userId: row.userId, reason }, "lab ended");
    this.labEvents.publish({ kind: "ended", sandboxId, reason });
    this.emit(row.userId);
    await this.updateGauges().catch(() => undefined);
    // Awaited so that, when stop() returns, the next learner in line already has the place.
    await this.admission.admitQueued();
    // A died lab's place is held for its learner; if they do not take it, the queue gets it then.
    if (reason === "died" && row.userId && this.config.diedLabHoldMs) {
      const timer = setTimeout(() => {
        this.holdTimers.delete(timer);
        if (!this.closed) void this.admission.admitQueued().catch(() => undefined);
      }, this.config.diedLabHoldMs + 1000);
      timer.unref();
      this.holdTimers.add(timer);
    }
  }

  private async updateGauges(): Promise<void> {
    if (!this.metrics) return;
    const byStatus = await this.store.countsByStatus("all");
    this.metrics.labs.reset();
    for (const [state, n] of Object.entries(byStatus)) this.metrics.labs.set({ state }, n);
    this.metrics.queueLength.set(await this.store.queueLength());
  }
}

function viewOf(row: SandboxRow, resetting: boolean): LabView {
  const profile = labProfileSchema.catch("sim").parse(row.profile);
  switch (row.status) {
    case "starting":
    case "warming":
      return { state: "starting", sandboxId: row.id, since: row.createdAt.toISOString(), phase: row.providerState === "{}" ? "container" : "cluster", profile };
    case "ready":
    case "pooled":
      return resetting
        ? { state: "starting", sandboxId: row.id, since: new Date().toISOString(), phase: "reset", profile }
        : { state: "ready", sandboxId: row.id, readyAt: (row.readyAt ?? row.createdAt).toISOString(), profile };
    default:
      return { state: "ended", sandboxId: row.id, reason: (row.endReason as EndReason | null) ?? "stopped" };
  }
}

