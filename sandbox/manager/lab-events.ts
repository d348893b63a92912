// What the manager tells the views of a lab: "this learner's lab changed" (their panel and
// their live checks read the view again) and "this lab ended" (its terminals close). Several
// kubelab servers may share one database, and the server that changed a lab (a learner's
// request, the leader's culler) is not always the one holding the learner's stream or
// terminal: so the manager sends these through a bus the app hands it (the cluster bus on
// PostgreSQL), and by default through an in-process one. Only ids travel; the view is read
// from the database by whoever shows it.
import { EventEmitter } from "node:events";
import { z } from "zod";
import { endReasonSchema } from "./view";

export const labEventSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("changed"), userId: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal("ended"), sandboxId: z.string().min(1).max(200), reason: endReasonSchema }),
]);
export type LabEvent = z.infer<typeof labEventSchema>;

export interface LabEventBus {
  publish(event: LabEvent): void;
  subscribe(listener: (event: LabEvent) => void): () => void;
  /** Called when events may have been missed (a bus across servers that was cut off for a while). */
  onMissed?(listener: () => void): () => void;
}

/** One process: delivered at once to this process's listeners. */
export function inProcessLabEvents(): LabEventBus {
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    publish: (event) => void emitter.emit("event", event),
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}
