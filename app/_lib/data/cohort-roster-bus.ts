// Tells open dashboards that a cohort's roster changed (a join, a removal, a re-admission), on
// whichever server they are connected to: through the cluster bus (app/_lib/cluster/bus.ts).
// Only the cohort's id travels; the dashboard re-reads the learners itself.
import "server-only";
import { z } from "zod";
import { clusterBus } from "@/app/_lib/cluster/process-bus";
import { logger } from "@/app/_lib/log";

const rosterChangeSchema = z.strictObject({ cohortId: z.string().min(1).max(200) });

const channel = () => clusterBus().channel("roster", rosterChangeSchema);

export function announceRosterChange(cohortId: string): void {
  channel()
    .publish({ cohortId })
    .catch((error: unknown) => logger.warn({ err: error, cohortId }, "could not announce a roster change"));
}

export function subscribeRoster(cohortId: string, listener: () => void): () => void {
  return channel().subscribe((change) => {
    if (change.cohortId === cohortId) listener();
  });
}
