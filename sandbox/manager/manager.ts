// The sandbox manager: one lab per learner, a warm pool, a capacity cap with a queue, a
// culler for idle and old labs, and reconcile at start and on a timer. The Sandbox table is
// the record of truth for who owns what, and for the queue (rows with status "queued",
// oldest first); container labels let reconcile find what the table forgot.
// An engine that does not answer (dockerd restarting) is not a lab that died: labs are
// ended only when their container is really gone or stays out of sight past a grace period,
// and what still runs when the engine is back is adopted.
// Authorization is the caller's job (app/_lib/data/labs.ts): this module trusts its userId.
import { setTimeout as sleep } from "node:timers/promises";
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { PrismaClient } from "@/prisma/generated/client";
import type { LabHealth, LabProfile, Provider, ProviderState } from "@/sandbox/providers/types";
import { labProfileSchema, providerStateSchema } from "@/sandbox/providers/types";
import { EngineUnavailableError, EngineWatch } from "./engine-watch";
import type { LabMetrics } from "./metrics";
import { ACTIVE_STATUSES, type EndReason, type LabView, type SandboxStatus } from "./view";

export interface ManagerConfig {
  poolSize: number;
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
   * Each profile's memory limit. With memoryBudgetBytes, a new lab starts only while the
   * limits of all active labs plus its own fit in the budget: a node lab (1.5 GiB) takes the
   * place of three sim labs (512 MiB). Without them every lab counts the same.
   */
  profileMemoryBytes?: Partial<Record<LabProfile, number>>;
  memoryBudgetBytes?: number;
}

const DEFAULT_UNREACHABLE_GRACE_MS = 5 * 60_000;
/** Delays before each question in health(): three tries over 2.5 s. */
const POLL_BACKOFF_MS = [0, 500, 2000];
/** How long after a container's exit event the manager looks again (an engine shutting down takes its containers along). */
const EXIT_SETTLE_MS = 3000;
const DEFAULT_RECONCILE_INTERVAL_MS = 60_000;
/** After a pooled lab failed to start, the pool waits this long before trying again (no hot loop on a broken engine). */
const POOL_RETRY_MS = 30_000;

interface SandboxRow {
  id: string;
  userId: string | null;
  profile: string;
  status: string;
  providerState: string;
  createdAt: Date;
  readyAt: Date | null;
  lastActivityAt: Date;
  endReason: string | null;
}

export class LabManager {
  private readonly events = new EventEmitter();
  private starting = 0;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribeExit?: () => void;
  private closed = false;
  /** Activity is noted in memory at keystroke rate and written to the database at most this often. */
  private readonly activity = new Map<string, number>();
  private readonly resetting = new Set<string>();
  /** Serializes each learner's requests, so two clicks at once cannot start two labs. */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Labs that could not be seen running, and since when (for the grace period). */
  private readonly unseen = new Map<string, number>();
  private reconciledAtStart = false;
  private unsubscribeEngine?: () => void;
  private poolFailedAt = 0;
  /**
   * The client address each learner asked for their waiting lab from. Kept in memory only (no
   * addresses in the database); after a restart the queue is served as before, only uncounted.
   */
  private readonly waitingAddress = new Map<string, string>();
  /** Whether the lab engine answers; labs are offered only while it does. */
  readonly engine: EngineWatch;

  constructor(
    readonly provider: Provider,
    private readonly db: PrismaClient,
    readonly config: ManagerConfig,
    private readonly log: Logger,
    private readonly metrics?: LabMetrics,
  ) {
    this.events.setMaxListeners(0);
    this.engine = new EngineWatch(provider, log);
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
    this.unsubscribeExit = this.provider.onLabExit((sandboxId) => void this.onExternalExit(sandboxId));
    this.timers.push(setInterval(() => void this.cull().catch((e) => this.log.error({ err: e }, "cull failed")), this.config.cullIntervalMs));
    this.timers.push(setInterval(() => void this.flushActivity(), 30_000));
    this.timers.push(setInterval(() => void this.catchUp(), this.config.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS));
    for (const t of this.timers) t.unref();
    await this.updateGauges();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.engine.stop();
    this.unsubscribeExit?.();
    this.unsubscribeEngine?.();
    await this.flushActivity();
  }

