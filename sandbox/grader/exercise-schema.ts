// The exercise spec of a lesson (content/lessons/<id>/exercises.yaml): language-neutral
// checks with Korean and English strings. It belongs to the grader, which is what it
// describes; the app reads lessons' files against it (app/_lib/lessons/exercises.ts).
import { z } from "zod";
import { pathProblem } from "./paths";
import type { Bilingual } from "./results";

/** Every learner-facing string exists in both languages, and neither is blank (the one Bilingual type: results.ts). */
export const bilingual = z.strictObject({ ko: z.string().trim().min(1), en: z.string().trim().min(1) }) satisfies z.ZodType<Bilingual>;

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase words joined by -");

/** Which objects a check reads: one kind, optionally narrowed by name, namespace and labels. */
export const selectorSchema = z.strictObject({
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a Kubernetes kind such as Deployment"),
  name: z.string().min(1).optional(),
  namespace: z.string().min(1).default("default"),
  labels: z.record(z.string(), z.string()).optional(),
});

/**
 * A field path (paths.ts): keys, indexes, ["quoted.keys"] and list items picked by a field of
 * theirs (containers[name=web].env[name=MODE].value). A malformed one is refused with what is
 * wrong with it, not only with the pattern it missed.
 */
export const pathSchema = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: `path ${JSON.stringify(path)} ${problem}; write a dotted path such as spec.template.spec.containers[name=web].env[name=MODE].value or metadata.labels["app.kubernetes.io/name"]` });
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One expectation on a field, addressed by a dotted path such as spec.replicas or status.readyReplicas. */
/** An environment variable of a container, resolved as the kubelet would (value, valueFrom, envFrom). */
export const envRefSchema = z.strictObject({
  name: z.string().min(1),
  /** The container, by name; the pod's first container when left out. */
  container: z.string().min(1).optional(),
});

/**
 * One expectation on a field, addressed by a dotted path such as spec.replicas or
 * status.readyReplicas, or on an environment variable's resolved value (`env`).
 */
export const fieldExpectationSchema = z
  .strictObject({
    // A key with dots in it (a label or annotation such as kubernetes.io/change-cause) is
    // written in brackets: metadata.annotations["kubernetes.io/change-cause"]. A list item is
    // picked by index or, better, by a field of its own: containers[name=web].env[name=MODE].
    path: pathSchema.optional(),
    env: envRefSchema.optional(),
    /** With env: the value must come from this Secret (valueFrom.secretKeyRef or envFrom.secretRef). */
    fromSecret: z.string().min(1).optional(),
    /** With env: the value must come from this ConfigMap (valueFrom.configMapKeyRef or envFrom.configMapRef). */
    fromConfigMap: z.string().min(1).optional(),
    equals: scalar.optional(),
    oneOf: z.array(scalar).min(1).optional(),
    regex: z.string().optional(),
    /**
     * The value must equal a field of other objects (any of them when the selector picks
     * several): the version a node's kubelet reports, the name of a pod. With `says`, the
     * learner reads what is meant instead of the value (an exercise that asks them to find it).
     */
    sameAs: selectorSchema.extend({ path: pathSchema }).optional(),
    /** What a regex or sameAs means, for the learner ("a WordPress image"); without it the pattern or value is shown. */
    says: bilingual.optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
  })
  .refine((e) => (e.path === undefined) !== (e.env === undefined), { message: "needs either path or env" })
  .refine((e) => e.env !== undefined || (e.fromSecret === undefined && e.fromConfigMap === undefined), { message: "fromSecret and fromConfigMap go with env" })
  .refine((e) => ["equals", "oneOf", "regex", "sameAs", "gte", "lte", "exists"].some((k) => k in e && e[k as keyof typeof e] !== undefined) || e.fromSecret !== undefined || e.fromConfigMap !== undefined, {
    message: "needs a matcher: equals, oneOf, regex, sameAs, gte, lte or exists",
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

/** Which pod a logs or exec check looks into: by name or by labels (the first running one), and which container. */
export const podRefSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    namespace: z.string().min(1).default("default"),
    /** The container, by name; the pod's first container when left out. */
    container: z.string().min(1).optional(),
  })
  .refine((p) => p.name !== undefined || (p.labels !== undefined && Object.keys(p.labels).length > 0), { message: "names the pod (name) or picks it by labels" });

/** What some text that came back (logs, a command's output, a body) must hold: a string, or a regex. */
export const textMatchSchema = z
  .strictObject({
    contains: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    /** What the match means, for the learner ("the greeting"); without it the string or pattern is shown. */
    says: bilingual.optional(),
  })
  .refine((t) => (t.contains === undefined) !== (t.regex === undefined), { message: "needs exactly one of contains or regex" })
  .refine((t) => t.regex === undefined || isValidRegex(t.regex), { message: "regex does not compile", path: ["regex"] });

/** Bytes of text (logs, output, a body) a behaviour check takes back from the lab; the rest is never read. */
export const BEHAVIOUR_MAX_BYTES = 64 * 1024;

