// Who gets a lab when: a pooled lab if one is warm, else a new one while there is capacity
// (within the memory budget, each lab counted by its profile's limit, and the host has the
// memory for it), else a place in the queue; at most
// maxConcurrentStarts labs boot at once (a semaphore), queued learners are let in oldest
// first whenever a place frees, and the pool is kept warm without taking a place a queued
// learner could use. One client address may hold only so many labs waiting.
import type { Logger } from "pino";
import type { LabProfile, Provider, ProviderState } from "@/sandbox/providers/types";
import type { EngineWatch } from "./engine-watch";
import type { ManagerConfig } from "./manager";
import type { LabMetrics } from "./metrics";
import { planClassWarm } from "./class-warm-plan";
import { Semaphore } from "./semaphore";
import { secondsLeftBooting, secondsUntilReady, typicalOf } from "./start-estimate";
import { type LabStore, profileOf, type Reservation } from "./store";
import type { EndReason, LabView } from "./view";

/** After a pooled lab failed to start, the pool waits this long before trying again (no hot loop on a broken engine). */
const POOL_RETRY_MS = 30_000;
/** Cold starts the estimate is made from: the most recent ones, so it follows the host's load now. */
const RECENT_STARTS = 10;

export interface AdmissionDeps {
  store: LabStore;
  provider: Provider;
  config: ManagerConfig;
  log: Logger;
  metrics?: LabMetrics;
  engine: EngineWatch;
  /** Tells the learner's views that something changed. */
  emit(userId: string | null): void;
  /** A lab just became this learner's and is ready (claimed ready, or booted for them). */
  readyFor(userId: string, sandboxId: string): void;
  end(sandboxId: string, reason: EndReason, known?: ProviderState): Promise<void>;
  updateGauges(): Promise<void>;
  /** Runs fn alone among callers with the same key (the manager's per-learner lock). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Whether this process keeps the pool (one server of several does). */
  leads(): boolean;
  closed(): boolean;
}

export class Admission {
  private readonly starts: Semaphore;
  /** When a pooled lab of each profile last failed to start (a broken node image must not stop the sim pool). */
  private readonly poolFailedAt: Record<LabProfile, number> = { sim: 0, node: 0 };
  private admitting = false;
  private refilling: Promise<void> | null = null;
  private refillAgain = false;
  private memoryShortLogged = 0;
  /**
   * The client address each learner asked for their waiting lab from. Kept in memory only (no
   * addresses in the database); after a restart the queue is served as before, only uncounted.
   */
  private readonly waitingAddress = new Map<string, string>();
  /** Labs waiting for a boot slot in arrival order, with their owner (null: pool or class warm-up) and whether they go first. */
  private readonly startLine = new Map<string, { owner: string | null; first: boolean }>();
  /** Labs booting now, and since when (ms). */
  private readonly booting = new Map<string, number>();
  /** Who owns each booting lab now (a warming lab may be claimed while it boots). */
  private readonly bootOwner = new Map<string, string | null>();
  /** Seconds of the most recent cold starts on this host (from a free slot to ready). */
  private readonly recentStarts: number[] = [];

  constructor(private readonly d: AdmissionDeps) {
    this.starts = new Semaphore(d.config.maxConcurrentStarts);
  }

  /**
   * A warm lab for this learner, if there is one: reserved for a class of theirs (reservedFor),
   * else from the pool; with `warming`, one reserved for them that is still booting. Whether
   * one was claimed, and whether it is ready already.
   */
  async claimPooled(userId: string, profile: LabProfile, reservedFor: string[] = [], options: { warming?: boolean } = {}): Promise<{ ready: boolean } | null> {
    const claimed = await this.d.store.claimPooled(userId, profile, reservedFor, options);
    if (!claimed) return null;
    this.d.log.info({ sandboxId: claimed.sandboxId, userId, ready: claimed.ready }, claimed.ready ? "pooled lab claimed" : "warming lab claimed");
    // A lab still booting now tells its new owner how it goes.
    const waiting = this.startLine.get(claimed.sandboxId);
    if (waiting) waiting.owner = userId;
    if (this.booting.has(claimed.sandboxId)) this.bootOwner.set(claimed.sandboxId, userId);
    this.d.store.touch(claimed.sandboxId);
    this.d.emit(userId);
    if (claimed.ready) this.d.readyFor(userId, claimed.sandboxId);
    return { ready: claimed.ready };
  }

