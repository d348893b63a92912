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
import { Semaphore } from "./semaphore";
import { type LabStore, profileOf } from "./store";
import type { EndReason, LabView } from "./view";

/** After a pooled lab failed to start, the pool waits this long before trying again (no hot loop on a broken engine). */
const POOL_RETRY_MS = 30_000;

export interface AdmissionDeps {
  store: LabStore;
  provider: Provider;
  config: ManagerConfig;
  log: Logger;
  metrics?: LabMetrics;
  engine: EngineWatch;
  /** Tells the learner's views that something changed. */
  emit(userId: string | null): void;
  end(sandboxId: string, reason: EndReason, known?: ProviderState): Promise<void>;
  updateGauges(): Promise<void>;
  /** Runs fn alone among callers with the same key (the manager's per-learner lock). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  closed(): boolean;
}

export class Admission {
  private readonly starts: Semaphore;
  private poolFailedAt = 0;
  private admitting = false;
  private memoryShortLogged = 0;
  /**
   * The client address each learner asked for their waiting lab from. Kept in memory only (no
   * addresses in the database); after a restart the queue is served as before, only uncounted.
   */
  private readonly waitingAddress = new Map<string, string>();

  constructor(private readonly d: AdmissionDeps) {
    this.starts = new Semaphore(d.config.maxConcurrentStarts);
  }

  /** A warm pooled lab for this learner, if there is one (then the pool refills). */
  async claimPooled(userId: string, profile: LabProfile): Promise<boolean> {
    const sandboxId = await this.d.store.claimPooled(userId, profile);
    if (!sandboxId) return false;
    this.d.log.info({ sandboxId, userId }, "pooled lab claimed");
    this.d.store.touch(sandboxId);
    this.d.emit(userId);
    return true;
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
    if ((await this.d.store.queueLength()) === 0 && (await this.hasPlace(profile))) {
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

  /** Below capacity, within the memory budget, and the host has the memory for this lab's whole limit now. */
  private async hasPlace(profile: LabProfile = "sim"): Promise<boolean> {
    if ((await this.d.store.activeCount()) >= this.d.config.capacity) return false;
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

  private async startFor(userId: string | null, profile: LabProfile = "sim"): Promise<string> {
    const row = await this.d.store.createStarting(userId, profile);
    this.d.emit(userId);
    this.d.updateGauges().catch(() => undefined);
    void this.boot(row.id, userId, profile);
    return row.id;
  }

  private async boot(sandboxId: string, userId: string | null, profile: LabProfile): Promise<void> {
    const release = await this.starts.acquire();
    const started = performance.now();
    let state: ProviderState | undefined;
    try {
      state = await this.d.provider.start({ sandboxId, profile, ownerId: userId });
      await this.d.store.setProviderState(sandboxId, state);
      // The learner's view moves from phase "container" to "cluster" here.
      this.d.emit(userId);
      await this.d.provider.waitReady(state, this.d.config.readyTimeoutMs);
      // A lab stopped while it was booting stays ended.
      if (!(await this.d.store.markUp(sandboxId, userId !== null))) {
        await this.d.provider.stop(state).catch(() => undefined);
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      this.d.metrics?.labReady.observe({ kind: userId ? "cold" : "pool" }, seconds);
      this.d.log.info({ sandboxId, userId, seconds: Math.round(seconds * 100) / 100 }, userId ? "lab ready" : "pooled lab ready");
      // A learner may have queued while this pooled lab warmed up: it is theirs now.
      if (!userId) void this.admitQueued();
    } catch (error) {
      this.d.log.error({ err: error, sandboxId, userId }, "lab failed to start");
      if (!userId) this.poolFailedAt = Date.now();
      // Perhaps the engine went away: find out now, not at the next regular check.
      this.d.engine.suspect();
      await this.d.end(sandboxId, "failed", state);
    } finally {
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

  /** Keeps poolSize sim labs warm, but never takes a place a queued learner could use. */
  async refillPool(): Promise<void> {
    if (this.d.closed() || !this.d.engine.up || Date.now() - this.poolFailedAt < POOL_RETRY_MS) return;
    let missing = this.d.config.poolSize - (await this.d.store.poolCount("sim"));
    while (missing-- > 0 && (await this.d.store.queueLength()) === 0 && (await this.hasPlace())) {
      await this.startFor(null);
    }
  }
}
