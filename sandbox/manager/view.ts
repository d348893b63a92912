// What a learner's browser is told about their lab. The manager produces it; the lab panel
// only renders it. Shared by server and client, so it has no server imports.
import { z } from "zod";
// The same enum as the providers' (sandbox/providers/types.ts), spelled here because this
// module is shared with the browser and must not import server code.
export const labProfileSchema = z.enum(["sim", "node"]);
/** The providers' ProfileRefusalCode (sandbox/providers/types.ts), spelled here for the same reason. */
export const profileRefusalCodeSchema = z.enum(["node-labs-off", "node-needs-runtime-class", "local-sim-only"]);

// unclaimed: warmed for a class and never claimed (no learner ever sees it; metrics and logs do).
export const endReasonSchema = z.enum(["stopped", "idle", "max-age", "died", "failed", "replaced", "removed", "unclaimed"]);
export type EndReason = z.infer<typeof endReasonSchema>;

export const labViewSchema = z.discriminatedUnion("state", [
  // retryAfterSeconds: a start was refused by the rate limit; the panel says when to try again.
  // waitingPerAddressLimit: refused because this client address already has that many labs
  // queued or starting (KUBELAB_MAX_WAITING_LABS_PER_ADDRESS).
  // profileUnavailable: the lesson needs a lab of this profile and this server does not offer
  // it (node labs are off unless the operator opts in); the panel says so and what turns it on.
  z.object({
    state: z.literal("none"),
    retryAfterSeconds: z.number().int().positive().optional(),
    waitingPerAddressLimit: z.number().int().positive().optional(),
    profileUnavailable: labProfileSchema.optional(),
    // profileRefusal: why, as a code (which setting would turn it on differs by provider).
    profileRefusal: profileRefusalCodeSchema.optional(),
  }),
  z.object({ state: z.literal("queued"), position: z.number().int().min(1), queueLength: z.number().int().min(1) }),
  // profile: sim (kwok plays the node) or node (real pods); absent in views from before profiles.
  // position: its place among labs waiting for a boot slot (absent once it boots);
  // estimateSeconds: how long until ready, typically, from this host's recent cold starts
  // (absent before the first was measured).
  z.object({
    state: z.literal("starting"),
    sandboxId: z.string(),
    since: z.string(),
    phase: z.enum(["container", "cluster", "reset"]),
    profile: labProfileSchema.optional(),
    position: z.number().int().min(1).optional(),
    estimateSeconds: z.number().int().min(0).optional(),
  }),
  z.object({ state: z.literal("ready"), sandboxId: z.string(), readyAt: z.string(), profile: labProfileSchema.optional() }),
  // placeHeldSeconds: the lab died and its place stays this learner's this much longer (their
  // Start again goes ahead of anyone queued).
  z.object({ state: z.literal("ended"), sandboxId: z.string(), reason: endReasonSchema, placeHeldSeconds: z.number().int().positive().optional() }),
]);
export type LabView = z.infer<typeof labViewSchema>;

/** Sandbox.status values in the database. */
// "queued" rows are the waiting line (no container yet), so a restart keeps everyone's place.
export const sandboxStatusSchema = z.enum(["queued", "warming", "pooled", "starting", "ready", "ended", "failed"]);
export type SandboxStatus = z.infer<typeof sandboxStatusSchema>;
export const ACTIVE_STATUSES: SandboxStatus[] = ["warming", "pooled", "starting", "ready"];
