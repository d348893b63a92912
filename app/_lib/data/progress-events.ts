// Progress as it happens, for whoever watches (the instructor dashboard, a learner's other
// tabs), on whichever server they are connected to: through the cluster bus
// (app/_lib/cluster/bus.ts), in-process on SQLite, LISTEN/NOTIFY on PostgreSQL. An event is a
// few ids and figures, well under NOTIFY's size limit.
import "server-only";
import { z } from "zod";
import { clusterBus } from "@/app/_lib/cluster/process-bus";
import { logger } from "@/app/_lib/log";

const id = z.string().min(1).max(200);

export const progressEventSchema = z.strictObject({
  userId: id,
  lessonId: id,
  exerciseId: id,
  outcome: z.enum(["pass", "fail", "error"]),
  attempts: z.number().int().nonnegative(),
  firstPassedAt: z.string().max(40).nullable(),
  at: z.string().max(40),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;

const channel = () => clusterBus().channel("progress", progressEventSchema);

/** Sent, not awaited: the attempt is recorded already, and a watcher that missed it catches up on reconnect. */
export function publishProgress(e: ProgressEvent): void {
  channel()
    .publish(e)
    .catch((error: unknown) => logger.warn({ err: error, userId: e.userId }, "could not announce a progress event"));
}

export function subscribeProgress(listener: (e: ProgressEvent) => void): () => void {
  // A throwing listener breaks neither the publisher (a check being recorded) nor other listeners (bus.ts).
  return channel().subscribe(listener);
}
