// Which server runs the installation-wide jobs, chosen by the database like the bus: on SQLite
// the one server process always leads; on PostgreSQL the holder of the leader lock does
// (leader-lock.ts). Not server-only: server.ts builds the lab runtime under tsx.
import type { Logger } from "pino";
import { type Leadership, SOLE_LEADER } from "@/sandbox/manager/leadership";
import { providerOf } from "@/prisma/providers";
import { PostgresLeaderLock } from "./leader-lock";

export type ServerLeadership = Leadership & { close(): Promise<void> };

export async function leadershipFor(url: string, log: Logger): Promise<ServerLeadership> {
  if (providerOf(url) !== "postgresql") return { ...SOLE_LEADER, close: async () => undefined };
  const lock = new PostgresLeaderLock({ url, log });
  // The first answer before the manager starts, so a lone server leads from its first reconcile.
  await lock.start();
  if (!lock.leads()) log.info({ session: lock.sessionName }, "another kubelab server leads: this one serves requests and stands by for the pool, culler and reconcile");
  return lock;
}
