// The lab manager's events (sandbox/manager/lab-events.ts) on the cluster bus: a change made on
// one server (a learner's Start, the leader's culler) reaches the lab panel, the live checks
// and the terminals of the learner on whichever server they are connected to.
// Not server-only: server.ts builds the lab runtime under tsx.
import type { Logger } from "pino";
import { labEventSchema, type LabEventBus } from "@/sandbox/manager/lab-events";
import type { ClusterBus } from "./bus";

export function labEventsOn(bus: ClusterBus, log: Logger): LabEventBus {
  const channel = bus.channel("lab", labEventSchema);
  return {
    publish(event) {
      channel.publish(event).catch((error: unknown) => log.warn({ err: error, event }, "could not announce a lab change"));
    },
    subscribe: (listener) => channel.subscribe(listener),
    onMissed: (listener) => bus.onMissed(listener),
  };
}