/** A container's logs (`kubectl logs`, or `--previous`: the container before its last restart) hold something. */
export const logsCheckSchema = z.strictObject({
  pod: podRefSchema,
  previous: z.boolean().default(false),
  /** Only the last this many lines are read (kubectl logs --tail). */
  tail: z.number().int().min(1).max(2000).default(500),
  match: textMatchSchema,
});

/**
 * A command run in a pod's container (`kubectl exec … --`), given as argv: never a shell line,
 * so nothing is ever spliced into a script. Exit 0 is expected unless `exitCode` says otherwise.
 */
export const execCheckSchema = z.strictObject({
  pod: podRefSchema,
  command: z.array(z.string().min(1)).min(1).max(64),
  exitCode: z.number().int().min(0).max(255).default(0),
  stdout: textMatchSchema.optional(),
  /** How long the command may run, in seconds (the grader's own limit caps it). */
  timeoutSeconds: z.number().int().min(1).max(20).default(5),
});

/**
 * An HTTP request made from inside the learner's cluster (sandbox/grader/behaviour.ts says
 * from where): to a Service (by name, through its ClusterIP, or through its NodePort on the
 * node) or to an Ingress host and path (through the ingress controller's Service).
 */
export const httpCheckSchema = z
  .strictObject({
    /** The Service, in `namespace`. */
    service: z.string().min(1).optional(),
    namespace: z.string().min(1).default("default"),
    /** The Service's port, by number or name; its only port when left out. */
    port: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
    /** clusterIP: the Service's virtual IP, where its name resolves; nodePort: the node's address and the Service's node port. */
    via: z.enum(["clusterIP", "nodePort"]).default("clusterIP"),
    /** An Ingress host: the request goes to the ingress controller's Service with this Host header. */
    ingress: z
      .strictObject({
        host: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, "must be a host name such as shop.example.com"),
        /** The ingress controller's Service (what minikube's ingress addon creates, by default). */
        controller: z
          .strictObject({ service: z.string().min(1), namespace: z.string().min(1), port: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).default(80) })
          .default({ service: "ingress-nginx-controller", namespace: "ingress-nginx", port: 80 }),
      })
      .optional(),
    path: z.string().regex(/^\/[\x21-\x7e]*$/, "must start with / and hold no spaces").default("/"),
    /** Follow redirects (up to 5, to the same Service or host) and judge the last answer. */
    followRedirects: z.boolean().default(false),
    /** The status the answer must have; 200 when left out. */
    status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).default(200),
    header: z
      .strictObject({ name: z.string().regex(/^[A-Za-z0-9-]+$/, "must be a header name such as Content-Type"), contains: z.string().min(1).optional(), regex: z.string().min(1).optional() })
      .refine((h) => h.regex === undefined || isValidRegex(h.regex), { message: "regex does not compile", path: ["regex"] })
      .optional(),
    body: textMatchSchema.optional(),
    /**
     * How long the whole answer may take, in seconds. An app whose first page does real work
     * (WordPress's installer, on a cold PHP) needs more than the default; the grader's own
     * limit is raised to fit.
     */
    timeoutSeconds: z.number().int().min(1).max(20).default(5),
  })
  .refine((h) => (h.service === undefined) !== (h.ingress === undefined), { message: "needs either service or ingress" })
  .refine((h) => h.ingress === undefined || h.via === "clusterIP", { message: "via belongs to a service request", path: ["via"] });

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
    /** A Service has ready endpoints; a miss says which selector matched nothing or which pods are not ready. */
    endpoints: z.strictObject({ ready: countSchema.default({ gte: 1 }) }).optional(),
    /** A Service's port reaches this container port of its pods, by number or by a port name that resolves to it. */
    portReaches: z.strictObject({ port: z.number().int().min(1), containerPort: z.number().int().min(1) }).optional(),
    /** A Deployment was updated in place: its revision is at least this, with the old ReplicaSet kept. */
    updatedInPlace: z.strictObject({ revision: z.number().int().min(2) }).optional(),
    /**
     * A container mounts this PersistentVolumeClaim (or, in a StatefulSet, this claim template),
     * ConfigMap or Secret at this path, followed from volumeMounts through volumes as the
     * kubelet does; the pod's first container unless one is named.
     */
    mounts: z
      .strictObject({
        claim: z.string().min(1).optional(),
        configMap: z.string().min(1).optional(),
        secret: z.string().min(1).optional(),
        path: z.string().regex(/^\//, "must be an absolute path"),
        container: z.string().min(1).optional(),
      })
      .refine((m) => [m.claim, m.configMap, m.secret].filter((x) => x !== undefined).length === 1, { message: "names exactly one of claim, configMap or secret" })
      .optional(),
    /** Every backend an Ingress names is a Service of its namespace with that port (by number or name). */
    backendsExist: z.literal(true).optional(),
    /** ...or look at what the learner's app does (profile `node`: real pods): its logs, a command in it, an HTTP request to it... */
    logs: logsCheckSchema.optional(),
    exec: execCheckSchema.optional(),
    http: httpCheckSchema.optional(),
    /** ...or run a command in the lab (as the grader, see sandbox/grader/engine.ts; the learner's files are under $KUBELAB_LEARNER_HOME) whose exit code decides. */
    command: z.string().min(1).optional(),
    /**
     * What a command check says, in both languages; {found} is replaced by the last line the
     * command printed (print the value you compared). The command itself is never shown.
     */
    says: z.strictObject({ pass: bilingual.optional(), fail: bilingual }).optional(),
  })
  .refine((c) => [c.select, c.command, c.logs, c.exec, c.http].filter((x) => x !== undefined).length === 1, {
    message: "needs exactly one of select (with expect, count, condition or rolloutComplete), command, logs, exec or http",
  })
  .refine((c) => c.says === undefined || c.command !== undefined, { message: "says belongs to a command check (a select check's messages are written by the grader)", path: ["says"] })
  .refine((c) => c.command === undefined || c.says !== undefined, {
    message: "a command check needs says: { fail: { ko, en } } (the learner never sees the command; say what is wrong, with {found} for the value it printed)",
    path: ["says"],
  })
  .refine((c) => c.select === undefined || c.expect || c.count || c.condition || c.rolloutComplete || c.endpoints || c.portReaches || c.updatedInPlace || c.mounts || c.backendsExist, {
    message: "select needs expect, count, condition, rolloutComplete, endpoints, portReaches, updatedInPlace, mounts or backendsExist",
  })
  .refine((c) => !c.backendsExist || c.select?.kind === "Ingress", { message: "backendsExist applies to an Ingress", path: ["backendsExist"] })
  .refine((c) => !c.mounts || ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"].includes(c.select?.kind ?? ""), {
    message: "mounts applies to a Pod or a workload with a pod template",
    path: ["mounts"],
  })
  .refine((c) => (!c.endpoints && !c.portReaches) || c.select?.kind === "Service", { message: "endpoints and portReaches apply to a Service" })
  .refine((c) => !c.updatedInPlace || c.select?.kind === "Deployment", { message: "updatedInPlace applies to a Deployment", path: ["updatedInPlace"] })
  .refine((c) => !c.rolloutComplete || ["Deployment", "StatefulSet", "DaemonSet"].includes(c.select?.kind ?? ""), {
    message: "rolloutComplete applies to a Deployment, StatefulSet or DaemonSet",
    path: ["rolloutComplete"],
  });