  /**
   * Warms labs for a class: one for each of these learners who has no lab, has not claimed one
   * of this class already, and has no reserved lab waiting under this key, within the free places (planClassWarm), each reserved until
   * `until`. Serialized per key and planned from the table, so calling it again (the next
   * tick, a restarted server, "class starts now" twice) starts only what is still missing.
   */
  warmFor(reservation: Reservation, userIds: string[], profile: LabProfile = "sim"): Promise<{ started: number; short: number }> {
    return this.d.withLock(`warm:${reservation.key}`, async () => {
      if (this.d.closed() || !this.d.engine.up) return { started: 0, short: 0 };
      const [withLab, claimed, reserved, active, queued] = await Promise.all([
        this.d.store.withLab(userIds),
        // One warmed lab per learner per class: one who claimed theirs and stopped it gets no second.
        this.d.store.claimedUnder(reservation, userIds),
        this.d.store.reservedUnclaimed(reservation.key),
        this.d.store.activeCount(),
        this.d.store.queueLength(),
      ]);
      const plan = planClassWarm({
        enrolled: userIds.length,
        withLab: new Set([...withLab, ...claimed]).size,
        reservedUnclaimed: reserved.warming + reserved.ready,
        capacity: this.d.config.capacity,
        active,
        queued,
      });
      let started = 0;
      // The memory budget and the host's free memory have the last word, lab by lab.
      while (started < plan.start && (await this.hasPlace(profile))) {
        await this.startFor(null, profile, reservation);
        started++;
      }
      const short = plan.short + (plan.start - started);
      if (started || short) this.d.log.info({ key: reservation.key, started, short, enrolled: userIds.length }, "warming labs for a class");
      return { started, short };
    });
  }

  /**
   * A new lab now when nobody waits and there is room, else a place in the queue. Null when
   * done; a view that says why when this address already has its most labs waiting.
   */
  async enter(userId: string, address: string | undefined, profile: LabProfile): Promise<LabView | null> {
    const cap = this.d.config.maxWaitingPerAddress ?? 0;
    if (!address || cap <= 0) return this.queueOrStart(userId, profile);
    // Counting and adding must not interleave for one address, or a burst would all pass the count.
    return this.d.withLock(`address:${address}`, async () => {
      if ((await this.waitingFrom(address)) >= cap) {
        this.d.log.warn({ userId, address, cap }, "lab start refused: this address has its most labs waiting");
        return { state: "none", waitingPerAddressLimit: cap } satisfies LabView;
      }
      this.waitingAddress.set(userId, address);
      return this.queueOrStart(userId, profile);
    });
  }

  private async queueOrStart(userId: string, profile: LabProfile): Promise<null> {
    // A learner whose lab just died goes ahead of the queue, into the place it left.
    const held = await this.held();
    if ((held.includes(userId) || (await this.d.store.queueLength()) === 0) && (await this.hasPlace(profile, userId, held))) {
      await this.startFor(userId, profile);
      return null;
    }
    await this.d.store.enqueue(userId, profile);
    await this.d.updateGauges().catch(() => undefined);
    this.d.emit(userId);
    return null;
  }

  /**
   * Labs queued or starting for learners who asked from this address. Entries of learners
   * whose lab is no longer waiting are dropped here, so a stale one can never refuse anyone.
   */
  async waitingFrom(address: string): Promise<number> {
    const users = [...this.waitingAddress].filter(([, a]) => a === address).map(([u]) => u);
    if (users.length === 0) return 0;
    const still = await this.d.store.waiting(users);
    for (const u of users) if (!still.has(u)) this.waitingAddress.delete(u);
    return still.size;
  }

  /** Whether a new lab from this address would be refused now (for callers that want to refuse before making an identity). */
  async addressWaitingFull(address: string): Promise<boolean> {
    const cap = this.d.config.maxWaitingPerAddress ?? 0;
    return cap > 0 && (await this.waitingFrom(address)) >= cap;
  }

  /** The learner left the queue: they no longer count against their address, and everyone behind moves up. */
  async leaveQueue(userId: string): Promise<void> {
    const left = await this.d.store.dequeue(userId);
    this.waitingAddress.delete(userId);
    if (left) await this.announceQueue();
  }

