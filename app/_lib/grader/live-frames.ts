// The frames of a lesson's live-check stream (/api/lessons/<id>/live), shared by the route
// that sends them and the browser that reads them. Every frame is one `live` SSE event
// whose data is JSON of this shape.
import { z } from "zod";
import { resultsDocumentSchema } from "@/sandbox/grader/results";

export const progressSnapshotSchema = z.strictObject({
  attempts: z.number().int().min(0),
  firstPassedAt: z.iso.datetime().nullable(),
});
export type ProgressSnapshot = z.infer<typeof progressSnapshotSchema>;

export const liveFrameSchema = z.discriminatedUnion("type", [
  /**
   * The lesson's setups run on this lab now; checks start when they are done. The terminal
   * holds what the learner types until then, so a command cannot race a setup.
   */
  z.strictObject({ type: z.literal("preparing"), sandboxId: z.string().min(1) }),
  /** The lesson's setups could not run on this lab yet; they are tried again in a few seconds. */
  z.strictObject({ type: z.literal("unprepared"), sandboxId: z.string().min(1) }),
  /** Checks run against this lab now (setups done). */
  z.strictObject({ type: z.literal("watching"), sandboxId: z.string().min(1) }),
  /** No ready lab (none yet, resetting, ended): nothing is checked until one is ready. */
  z.strictObject({ type: z.literal("waiting") }),
  /** A fresh evaluation of one exercise; progress is set when it was stored as an attempt. */
  z.strictObject({ type: z.literal("results"), results: resultsDocumentSchema, progress: progressSnapshotSchema.optional() }),
  /**
   * No live checks on this stream, and the server closes it: too many tabs or lessons at once
   * (app/_lib/grader/live-hub.ts), or the session behind the stream ended.
   */
  z.strictObject({ type: z.literal("refused"), reason: z.enum(["too-many-streams", "too-many-lessons", "signed-out"]) }),
]);
export type LiveFrame = z.infer<typeof liveFrameSchema>;

export const LIVE_EVENT = "live";

export function encodeLiveFrame(frame: LiveFrame): string {
  return `event: ${LIVE_EVENT}\ndata: ${JSON.stringify(liveFrameSchema.parse(frame))}\n\n`;
}
