// The Sandbox table as the lab manager uses it: every query of the manager, its admission
// and its culler, for the labs of one provider. The table is the record of truth for who owns
// what and for the queue (rows with status "queued", oldest first). Activity (keystrokes) is
// noted in memory at keystroke rate and written at most every flush.
import type { PrismaClient } from "@/prisma/generated/client";
import { type LabProfile, labProfileSchema, type ProviderState, providerStateSchema } from "@/sandbox/providers/types";
import { ACTIVE_STATUSES, type EndReason, type SandboxStatus } from "./view";

export interface SandboxRow {
  id: string;
  userId: string | null;
  profile: string;
  status: string;
  providerState: string;
  createdAt: Date;
  readyAt: Date | null;
  lastActivityAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  reservedFor: string | null;
  reservedUntil: Date | null;
}

/** A lab warmed for a group of learners (a cohort's class): who may claim it, and until when. */
export interface Reservation {
  key: string;
  until: Date;
}

export function stateOf(row: Pick<SandboxRow, "providerState">): ProviderState {
  return providerStateSchema.parse(JSON.parse(row.providerState));
}

/** The row's profile; an unknown one (a row from a newer version) counts as sim. */
export function profileOf(row: Pick<SandboxRow, "profile">): LabProfile {
  return labProfileSchema.catch("sim").parse(row.profile);
}

export function isActive(status: string): boolean {
  return ACTIVE_STATUSES.includes(status as SandboxStatus);
}

export class LabStore {
  private readonly activity = new Map<string, number>();

  constructor(
    private readonly db: PrismaClient,
    /** Labs of this provider only: another provider's rows are not ours to judge. */
    private readonly provider: string,
  ) {}

  // ---- one lab ------------------------------------------------------------------------------

  find(sandboxId: string): Promise<SandboxRow | null> {
    return this.db.sandbox.findUnique({ where: { id: sandboxId } });
  }

  /** The learner's newest row, whatever its state (what their view shows). */
  latestOf(userId: string): Promise<SandboxRow | null> {
    return this.db.sandbox.findFirst({ where: { userId }, orderBy: { createdAt: "desc" } });
  }

  /** The learner's lab that is starting or ready. */
  activeOf(userId: string): Promise<SandboxRow | null> {
    return this.db.sandbox.findFirst({ where: { userId, status: { in: ["starting", "ready"] } }, orderBy: { createdAt: "desc" } });
  }

  readyOf(userId: string): Promise<SandboxRow | null> {
    return this.db.sandbox.findFirst({ where: { userId, status: "ready" }, orderBy: { createdAt: "desc" } });
  }

  /** This lab, when it is ready and owned by this user. */
  readyOwned(userId: string, sandboxId: string): Promise<SandboxRow | null> {
    return this.db.sandbox.findFirst({ where: { id: sandboxId, userId, status: "ready" } });
  }

  /** A new lab row: a learner's (starting) or the pool's (warming, no owner; reserved for a class when given). */
  createStarting(userId: string | null, profile: LabProfile, reservation?: Reservation): Promise<SandboxRow> {
    return this.db.sandbox.create({
      data: { userId, provider: this.provider, profile, status: userId ? "starting" : "warming", reservedFor: reservation?.key, reservedUntil: reservation?.until },
    });
  }

  async setProviderState(sandboxId: string, state: ProviderState): Promise<void> {
    await this.db.sandbox.update({ where: { id: sandboxId }, data: { providerState: JSON.stringify(state) } });
  }

  /**
   * Starting → ready (a learner's) or warming → pooled. A warming lab a learner claimed while it
   * booted is "starting" by now, so the row's status, not who started it, decides. Its owner
   * then (null for a pooled lab), or false when it was stopped while booting.
   */
  async markUp(sandboxId: string): Promise<{ userId: string | null } | false> {
    const now = new Date();
    for (const [from, to] of [["starting", "ready"], ["warming", "pooled"]] as const) {
      const { count } = await this.db.sandbox.updateMany({ where: { id: sandboxId, status: from }, data: { status: to, readyAt: now, lastActivityAt: now } });
      if (count === 1) return { userId: (await this.find(sandboxId))?.userId ?? null };
    }
    return false;
  }

  /** Records the end; false when it had already ended. */
  async markEnded(sandboxId: string, reason: EndReason): Promise<boolean> {
    const status: SandboxStatus = reason === "failed" ? "failed" : "ended";
    const { count } = await this.db.sandbox.updateMany({
      where: { id: sandboxId, status: { notIn: ["ended", "failed"] } },
      data: { status, endedAt: new Date(), endReason: reason },
    });
    this.activity.delete(sandboxId);
    return count === 1;
  }