/** A plausible wrong answer: after it, the named check must fail and its message say these words. */
export const wrongAnswerSchema = z.strictObject({
  /** Shell run as the learner after the exercise's setup. */
  run: z.string().min(1),
  /** The check that must fail. */
  fails: slug,
  /** Words (values, names) its message must contain, in English or Korean. */
  says: z.array(z.string().min(1)).min(1),
});

/** A right answer reached another way (YAML vs imperative, edit/patch, a Secret ref, a named port): it must pass. */
export const alternativeAnswerSchema = z.strictObject({
  run: z.string().min(1),
  /** What makes it different, for the author reading a failure. */
  way: z.string().min(1),
});

/**
 * One exercise. The course's rule for what it touches (README, "Writing a lesson"): each
 * lesson's objects are its own. A learner takes every lesson in one lab that keeps everything,
 * so no check may select (by kind, namespace and name, or by label) an object another lesson
 * makes in its Run blocks, setups or solutions; test/integration/content/course.test.ts walks
 * the whole course in one lab and names any check that does.
 */
export const exerciseSchema = z.strictObject({
  id: slug,
  title: bilingual,
  task: bilingual,
  /** Idempotent shell run in the lab before the exercise, e.g. a broken Deployment to repair. */
  setup: z.string().optional(),
  checks: z.array(checkSchema).min(1),
  /** The reference solution; the content test runs it and expects every check to pass. */
  solve: z.string().min(1),
  /** Wrong answers the content test proves are refused, with the words that say why. */
  wrong: z.array(wrongAnswerSchema).optional(),
  /** Right answers reached another way, which the content test proves are accepted. */
  alternative: z.array(alternativeAnswerSchema).optional(),
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
      e.wrong?.forEach((w, j) => {
        if (!checks.has(w.fails)) ctx.addIssue({ code: "custom", message: `wrong answer names check ${w.fails}, which exercise ${e.id} does not have`, path: ["exercises", i, "wrong", j, "fails"] });
      });
    });
  });

export type ExerciseFile = z.infer<typeof exerciseFileSchema>;
export type Exercise = z.infer<typeof exerciseSchema>;
export type Check = z.infer<typeof checkSchema>;
export type WrongAnswer = z.infer<typeof wrongAnswerSchema>;
export type AlternativeAnswer = z.infer<typeof alternativeAnswerSchema>;
