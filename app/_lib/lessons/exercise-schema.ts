// The exercise spec of a lesson (content/lessons/<id>/exercises.yaml): language-neutral
// checks with Korean and English strings. Only its shape lives here; the grader that runs
// it is a separate module.
import { z } from "zod";
import { PATH_PATTERN } from "@/sandbox/grader/paths";

/** Every learner-facing string exists in both languages. */
export const bilingual = z.strictObject({ ko: z.string().trim().min(1), en: z.string().trim().min(1) });

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase words joined by -");

/** Which objects a check reads: one kind, optionally narrowed by name, namespace and labels. */
export const selectorSchema = z.strictObject({
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a Kubernetes kind such as Deployment"),
  name: z.string().min(1).optional(),
  namespace: z.string().min(1).default("default"),
  labels: z.record(z.string(), z.string()).optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One expectation on a field, addressed by a dotted path such as spec.replicas or status.readyReplicas. */
export const fieldExpectationSchema = z
  .strictObject({
    // A key with dots in it (a label or annotation such as kubernetes.io/change-cause) is
    // written in brackets: metadata.annotations["kubernetes.io/change-cause"]. A list item is
    // picked by index or, better, by a field of its own: containers[name=web].env[name=MODE].
    path: z
      .string()
      .regex(PATH_PATTERN, 'must be a dotted path such as spec.template.spec.containers[name=web].image or metadata.labels["app.kubernetes.io/name"]'),
    equals: scalar.optional(),
    oneOf: z.array(scalar).min(1).optional(),
    regex: z.string().optional(),
    /** What a regex means, for the learner ("a WordPress image"); without it the pattern is shown. */
    says: bilingual.optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
  })
  .refine((e) => ["equals", "oneOf", "regex", "gte", "lte", "exists"].some((k) => k in e && e[k as keyof typeof e] !== undefined), {
    message: "needs a matcher: equals, oneOf, regex, gte, lte or exists",
  })
  .refine((e) => e.regex === undefined || isValidRegex(e.regex), { message: "regex does not compile", path: ["regex"] });

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const countSchema = z.strictObject({ equals: z.number().int().min(0).optional(), gte: z.number().int().min(0).optional(), lte: z.number().int().min(0).optional() });

export const checkSchema = z
  .strictObject({
    id: slug,
    title: bilingual,
    hint: bilingual,
    /** Read objects and test them... */
    select: selectorSchema.optional(),
    expect: z.array(fieldExpectationSchema).min(1).optional(),
    count: countSchema.optional(),
    condition: z.strictObject({ type: z.string().min(1), status: z.enum(["True", "False", "Unknown"]).default("True") }).optional(),
    rolloutComplete: z.boolean().optional(),
    /** ...or run a command in the lab (as the learner) whose exit code decides. */
    command: z.string().min(1).optional(),
    /**
     * What a command check says, in both languages; {found} is replaced by the last line the
     * command printed (print the value you compared). The command itself is never shown.
     */
    says: z.strictObject({ pass: bilingual.optional(), fail: bilingual }).optional(),
  })
  .refine((c) => (c.command === undefined) !== (c.select === undefined), { message: "needs either select (with expect, count, condition or rolloutComplete) or command, not both" })
  .refine((c) => c.says === undefined || c.command !== undefined, { message: "says belongs to a command check (a select check's messages are written by the grader)", path: ["says"] })
  .refine((c) => c.select === undefined || c.expect || c.count || c.condition || c.rolloutComplete, { message: "select needs expect, count, condition or rolloutComplete" })
  .refine((c) => !c.rolloutComplete || ["Deployment", "StatefulSet", "DaemonSet"].includes(c.select?.kind ?? ""), {
    message: "rolloutComplete applies to a Deployment, StatefulSet or DaemonSet",
    path: ["rolloutComplete"],
  });

export const exerciseSchema = z.strictObject({
  id: slug,
  title: bilingual,
  task: bilingual,
  /** Idempotent shell run in the lab before the exercise, e.g. a broken Deployment to repair. */
  setup: z.string().optional(),
  checks: z.array(checkSchema).min(1),
  /** The reference solution; the content test runs it and expects every check to pass. */
  solve: z.string().min(1),
});

export const exerciseFileSchema = z
  .strictObject({ version: z.literal(1), exercises: z.array(exerciseSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.exercises.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: "custom", message: `duplicate exercise id ${e.id}`, path: ["exercises", i, "id"] });
      seen.add(e.id);
      const checks = new Set<string>();
      e.checks.forEach((c, j) => {
        if (checks.has(c.id)) ctx.addIssue({ code: "custom", message: `duplicate check id ${c.id}`, path: ["exercises", i, "checks", j, "id"] });
        checks.add(c.id);
      });
    });
  });

export type ExerciseFile = z.infer<typeof exerciseFileSchema>;
export type Exercise = z.infer<typeof exerciseSchema>;
export type Check = z.infer<typeof checkSchema>;
