// Rows nobody can use any more go, so the database does not grow with every visitor: expired
// sessions, labs that ended more than KUBELAB_PURGE_AFTER_DAYS ago (attempts keep their
// results; their lab link becomes empty), and anonymous learners who can never come back
// (no live session: the cookie was their only key) and left nothing behind (no progress, no
// attempts, no cohort place, no lab running or queued). Accounts are never purged.
import type { PrismaClient } from "@/prisma/generated/client";

export interface PurgeReport {
  sessions: number;
  labs: number;
  anonymousLearners: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** Terminal lab states; anything else is running, queued or on its way. */
const ENDED = ["ended", "failed"];

export async function purgeStale(db: PrismaClient, options: { afterDays: number; now?: Date }): Promise<PurgeReport> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.afterDays * DAY_MS);
  const sessions = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  const labs = await db.sandbox.deleteMany({
    where: { status: { in: ENDED }, OR: [{ endedAt: { lt: cutoff } }, { endedAt: null, createdAt: { lt: cutoff } }] },
  });
  // A learner made a moment ago may not have their session row yet: only rows a day old count.
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const anonymousLearners = await db.user.deleteMany({
    where: {
      email: null,
      createdAt: { lt: dayAgo },
      sessions: { none: {} },
      progress: { none: {} },
      attempts: { none: {} },
      enrollments: { none: {} },
      sandboxes: { none: { status: { notIn: ENDED } } },
    },
  });
  return { sessions: sessions.count, labs: labs.count, anonymousLearners: anonymousLearners.count };
}

/** Runs the purge a minute after start and then every six hours; the returned function stops it. */
export function startPurgeJob(db: PrismaClient, afterDays: number, log: { info(o: object, m: string): void; error(o: object, m: string): void }): () => void {
  const run = () =>
    purgeStale(db, { afterDays }).then(
      (report) => {
        if (report.sessions + report.labs + report.anonymousLearners > 0) log.info(report, "purged stale rows");
      },
      (err: unknown) => log.error({ err }, "purge failed; it runs again later"),
    );
  const first = setTimeout(run, 60_000);
  const every = setInterval(run, 6 * 3600 * 1000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
