// Ends labs that should no longer run: idle past the timeout, older than the maximum age,
// warmed for a class and not claimed in time, or dead. An engine that does not answer
// (dockerd restarting) is not a lab that died: a lab is ended only when its container is really gone or stays out of sight past a grace period.
// Kept apart from the manager, as JupyterHub keeps its culler apart from the spawner.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LabHealth, Provider, ProviderState } from "@/sandbox/providers/types";
import type { EngineWatch } from "./engine-watch";
import type { ManagerConfig } from "./manager";
import { isActive, type LabStore, stateOf } from "./store";
import type { EndReason } from "./view";

const DEFAULT_UNREACHABLE_GRACE_MS = 5 * 60_000;
/** Delays before each question in health(): three tries over 2.5 s. */
const POLL_BACKOFF_MS = [0, 500, 2000];
/** How long after a container's exit event the culler looks again (an engine shutting down takes its containers along). */
const EXIT_SETTLE_MS = 3000;

export interface CullerDeps {
  store: LabStore;
  provider: Provider;
  config: ManagerConfig;
  log: Logger;
  engine: EngineWatch;
  end(sandboxId: string, reason: EndReason): Promise<void>;
  closed(): boolean;
}

export class Culler {
  /** Labs that could not be seen running, and since when (for the grace period). */
  private readonly unseen = new Map<string, number>();

  constructor(private readonly d: CullerDeps) {}

  /** Ends labs idle past the timeout and labs older than the maximum age; checks the health of the rest. */
  async cull(now = Date.now()): Promise<void> {
    await this.d.store.flushActivity();
    // Labs warmed for a class that nobody claimed in time give their place back.
    for (const row of await this.d.store.expiredReservations(new Date(now))) {
      this.d.log.info({ sandboxId: row.id, reservedFor: row.reservedFor }, "warmed lab unclaimed; ending it");
      await this.d.end(row.id, "unclaimed");
    }
    for (const row of await this.d.store.up()) {
      const age = now - row.createdAt.getTime();
      const idle = now - Math.max(row.lastActivityAt.getTime(), this.d.store.activityOf(row.id));
      if (age > this.d.config.maxAgeMs) {
        await this.d.end(row.id, "max-age");
      } else if (row.status === "ready" && idle > this.d.config.idleTimeoutMs) {
        await this.d.end(row.id, "idle");
      } else {
        await this.judgeHealth(row.id, stateOf(row), now);
      }
    }
  }

  /** The lab was seen running (reconcile): its grace period starts over. */
  seen(sandboxId: string): void {
    this.unseen.delete(sandboxId);
  }

  /** The lab ended: nothing more to watch. */
  forget(sandboxId: string): void {
    this.unseen.delete(sandboxId);
  }

  /**
   * The engine says a lab's container died or was removed. A stop we asked for does that too
   * (the row is then already ended). A container that dies because the engine is shutting
   * down may come back with it, so the verdict waits a moment and looks again.
   */
  async onExternalExit(sandboxId: string): Promise<void> {
    await sleep(EXIT_SETTLE_MS);
    if (this.d.closed()) return;
    const row = await this.d.store.find(sandboxId);
    if (!row || !isActive(row.status) || row.providerState === "{}") return;
    const health = await this.health(stateOf(row));
    if (health === "running") return;
    if (health === "missing" || health === "stopped") {
      this.d.log.warn({ sandboxId, userId: row.userId, health }, "lab container exited unexpectedly");
      await this.d.end(sandboxId, "died");
      return;
    }
    this.unseen.set(sandboxId, this.unseen.get(sandboxId) ?? Date.now());
    this.d.log.warn({ sandboxId, health }, "lab out of sight after an exit event; waiting for the engine");
  }

  /** Gone or stopped for good: ended. Out of sight (no answer, restarting): ended only after the grace period. */
  private async judgeHealth(sandboxId: string, state: ProviderState, now: number): Promise<void> {
    const health = await this.health(state);
    if (health === "running") {
      if (this.unseen.delete(sandboxId)) this.d.log.info({ sandboxId }, "lab is back in sight");
      return;
    }
    if (health === "missing" || health === "stopped") {
      await this.d.end(sandboxId, "died");
      return;
    }
    const since = this.unseen.get(sandboxId) ?? now;
    this.unseen.set(sandboxId, since);
    const grace = this.d.config.unreachableGraceMs ?? DEFAULT_UNREACHABLE_GRACE_MS;
    if (now - since > grace) {
      this.d.log.warn({ sandboxId, health, seconds: Math.round((now - since) / 1000) }, "lab out of sight past the grace period");
      await this.d.end(sandboxId, "died");
    } else {
      this.d.log.warn({ sandboxId, health }, "lab out of sight; keeping it for the grace period");
    }
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
        return await this.d.provider.poll(state);
      } catch {
        // asked again after the next delay
      }
    }
    this.d.engine.suspect();
    return "unreachable";
  }
}
