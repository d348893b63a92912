// This process's cluster bus (bus.ts), chosen by DATABASE_URL: server.ts and Next's bundles are
// separate module graphs, so it is a process singleton, and every copy of every module that
// publishes or listens finds the same one (on PostgreSQL: one listening session per process).
// Not server-only: server.ts builds the lab runtime under tsx.
import type { Logger } from "pino";
import { env } from "@/app/_lib/config/env";
import { logger } from "@/app/_lib/log";
import { processSingleton } from "@/app/_lib/process-singleton";
import { providerOf } from "@/prisma/providers";
import { type ClusterBus, InProcessBus } from "./bus";
import { PostgresBus } from "./postgres-bus";

export function createClusterBus(url: string, log: Logger): ClusterBus {
  if (providerOf(url) !== "postgresql") return new InProcessBus();
  const bus = new PostgresBus({ url, log });
  // It keeps trying in the background; a message sent before it listens reaches the other servers.
  void bus.start();
  return bus;
}

/** Called when this server may have missed bus messages (see ClusterBus.onMissed). */
export function onMissedMessages(listener: () => void): () => void {
  return clusterBus().onMissed(listener);
}

export function clusterBus(): ClusterBus {
  return processSingleton("cluster-bus", () => createClusterBus(env().DATABASE_URL, logger.child({ component: "bus" })));
}
