// What a lesson is allowed to look like: its id (the folder name, shared by both
// languages) and its front matter. Used by the loader, the check command and the tests.
// The body's shell blocks and their run options (interactive, expect-fail, norun) are read by
// run-blocks.ts; what a lesson's exercises may touch is in sandbox/grader/exercise-schema.ts.
import { z } from "zod";
import { labProfileSchema } from "@/sandbox/manager/view";

/** `NN-slug`: two digits for order on disk, then lowercase words. Nothing else reaches the file system. */
export const lessonIdSchema = z.string().regex(/^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/, "must look like 01-some-slug");

export const levelSchema = z.enum(["beginner", "intermediate", "advanced"]);
export type Level = z.infer<typeof levelSchema>;

export const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1).max(120),
  summary: z.string().trim().min(1).max(300),
  order: z.number().int().min(1).max(999),
  minutes: z.number().int().min(1).max(240),
  level: levelSchema,
  objectives: z.array(z.string().trim().min(1)).min(1).max(8),
  /**
   * The lab the lesson needs: `sim` (default; kwok plays the node, no container runs) or
   * `node` (a real kubelet and container runtime: logs, exec, curl, probes act on real pods).
   */
  lab: labProfileSchema.default("sim"),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;