  /** Everyone still waiting moves up a place: tell them. */
  private async announceQueue(): Promise<void> {
    for (const u of await this.d.store.queuedUsers()) this.d.emit(u);
    await this.d.updateGauges().catch(() => undefined);
  }

  private limitOf(profile: LabProfile): number {
    return this.d.config.profileMemoryBytes?.[profile] ?? this.d.config.profileMemoryBytes?.sim ?? 0;
  }

  /** Learners holding the place of a lab that died (config.diedLabHoldMs). */
  private held(): Promise<string[]> {
    return this.d.store.heldPlaces(this.d.config.diedLabHoldMs ?? 0);
  }

  /**
   * Below capacity (places held for learners whose lab died count as taken, except by `forUser`
   * their own), within the memory budget, and the host has the memory for this lab's whole limit now.
   * `held`: the held places, when the caller has just read them.
   */
  private async hasPlace(profile: LabProfile = "sim", forUser?: string, held?: string[]): Promise<boolean> {
    const heldByOthers = (held ?? (await this.held())).filter((u) => u !== forUser).length;
    if ((await this.d.store.activeCount()) + heldByOthers >= this.d.config.capacity) return false;
    if (this.d.config.memoryBudgetBytes !== undefined && this.d.config.profileMemoryBytes) {
      const used = (await this.d.store.activeByProfile()).reduce((sum, g) => sum + g.count * this.limitOf(g.profile), 0);
      if (used + this.limitOf(profile) > this.d.config.memoryBudgetBytes) return false;
    }
    if (this.d.config.hasRoom && !this.d.config.hasRoom(this.limitOf(profile))) {
      if (Date.now() - this.memoryShortLogged > 60_000) {
        this.memoryShortLogged = Date.now();
        this.d.log.warn({ capacity: this.d.config.capacity }, "the host lacks the memory for one more lab's limit; learners wait in the queue");
      }
      return false;
    }
    return true;
  }

  private async startFor(userId: string | null, profile: LabProfile = "sim", reservation?: Reservation): Promise<string> {
    const row = await this.d.store.createStarting(userId, profile, reservation);
    this.d.emit(userId);
    this.d.updateGauges().catch(() => undefined);
    void this.boot(row.id, userId, profile);
    return row.id;
  }

  /**
   * Where a starting lab stands: its place among labs waiting for a boot slot (absent once it
   * boots) and the seconds until it is ready, typically (absent before this host measured a
   * cold start).
   */
  startProgress(sandboxId: string, now = Date.now()): { position?: number; estimateSeconds?: number } {
    const typical = typicalOf(this.recentStarts);
    const bootingSince = this.booting.get(sandboxId);
    if (bootingSince !== undefined) {
      return typical === undefined ? {} : { estimateSeconds: Math.ceil(secondsLeftBooting(typical, (now - bootingSince) / 1000)) };
    }
    // The order the semaphore serves them in: learners' labs first, then labs warmed ahead.
    const line = [...this.startLine].sort(([, a], [, b]) => Number(b.first) - Number(a.first)).map(([id]) => id);
    const ahead = line.indexOf(sandboxId);
    if (ahead < 0) return {};
    if (typical === undefined) return { position: ahead + 1 };
    const bootingElapsed = [...this.booting.values()].map((since) => (now - since) / 1000);
    return { position: ahead + 1, estimateSeconds: Math.ceil(secondsUntilReady({ slots: this.starts.size, bootingElapsed, typicalSeconds: typical }, ahead)) };
  }

  /** A measured cold start (the estimate's basis); also what `npm run bench` reads back. */
  private recordColdStart(seconds: number): void {
    this.recentStarts.push(seconds);
    if (this.recentStarts.length > RECENT_STARTS) this.recentStarts.shift();
  }