  /**
   * Learners whose lab died (its container gone, not their doing) within holdMs and who have
   * made no lab since: each holds the place their lab had, so that pressing Start again does
   * not put them behind a queue that formed while they worked.
   */
  async heldPlaces(holdMs: number, now = Date.now()): Promise<string[]> {
    if (holdMs <= 0) return [];
    const died = await this.db.sandbox.findMany({
      where: { provider: this.provider, status: "ended", endReason: "died", endedAt: { gt: new Date(now - holdMs) }, userId: { not: null } },
      select: { userId: true, endedAt: true },
    });
    if (died.length === 0) return [];
    const since = new Date(Math.min(...died.map((r) => r.endedAt!.getTime())));
    const later = await this.db.sandbox.findMany({
      where: { userId: { in: died.map((r) => r.userId!) }, createdAt: { gte: since } },
      select: { userId: true, createdAt: true },
    });
    const held = died.filter((d) => !later.some((l) => l.userId === d.userId && l.createdAt >= d.endedAt!));
    return [...new Set(held.map((d) => d.userId!))];
  }

  // ---- the queue ------------------------------------------------------------------------------

  async enqueue(userId: string, profile: LabProfile): Promise<void> {
    await this.db.sandbox.create({ data: { userId, provider: this.provider, profile, status: "queued" } });
  }

  /** Takes the learner out of the queue; whether they were in it. */
  async dequeue(userId: string): Promise<boolean> {
    const { count } = await this.db.sandbox.deleteMany({ where: { userId, status: "queued" } });
    return count > 0;
  }

  queueLength(): Promise<number> {
    return this.db.sandbox.count({ where: { status: "queued", provider: this.provider } });
  }

  queuedBefore(createdAt: Date): Promise<number> {
    return this.db.sandbox.count({ where: { status: "queued", provider: this.provider, createdAt: { lt: createdAt } } });
  }

  async queuedUsers(): Promise<string[]> {
    const rows = await this.db.sandbox.findMany({ where: { status: "queued", provider: this.provider }, orderBy: { createdAt: "asc" }, select: { userId: true } });
    return rows.flatMap((r) => (r.userId ? [r.userId] : []));
  }

  firstQueued(): Promise<SandboxRow | null> {
    return this.db.sandbox.findFirst({ where: { status: "queued", provider: this.provider }, orderBy: { createdAt: "asc" } });
  }

  /** The queue entry becomes the lab itself; false when it left the queue meanwhile. */
  async queuedToStarting(sandboxId: string): Promise<boolean> {
    const { count } = await this.db.sandbox.updateMany({ where: { id: sandboxId, status: "queued" }, data: { status: "starting", createdAt: new Date() } });
    return count === 1;
  }

  async remove(sandboxId: string): Promise<void> {
    await this.db.sandbox.delete({ where: { id: sandboxId } }).catch(() => undefined);
  }

  /** Of these learners, those whose lab is queued or starting. */
  async waiting(userIds: string[]): Promise<Set<string>> {
    const rows = await this.db.sandbox.findMany({
      where: { userId: { in: userIds }, status: { in: ["queued", "starting"] }, provider: this.provider },
      select: { userId: true },
    });
    return new Set(rows.flatMap((r) => (r.userId ? [r.userId] : [])));
  }

  // ---- the pool and capacity ------------------------------------------------------------------

  activeCount(): Promise<number> {
    return this.db.sandbox.count({ where: { status: { in: ACTIVE_STATUSES }, provider: this.provider } });
  }

  /** Active labs by profile (the memory budget counts each by its profile's limit). */
  async activeByProfile(): Promise<{ profile: LabProfile; count: number }[]> {
    const groups = await this.db.sandbox.groupBy({ by: ["profile"], where: { status: { in: ACTIVE_STATUSES }, provider: this.provider }, _count: { _all: true } });
    return groups.map((g) => ({ profile: profileOf(g), count: g._count._all }));
  }

  /** The general warm pool's labs of this profile (labs reserved for a class are not the pool's). */
  poolCount(profile: LabProfile): Promise<number> {
    return this.db.sandbox.count({ where: { status: { in: ["pooled", "warming"] }, provider: this.provider, profile, reservedFor: null } });
  }

