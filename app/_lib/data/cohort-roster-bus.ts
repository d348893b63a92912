// Tells open dashboards that a cohort's roster changed (a join, a removal, a re-admission).
// Server actions and route handlers are bundled separately by Next, so the emitter lives on
// a process singleton: both must find the same one.
import "server-only";
import { EventEmitter } from "node:events";
import { processSingleton } from "@/app/_lib/process-singleton";

const bus = processSingleton("roster-bus", () => new EventEmitter().setMaxListeners(0));

export function announceRosterChange(cohortId: string): void {
  bus.emit(cohortId);
}

export function subscribeRoster(cohortId: string, listener: () => void): () => void {
  bus.on(cohortId, listener);
  return () => bus.off(cohortId, listener);
}
