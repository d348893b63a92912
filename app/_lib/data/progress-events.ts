// Progress as it happens, for whoever watches (the instructor dashboard, a learner's other
// tabs). server.ts and Next's bundles are separate module graphs, so the emitter is a
// process singleton and every copy of this module finds the same one.
import "server-only";
import { EventEmitter } from "node:events";
import { processSingleton } from "@/app/_lib/process-singleton";

export interface ProgressEvent {
  userId: string;
  lessonId: string;
  exerciseId: string;
  outcome: "pass" | "fail" | "error";
  attempts: number;
  firstPassedAt: string | null;
  at: string;
}

function emitter(): EventEmitter {
  // One listener per open dashboard or stream; many are expected, none is a leak.
  return processSingleton("progress-events", () => new EventEmitter().setMaxListeners(0));
}

export function publishProgress(e: ProgressEvent): void {
  emitter().emit("progress", e);
}

export function subscribeProgress(listener: (e: ProgressEvent) => void): () => void {
  const bus = emitter();
  // A throwing listener must not break the publisher (a check being recorded) or other listeners.
  const safe = (e: ProgressEvent) => {
    try {
      listener(e);
    } catch {
      /* the listener's own problem */
    }
  };
  bus.on("progress", safe);
  return () => bus.off("progress", safe);
}