  /**
   * Atomically hands a warm lab to a learner; two learners can never get the same one. First
   * one reserved for a class of theirs (reservedFor), then one of the general pool; with
   * `warming`, then one reserved for them that is still booting (it becomes theirs, starting).
   */
  async claimPooled(userId: string, profile: LabProfile, reservedFor: string[] = [], options: { warming?: boolean } = {}): Promise<{ sandboxId: string; ready: boolean } | null> {
    const where = { userId: null, provider: this.provider, profile };
    const tries: { status: "pooled" | "warming"; reservedFor: { in: string[] } | null }[] = [];
    if (reservedFor.length) tries.push({ status: "pooled", reservedFor: { in: reservedFor } });
    tries.push({ status: "pooled", reservedFor: null });
    if (reservedFor.length && options.warming) tries.push({ status: "warming", reservedFor: { in: reservedFor } });
    for (const t of tries) {
      const candidates = await this.db.sandbox.findMany({ where: { ...where, ...t }, orderBy: [{ readyAt: "asc" }, { createdAt: "asc" }], take: 3 });
      for (const c of candidates) {
        const now = new Date();
        const { count } = await this.db.sandbox.updateMany({
          where: { id: c.id, status: t.status, userId: null },
          data: t.status === "pooled" ? { userId, status: "ready", lastActivityAt: now, readyAt: now } : { userId, status: "starting", lastActivityAt: now },
        });
        if (count === 1) return { sandboxId: c.id, ready: t.status === "pooled" };
      }
    }
    return null;
  }

  // ---- labs reserved for a class -------------------------------------------------------------

  /** Labs reserved under this key that nobody has claimed yet, by state. */
  async reservedUnclaimed(key: string): Promise<{ warming: number; ready: number }> {
    const groups = await this.db.sandbox.groupBy({ by: ["status"], where: { reservedFor: key, userId: null, status: { in: ["warming", "pooled"] }, provider: this.provider }, _count: { _all: true } });
    const n = (status: string) => groups.find((g) => g.status === status)?._count._all ?? 0;
    return { warming: n("warming"), ready: n("pooled") };
  }

  /** Labs reserved under this key that a learner claimed and still runs. */
  reservedClaimed(key: string): Promise<number> {
    return this.db.sandbox.count({ where: { reservedFor: key, userId: { not: null }, status: { in: ["starting", "ready"] }, provider: this.provider } });
  }

  /** Reserved labs nobody claimed before their reservation ran out (the culler ends them). */
  expiredReservations(now: Date): Promise<SandboxRow[]> {
    return this.db.sandbox.findMany({ where: { userId: null, status: { in: ["warming", "pooled"] }, reservedUntil: { lt: now }, provider: this.provider } });
  }

  /** Of these learners, those who claimed a lab of this reservation (this very class), whatever became of it since. */
  async claimedUnder(reservation: Reservation, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.sandbox.findMany({
      where: { reservedFor: reservation.key, reservedUntil: reservation.until, userId: { in: userIds }, provider: this.provider },
      select: { userId: true },
    });
    return new Set(rows.flatMap((r) => (r.userId ? [r.userId] : [])));
  }

  /** Of these learners, those who have a lab in any state short of ended (queued counts). */
  async withLab(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.sandbox.findMany({
      where: { userId: { in: userIds }, status: { in: ["queued", ...ACTIVE_STATUSES] }, provider: this.provider },
      select: { userId: true },
    });
    return new Set(rows.flatMap((r) => (r.userId ? [r.userId] : [])));
  }

  // ---- the culler and reconcile ---------------------------------------------------------------

  /** Every lab the table counts as active (reconcile compares them with the engine). */
  active(): Promise<SandboxRow[]> {
    return this.db.sandbox.findMany({ where: { status: { in: ACTIVE_STATUSES }, provider: this.provider } });
  }

  /** Labs that are up (ready or pooled): what the culler judges. */
  up(): Promise<SandboxRow[]> {
    return this.db.sandbox.findMany({ where: { status: { in: ["ready", "pooled"] }, provider: this.provider } });
  }

  touch(sandboxId: string, at = Date.now()): void {
    this.activity.set(sandboxId, at);
  }

  /** The last activity noted in memory and not yet flushed (0 when none). */
  activityOf(sandboxId: string): number {
    return this.activity.get(sandboxId) ?? 0;
  }

  async flushActivity(): Promise<void> {
    for (const [sandboxId, at] of [...this.activity.entries()]) {
      await this.db.sandbox.updateMany({ where: { id: sandboxId }, data: { lastActivityAt: new Date(at) } }).catch(() => undefined);
    }
  }

  // ---- counts ---------------------------------------------------------------------------------

  /** Active labs by status: of this provider, or of every provider in the database (the gauges). */
  async countsByStatus(scope: "provider" | "all"): Promise<Record<string, number>> {
    const groups = await this.db.sandbox.groupBy({
      by: ["status"],
      where: { status: { in: ACTIVE_STATUSES }, ...(scope === "provider" ? { provider: this.provider } : {}) },
      _count: { _all: true },
    });
    return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  }
}
