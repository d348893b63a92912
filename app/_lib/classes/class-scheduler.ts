// The class scheduler: a background job (like the culler, apart from request handling) that
// warms labs for every cohort whose class starts within the lead time (or started less than
// half the hold time ago). It keeps no state of its own: each tick reads the ClassSession table and
// the lab manager plans from the Sandbox table, so a restarted server carries on where the old
// one stopped and a tick repeated (or overlapping "class starts now") warms nothing twice.
import type { Logger } from "pino";
import type { PrismaClient } from "@/prisma/generated/client";
import { type ClassWarmer, warmClass } from "./warm-class";

export interface ClassSchedulerOptions {
  db: PrismaClient;
  manager: ClassWarmer;
  log: Logger;
  /** How long before a class its labs are warmed. */
  leadMs: number;
  /** How long after its start a class's warmed labs wait for their learners. */
  holdMs: number;
  intervalMs: number;
  /** Whether this server runs installation-wide jobs now (one of several does: leader-lock.ts); always, when unset. */
  leads?: () => boolean;
}

export class ClassScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly o: ClassSchedulerOptions) {}

  start(): void {
    const leadsNow = () => this.o.leads?.() ?? true;
    if (leadsNow()) void this.tick();
    // Two servers warming one class would each count the other's labs only once they exist.
    this.timer = setInterval(() => void (leadsNow() ? this.tick() : undefined), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; a pass still running is joined, not doubled. */
  tick(now = new Date()): Promise<void> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<void> {
    try {
      // Classes in their window: starting within the lead time, or started less than half the
      // hold time ago (late arrivals, places freed since); later a lab warmed now would have
      // too little time left to be claimed.
      const sessions = await this.o.db.classSession.findMany({
        where: { startsAt: { lte: new Date(now.getTime() + this.o.leadMs), gt: new Date(now.getTime() - this.o.holdMs / 2) } },
        orderBy: { startsAt: "desc" },
      });
      // A cohort with two classes in the window warms once, for the later one (it holds longest).
      const latest = new Map<string, Date>();
      for (const s of sessions) if (!latest.has(s.cohortId)) latest.set(s.cohortId, s.startsAt);
      for (const [cohortId, startsAt] of latest) {
        await warmClass(this.o.db, this.o.manager, cohortId, startsAt, this.o.holdMs, now).catch((error: unknown) =>
          this.o.log.error({ err: error, cohortId }, "could not warm labs for a class"),
        );
      }
    } catch (error) {
      this.o.log.error({ err: error }, "class scheduler pass failed");
    }
  }
}