  /** Compares table and engine, then lets queued learners in: at start, on a timer, and when the engine is back. */
  private async catchUp(): Promise<void> {
    if (this.closed || !this.engine.up) return;
    try {
      await this.reconcile({ atStart: !this.reconciledAtStart });
      this.reconciledAtStart = true;
    } catch (error) {
      this.engine.suspect();
      this.log.warn({ err: error }, "could not reconcile labs; trying again later");
      return;
    }
    // Learners who queued before a restart (or while the engine was away) are still in line.
    await this.admitQueued();
  }

  /**
   * At start (atStart): labs the table knows and that still run are adopted; those that
   * vanished are ended, and so are labs half-started by the previous process.
   * Later (on a timer, after the engine came back): rows whose container is gone are ended;
   * a container that exists but does not run is left to the culler's grace period; labs
   * this process is starting are left alone.
   * Always: containers the table does not know (or has ended) are removed.
   */
  async reconcile(options: { atStart?: boolean } = { atStart: true }): Promise<{ adopted: number; ended: number; removed: number }> {
    const atStart = options.atStart ?? true;
    const found = await this.provider.list();
    const byId = new Map(found.map((f) => [f.sandboxId, f]));
    const rows = await this.db.sandbox.findMany({ where: { status: { in: ACTIVE_STATUSES }, provider: this.provider.kind } });
    let adopted = 0;
    let ended = 0;
    let removed = 0;
    for (const row of rows) {
      const lab = byId.get(row.id);
      byId.delete(row.id);
      const wasMidStart = row.status === "starting" || row.status === "warming";
      const sameVersion = lab?.state.version === this.config.version;
      if (!atStart) {
        if (wasMidStart) continue;
        if (lab && sameVersion) {
          if (lab.running) this.unseen.delete(row.id);
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
  request(userId: string, address?: string, profile: LabProfile = "sim"): Promise<LabView> {
    return this.withUserLock(userId, () => this.requestUnlocked(userId, address, profile));
  }

  private async requestUnlocked(userId: string, address: string | undefined, profile: LabProfile): Promise<LabView> {
    const current = await this.view(userId);
    if (current.state === "starting" || current.state === "ready" || current.state === "queued") return current;
    // No lab, and none can be made now: say so rather than queue behind an engine that is away.
    if (!this.engine.up) throw new EngineUnavailableError(this.engine.state.reason);

    const claimed = await this.claimPooled(userId, profile);
    if (claimed) {
      this.metrics?.labReady.observe({ kind: "warm" }, 0);
      void this.refillPool();
      return this.view(userId);
    }
    const cap = this.config.maxWaitingPerAddress ?? 0;
    if (!address || cap <= 0) return this.queueOrStart(userId, profile);
    // Counting and adding must not interleave for one address, or a burst would all pass the count.
    return this.withUserLock(`address:${address}`, async () => {
      if ((await this.waitingFrom(address)) >= cap) {
        this.log.warn({ userId, address, cap }, "lab start refused: this address has its most labs waiting");
        return { state: "none", waitingPerAddressLimit: cap } satisfies LabView;
      }
      this.waitingAddress.set(userId, address);
      return this.queueOrStart(userId, profile);
    });
  }

  /**
   * Labs queued or starting for learners who asked from this address. Entries of learners
   * whose lab is no longer waiting are dropped here, so a stale one can never refuse anyone.
   */
  async waitingFrom(address: string): Promise<number> {
    const users = [...this.waitingAddress].filter(([, a]) => a === address).map(([u]) => u);
    if (users.length === 0) return 0;
    const rows = await this.db.sandbox.findMany({
      where: { userId: { in: users }, status: { in: ["queued", "starting"] }, provider: this.provider.kind },
      select: { userId: true },
    });
    const still = new Set(rows.map((r) => r.userId));
    for (const u of users) if (!still.has(u)) this.waitingAddress.delete(u);
    return still.size;
  }

  /** Whether a new lab from this address would be refused now (for callers that want to refuse before making an identity). */
  async addressWaitingFull(address: string): Promise<boolean> {
    const cap = this.config.maxWaitingPerAddress ?? 0;
    return cap > 0 && (await this.waitingFrom(address)) >= cap;
  }

  private async queueOrStart(userId: string, profile: LabProfile): Promise<LabView> {
    if ((await this.queueLength()) === 0 && (await this.hasPlace(profile))) {
      await this.startFor(userId, profile);
      return this.view(userId);
    }
    await this.db.sandbox.create({ data: { userId, provider: this.provider.kind, profile, status: "queued" } });
    await this.updateGauges().catch(() => undefined);
    this.emit(userId);
    return this.view(userId);
  }

  async view(userId: string): Promise<LabView> {
    const row = await this.db.sandbox.findFirst({ where: { userId }, orderBy: { createdAt: "desc" } });
    if (!row) return { state: "none" };
    if (row.status === "queued") {
      const [ahead, queueLength] = await Promise.all([
        this.db.sandbox.count({ where: { status: "queued", provider: this.provider.kind, createdAt: { lt: row.createdAt } } }),
        this.queueLength(),
      ]);
      return { state: "queued", position: ahead + 1, queueLength };
    }
    return viewOf(row, this.resetting.has(row.id));
  }

  stop(userId: string): Promise<LabView> {
    return this.withUserLock(userId, () => this.stopUnlocked(userId));
  }

  private async stopUnlocked(userId: string): Promise<LabView> {
    await this.leaveQueue(userId);
    const row = await this.activeRow(userId);
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
    const row = await this.activeRow(userId);
    if (!row || row.status !== "ready") return this.view(userId);
    this.resetting.add(row.id);
    this.emit(userId);
    try {
      await this.provider.reset(this.stateOf(row));
      await afterReset?.({ sandboxId: row.id, state: this.stateOf(row) });
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
    const row = await this.db.sandbox.findUnique({ where: { id: sandboxId }, select: { userId: true, status: true } });
    if (!row || !ACTIVE_STATUSES.includes(row.status as SandboxStatus)) return false;
    const run = () => this.end(sandboxId, reason);
    await (row.userId ? this.withUserLock(row.userId, run) : run());
    return true;
  }

  /** The lab a terminal may attach to: ready, and owned by this user. */
  async attachable(userId: string, sandboxId: string): Promise<ProviderState | null> {
    const row = await this.db.sandbox.findFirst({ where: { id: sandboxId, userId, status: "ready" } });
    return row ? this.stateOf(row) : null;
  }

  /** The learner's lab when it is ready and not being reset: what the grader reads. */
  async readyLab(userId: string): Promise<{ sandboxId: string; state: ProviderState } | null> {
    const row = await this.db.sandbox.findFirst({ where: { userId, status: "ready" }, orderBy: { createdAt: "desc" } });
    if (!row || this.resetting.has(row.id)) return null;
    return { sandboxId: row.id, state: this.stateOf(row) };
  }

  /** Keystrokes count as activity for the idle culler. */
  touch(sandboxId: string): void {
    this.activity.set(sandboxId, Date.now());
  }

  subscribe(userId: string, listener: () => void): () => void {
    this.events.on(userId, listener);
    return () => this.events.off(userId, listener);
  }

  onEnded(listener: (sandboxId: string, reason: EndReason) => void): () => void {
    this.events.on("ended", listener);
    return () => this.events.off("ended", listener);
  }

  // ---- internals -------------------------------------------------------------------------------

  private emit(userId: string | null): void {
    if (userId) this.events.emit(userId);
  }

  private queueLength(): Promise<number> {
    return this.db.sandbox.count({ where: { status: "queued", provider: this.provider.kind } });
  }

  private async queuedUsers(): Promise<string[]> {
    const rows = await this.db.sandbox.findMany({ where: { status: "queued", provider: this.provider.kind }, orderBy: { createdAt: "asc" }, select: { userId: true } });
    return rows.flatMap((r) => (r.userId ? [r.userId] : []));
  }

  /** Everyone still waiting moves up a place: tell them. */
  private async announceQueue(): Promise<void> {
    for (const u of await this.queuedUsers()) this.emit(u);
    await this.updateGauges().catch(() => undefined);
  }

  private async leaveQueue(userId: string): Promise<void> {
    const { count } = await this.db.sandbox.deleteMany({ where: { userId, status: "queued" } });
    this.waitingAddress.delete(userId);
    if (count > 0) await this.announceQueue();
  }

  private stateOf(row: Pick<SandboxRow, "providerState">): ProviderState {
    return providerStateSchema.parse(JSON.parse(row.providerState));
  }

  private async activeRow(userId: string) {
    return this.db.sandbox.findFirst({ where: { userId, status: { in: ["starting", "ready"] } }, orderBy: { createdAt: "desc" } });
  }

  private memoryShortLogged = 0;

  private limitOf(profile: LabProfile): number {
    return this.config.profileMemoryBytes?.[profile] ?? this.config.profileMemoryBytes?.sim ?? 0;
  }

  /** Below capacity, within the memory budget, and the host has the memory for this lab's whole limit now. */
  private async hasPlace(profile: LabProfile = "sim"): Promise<boolean> {
    if ((await this.activeCount()) >= this.config.capacity) return false;
    if (this.config.memoryBudgetBytes !== undefined && this.config.profileMemoryBytes) {
      const groups = await this.db.sandbox.groupBy({ by: ["profile"], where: { status: { in: ACTIVE_STATUSES }, provider: this.provider.kind }, _count: { _all: true } });
      const used = groups.reduce((sum, g) => sum + g._count._all * this.limitOf(labProfileSchema.catch("sim").parse(g.profile)), 0);
      if (used + this.limitOf(profile) > this.config.memoryBudgetBytes) return false;
    }
    if (this.config.hasRoom && !this.config.hasRoom(this.limitOf(profile))) {
      if (Date.now() - this.memoryShortLogged > 60_000) {
        this.memoryShortLogged = Date.now();
        this.log.warn({ capacity: this.config.capacity }, "the host lacks the memory for one more lab's limit; learners wait in the queue");
      }
      return false;
    }
    return true;
  }

  private async activeCount(): Promise<number> {
    return this.db.sandbox.count({ where: { status: { in: ACTIVE_STATUSES }, provider: this.provider.kind } });
  }

  /** Atomically hands a ready pooled lab to a learner; two learners can never get the same one. */
  private async claimPooled(userId: string, profile: LabProfile): Promise<boolean> {
    const candidates = await this.db.sandbox.findMany({ where: { status: "pooled", userId: null, provider: this.provider.kind, profile }, orderBy: { readyAt: "asc" }, take: 3 });
    for (const c of candidates) {
      const now = new Date();
      const { count } = await this.db.sandbox.updateMany({
        where: { id: c.id, status: "pooled", userId: null },
        data: { userId, status: "ready", lastActivityAt: now, readyAt: now },
      });
      if (count === 1) {
        this.log.info({ sandboxId: c.id, userId }, "pooled lab claimed");
        this.touch(c.id);
        this.emit(userId);
        return true;
      }
    }
    return false;
  }

  private async startFor(userId: string | null, profile: LabProfile = "sim"): Promise<string> {
    const row = await this.db.sandbox.create({
      data: { userId, provider: this.provider.kind, profile, status: userId ? "starting" : "warming" },
    });
    this.emit(userId);
    this.updateGauges().catch(() => undefined);
    void this.boot(row.id, userId, profile);
    return row.id;
  }

  private async boot(sandboxId: string, userId: string | null, profile: LabProfile): Promise<void> {
    while (this.starting >= this.config.maxConcurrentStarts) await sleep(100);
    this.starting++;
    const started = performance.now();
    let state: ProviderState | undefined;
    try {
      state = await this.provider.start({ sandboxId, profile, ownerId: userId });
      await this.db.sandbox.update({ where: { id: sandboxId }, data: { providerState: JSON.stringify(state) } });
      // The learner's view moves from phase "container" to "cluster" here.
      this.emit(userId);
      await this.provider.waitReady(state, this.config.readyTimeoutMs);
      const now = new Date();
      // A lab stopped while it was booting stays ended.
      const { count } = await this.db.sandbox.updateMany({
        where: { id: sandboxId, status: { in: ["starting", "warming"] } },
        data: { status: userId ? "ready" : "pooled", readyAt: now, lastActivityAt: now },
      });
      if (count === 0) {
        await this.provider.stop(state).catch(() => undefined);
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      this.metrics?.labReady.observe({ kind: userId ? "cold" : "pool" }, seconds);
      this.log.info({ sandboxId, userId, seconds: Math.round(seconds * 100) / 100 }, userId ? "lab ready" : "pooled lab ready");
      // A learner may have queued while this pooled lab warmed up: it is theirs now.
      if (!userId) void this.admitQueued();
    } catch (error) {
      this.log.error({ err: error, sandboxId, userId }, "lab failed to start");
      if (!userId) this.poolFailedAt = Date.now();
      // Perhaps the engine went away: find out now, not at the next regular check.
      this.engine.suspect();
      await this.end(sandboxId, "failed", state);
    } finally {
      this.starting--;
      // Ready or failed, this lab no longer waits: it stops counting against its address.
      if (userId) this.waitingAddress.delete(userId);
      this.emit(userId);
      this.updateGauges().catch(() => undefined);
    }
  }

  /** Ends a lab: records why, removes its container, and lets the queue move. */
  private async end(sandboxId: string, reason: EndReason, known?: ProviderState): Promise<void> {
    const row = await this.db.sandbox.findUnique({ where: { id: sandboxId } });
    if (!row) return;
    // Record the end before removing the container: removal raises a Docker "destroy" event,
    // and the exit handler must then find the row ended, not report the lab as died.
    const status: SandboxStatus = reason === "failed" ? "failed" : "ended";
    const { count } = await this.db.sandbox.updateMany({
      where: { id: sandboxId, status: { notIn: ["ended", "failed"] } },
      data: { status, endedAt: new Date(), endReason: reason },
    });
    const state = known ?? (row.providerState !== "{}" ? this.stateOf(row) : undefined);
    if (state) await this.provider.stop(state).catch((e) => this.log.warn({ err: e, sandboxId }, "could not remove lab container"));
    this.activity.delete(sandboxId);
    this.unseen.delete(sandboxId);
    if (count === 0) return;
    if (reason !== "stopped" && reason !== "replaced") this.metrics?.culls.inc({ reason });
    this.log.info({ sandboxId, userId: row.userId, reason }, "lab ended");
    this.events.emit("ended", sandboxId, reason);
    this.emit(row.userId);
    await this.updateGauges().catch(() => undefined);
    // Awaited so that, when stop() returns, the next learner in line already has the place.
    await this.admitQueued();
  }

  /**
   * The engine says a lab's container died or was removed. A stop we asked for does that too
   * (the row is then already ended). A container that dies because the engine is shutting
   * down may come back with it, so the verdict waits a moment and looks again.
   */
  private async onExternalExit(sandboxId: string): Promise<void> {
    await sleep(EXIT_SETTLE_MS);
    if (this.closed) return;
    const row = await this.db.sandbox.findUnique({ where: { id: sandboxId } });
    if (!row || !ACTIVE_STATUSES.includes(row.status as SandboxStatus) || row.providerState === "{}") return;
    const health = await this.health(this.stateOf(row));
    if (health === "running") return;
    if (health === "missing" || health === "stopped") {
      this.log.warn({ sandboxId, userId: row.userId, health }, "lab container exited unexpectedly");
      await this.end(sandboxId, "died");
      return;
    }
    this.unseen.set(sandboxId, this.unseen.get(sandboxId) ?? Date.now());
    this.log.warn({ sandboxId, health }, "lab out of sight after an exit event; waiting for the engine");
  }

  /**
   * A lab's state as the engine sees it, asked a few times with back-off, so one failed
   * request (a busy or restarting engine) is not taken for a verdict. "unreachable" means
   * the engine did not answer at all.
   */
  private async health(state: ProviderState): Promise<LabHealth | "unreachable"> {
    for (const delay of POLL_BACKOFF_MS) {
      if (delay) await sleep(delay);
      try {
        return await this.provider.poll(state);
      } catch {
        // asked again after the next delay
      }
    }
    this.engine.suspect();
    return "unreachable";
  }

  private admitting = false;

  /** Lets waiting learners in, oldest first, while there is room (a pooled lab or capacity). */
  private async admitQueued(): Promise<void> {
    if (this.admitting || this.closed || !this.engine.up) return;
    this.admitting = true;
    try {
      for (;;) {
        const next = await this.db.sandbox.findFirst({ where: { status: "queued", provider: this.provider.kind }, orderBy: { createdAt: "asc" } });
        if (!next?.userId) break;
        const userId = next.userId;
        const profile = labProfileSchema.catch("sim").parse(next.profile);
        if (await this.claimPooled(userId, profile)) {
          await this.db.sandbox.delete({ where: { id: next.id } }).catch(() => undefined);
        } else if (await this.hasPlace(profile)) {
          // The queue entry becomes the lab itself.
          const { count } = await this.db.sandbox.updateMany({ where: { id: next.id, status: "queued" }, data: { status: "starting", createdAt: new Date() } });
          if (count === 1) {
            this.emit(userId);
            void this.boot(next.id, userId, profile);
          }
        } else {
          break;
        }
        await this.announceQueue();
      }
    } finally {
      this.admitting = false;
    }
    void this.refillPool();
  }

  /** Keeps poolSize sim labs warm, but never takes a place a queued learner could use. */
  async refillPool(): Promise<void> {
    if (this.closed || !this.engine.up || Date.now() - this.poolFailedAt < POOL_RETRY_MS) return;
    const pooled = await this.db.sandbox.count({ where: { status: { in: ["pooled", "warming"] }, provider: this.provider.kind, profile: "sim" } });
    let missing = this.config.poolSize - pooled;
    while (missing-- > 0 && (await this.queueLength()) === 0 && (await this.hasPlace())) {
      await this.startFor(null);
    }
  }

  private async flushActivity(): Promise<void> {
    const entries = [...this.activity.entries()];
    for (const [sandboxId, at] of entries) {
      await this.db.sandbox.updateMany({ where: { id: sandboxId }, data: { lastActivityAt: new Date(at) } }).catch(() => undefined);
    }
  }

  /** Ends labs idle past the timeout and labs older than the maximum age; checks health. */
  async cull(now = Date.now()): Promise<void> {
    await this.flushActivity();
    const rows = await this.db.sandbox.findMany({ where: { status: { in: ["ready", "pooled"] }, provider: this.provider.kind } });
    for (const row of rows) {
      const age = now - row.createdAt.getTime();
      const idle = now - Math.max(row.lastActivityAt.getTime(), this.activity.get(row.id) ?? 0);
      if (age > this.config.maxAgeMs) {
        await this.end(row.id, "max-age");
      } else if (row.status === "ready" && idle > this.config.idleTimeoutMs) {
        await this.end(row.id, "idle");
      } else {
        await this.judgeHealth(row.id, this.stateOf(row), now);
      }
    }
    await this.admitQueued();
  }

  /** Gone or stopped for good: ended. Out of sight (no answer, restarting): ended only after the grace period. */
  private async judgeHealth(sandboxId: string, state: ProviderState, now: number): Promise<void> {
    const health = await this.health(state);
    if (health === "running") {
      if (this.unseen.delete(sandboxId)) this.log.info({ sandboxId }, "lab is back in sight");
      return;
    }
    if (health === "missing" || health === "stopped") {
      await this.end(sandboxId, "died");
      return;
    }
    const since = this.unseen.get(sandboxId) ?? now;
    this.unseen.set(sandboxId, since);
    const grace = this.config.unreachableGraceMs ?? DEFAULT_UNREACHABLE_GRACE_MS;
    if (now - since > grace) {
      this.log.warn({ sandboxId, health, seconds: Math.round((now - since) / 1000) }, "lab out of sight past the grace period");
      await this.end(sandboxId, "died");
    } else {
      this.log.warn({ sandboxId, health }, "lab out of sight; keeping it for the grace period");
    }
  }

  private async updateGauges(): Promise<void> {
    if (!this.metrics) return;
    const groups = await this.db.sandbox.groupBy({ by: ["status"], where: { status: { in: ACTIVE_STATUSES } }, _count: { _all: true } });
    this.metrics.labs.reset();
    for (const g of groups) this.metrics.labs.set({ state: g.status }, g._count._all);
    this.metrics.queueLength.set(await this.queueLength());
  }

  /** For the admin page and health: counts by state, capacity and queue. */
  async summary(): Promise<{ capacity: number; queue: number; byStatus: Record<string, number>; poolSize: number }> {
    const groups = await this.db.sandbox.groupBy({ by: ["status"], where: { status: { in: ACTIVE_STATUSES }, provider: this.provider.kind }, _count: { _all: true } });
    return {
      capacity: this.config.capacity,
      queue: await this.queueLength(),
      poolSize: this.config.poolSize,
      byStatus: Object.fromEntries(groups.map((g) => [g.status, g._count._all])),
    };
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