  private async boot(sandboxId: string, userId: string | null, profile: LabProfile): Promise<void> {
    this.startLine.set(sandboxId, { owner: userId, first: userId !== null });
    // A learner waiting at their screen boots before labs warmed ahead.
    const release = await this.starts.acquire({ first: userId !== null });
    const owner = this.startLine.get(sandboxId)?.owner ?? userId;
    this.startLine.delete(sandboxId);
    this.booting.set(sandboxId, Date.now());
    this.bootOwner.set(sandboxId, owner);
    // Everyone behind moved up a place.
    for (const waiter of this.startLine.values()) if (waiter.owner) this.d.emit(waiter.owner);
    const started = performance.now();
    let state: ProviderState | undefined;
    try {
      state = await this.d.provider.start({ sandboxId, profile, ownerId: userId });
      await this.d.store.setProviderState(sandboxId, state);
      // The learner's view moves from phase "container" to "cluster" here.
      this.d.emit(this.bootOwner.get(sandboxId) ?? userId);
      await this.d.provider.waitReady(state, this.d.config.readyTimeoutMs);
      // A lab stopped while it was booting stays ended.
      const up = await this.d.store.markUp(sandboxId);
      if (!up) {
        await this.d.provider.stop(state).catch(() => undefined);
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      this.recordColdStart(seconds);
      this.d.metrics?.labReady.observe({ kind: userId ? "cold" : "pool" }, seconds);
      this.d.log.info({ sandboxId, userId: up.userId, seconds: Math.round(seconds * 100) / 100 }, up.userId ? "lab ready" : "pooled lab ready");
      // A warming lab a learner claimed while it booted: tell them it is ready.
      if (up.userId && up.userId !== userId) this.d.emit(up.userId);
      if (up.userId) this.d.readyFor(up.userId, sandboxId);
      // A learner may have queued while this pooled lab warmed up: it is theirs now.
      if (!up.userId) void this.admitQueued();
    } catch (error) {
      this.d.log.error({ err: error, sandboxId, userId }, "lab failed to start");
      if (!userId) this.poolFailedAt[profile] = Date.now();
      // Perhaps the engine went away: find out now, not at the next regular check.
      this.d.engine.suspect();
      await this.d.end(sandboxId, "failed", state);
    } finally {
      this.booting.delete(sandboxId);
      this.bootOwner.delete(sandboxId);
      release();
      // Ready or failed, this lab no longer waits: it stops counting against its address.
      if (userId) this.waitingAddress.delete(userId);
      this.d.emit(userId);
      this.d.updateGauges().catch(() => undefined);
    }
  }

  /** Lets waiting learners in, oldest first, while there is room (a pooled lab or capacity). */
  async admitQueued(): Promise<void> {
    if (this.admitting || this.d.closed() || !this.d.engine.up) return;
    this.admitting = true;
    try {
      for (;;) {
        const next = await this.d.store.firstQueued();
        if (!next?.userId) break;
        const userId = next.userId;
        const profile = profileOf(next);
        if (await this.claimPooled(userId, profile)) {
          await this.d.store.remove(next.id);
        } else if (await this.hasPlace(profile)) {
          // The queue entry becomes the lab itself.
          if (await this.d.store.queuedToStarting(next.id)) {
            this.d.emit(userId);
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

  /**
   * Keeps poolSize sim and nodePoolSize node labs warm (sim first: most lessons need one), but
   * never takes a place a queued learner could use. One
   * refill at a time: many events ask at once (a restart ends every dead lab, each asking),
   * and two refills counting the pool together would each start the missing labs. A call
   * during a refill makes it count once more when it is done.
   */
  refillPool(): Promise<void> {
    if (this.refilling) {
      this.refillAgain = true;
      return this.refilling;
    }
    this.refilling = (async () => {
      try {
        do {
          this.refillAgain = false;
          await this.refillOnce();
        } while (this.refillAgain);
      } finally {
        this.refilling = null;
      }
    })();
    return this.refilling;
  }

  private async refillOnce(): Promise<void> {
    const sizes: [LabProfile, number][] = [
      ["sim", this.d.config.poolSize],
      ["node", this.d.config.nodePoolSize ?? 0],
    ];
    for (const [profile, size] of sizes) {
      while (
        !this.d.closed() &&
        this.d.engine.up &&
        this.d.leads() &&
        Date.now() - this.poolFailedAt[profile] >= POOL_RETRY_MS &&
        size - (await this.d.store.poolCount(profile)) > 0 &&
        (await this.d.store.queueLength()) === 0 &&
        (await this.hasPlace(profile))
      ) {
        await this.startFor(null, profile);
      }
    }
  }
}
