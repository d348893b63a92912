// Every environment variable kubelab reads, parsed once at start. A bad value stops the
// process with the variable's name instead of failing later somewhere unrelated.
import { z } from "zod";
import { isAddressOrRange } from "@/app/_lib/auth/peer-address";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The database, chosen by the URL alone: file:… is SQLite (default), postgres(ql)://… is PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgresql://")
    .default("file:./data/kubelab.db"),
  /** Where compiled lessons are cached between restarts. */
  KUBELAB_LESSON_CACHE_DIR: z.string().min(1).default("./data/cache/lessons"),
  /** Where lesson sources live; tests point it at fixtures. */
  KUBELAB_CONTENT_DIR: z.string().min(1).default("./content"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Signs terminal tokens. Generated once and kept in data/secret when not set. */
  KUBELAB_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** docker, kubernetes, local, or auto (docker; never local on its own). */
  KUBELAB_PROVIDER: z.enum(["auto", "docker", "kubernetes", "local"]).default("auto"),
  /** KUBELAB_PROVIDER=kubernetes: the namespace lab pods live in (README, Labs on Kubernetes). */
  KUBELAB_K8S_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a namespace name (lowercase letters, digits, dashes)").default("kubelab-labs"),
  /** KUBELAB_PROVIDER=kubernetes: the RuntimeClass node labs run under; without it they are refused. */
  KUBELAB_K8S_NODE_RUNTIME_CLASS: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "a RuntimeClass name").optional(),
  /**
   * KUBELAB_PROVIDER=kubernetes: `required` offers labs only once the first has proven the
   * deny-all NetworkPolicy enforced; `unenforced-accept` lets labs reach the pod network.
   */
  KUBELAB_K8S_NETWORK_POLICY: z.enum(["required", "unenforced-accept"]).default("required"),
  /** KUBELAB_PROVIDER=kubernetes: a docker-registry Secret in the namespace for pulling the lab image. */
  KUBELAB_K8S_IMAGE_PULL_SECRET: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "a Secret name").optional(),
  KUBELAB_LAB_IMAGE: z.string().min(1).default("kubelab/lab-sim:latest"),
  /** Ready labs kept waiting for the next learner. */
  KUBELAB_POOL_SIZE: z.coerce.number().int().min(0).max(100).default(2),
  /** Most labs at once (pool included); 0 means derive from the host's memory and cores. */
  KUBELAB_CAPACITY: z.coerce.number().int().min(0).max(10_000).default(0),
  KUBELAB_LAB_MEMORY_MB: z.coerce.number().int().min(256).max(16_384).default(512),
  KUBELAB_LAB_CPUS: z.coerce.number().min(0.1).max(64).default(1),
  /**
   * The share of one core a lab is planned at while its learner works: the lab's own 6.5 % (a
   * `sim` lab in the class bench) plus about 2 % outside it (exec plumbing, the server, dockerd),
   * and room for terminals to stay quick. With KUBELAB_CAPACITY=0 the host takes no more labs
   * than its cores (less half a core) hold at this share.
   */
  KUBELAB_LAB_CPU_PERCENT: z.coerce.number().min(0.5).max(100).default(10),
  KUBELAB_LAB_PIDS: z.coerce.number().int().min(64).max(65_536).default(512),
  /**
   * Profile `node` (real pods: kubelet, containerd, runc in the lab). `off` by default: its lab
   * containers hold SYS_ADMIN, NET_ADMIN and SYS_PTRACE without seccomp, so root inside one is
   * close to root on the host; `unsafe-sys-admin` accepts that (README, Profile node).
   */
  KUBELAB_NODE_LABS: z.enum(["off", "unsafe-sys-admin"]).default("off"),
  KUBELAB_NODE_LAB_IMAGE: z.string().min(1).default("kubelab/lab-node:latest"),
  KUBELAB_NODE_LAB_MEMORY_MB: z.coerce.number().int().min(768).max(16_384).default(1536),
  /** Node labs kept warm, besides KUBELAB_POOL_SIZE's sim labs; only with node labs on. */
  KUBELAB_NODE_POOL_SIZE: z.coerce.number().int().min(0).max(100).default(0),
  KUBELAB_IDLE_TIMEOUT_MIN: z.coerce.number().min(1).max(24 * 60).default(30),
  KUBELAB_MAX_AGE_MIN: z.coerce.number().min(1).max(7 * 24 * 60).default(180),
  /**
   * Most labs one client address may have queued or starting at once; 0 = no cap. A class
   * behind one NAT address shares it: raise it for a class larger than this that starts together.
   */
  KUBELAB_MAX_WAITING_LABS_PER_ADDRESS: z.coerce.number().int().min(0).max(10_000).default(20),
  /**
   * How long the place of a lab that died (its container killed or gone, not the learner's
   * doing) stays its learner's: the queue does not take it, and their Start again goes ahead
   * of the queue. 0 = the queue takes it at once.
   */
  KUBELAB_DIED_LAB_HOLD_SEC: z.coerce.number().int().min(0).max(3600).default(180),
  /** Labs that boot at once; more only slow each other down on a small host (measure with `npm run bench -- cold-starts`). */
  KUBELAB_MAX_CONCURRENT_STARTS: z.coerce.number().int().min(1).max(64).default(2),
  /** How long before a scheduled class its labs are warmed (one per enrolled learner without a lab, within capacity). */
  KUBELAB_CLASS_WARM_LEAD_MIN: z.coerce.number().min(0).max(24 * 60).default(10),
  /** How long after a class's start a lab warmed for it waits for its learner before it is ended. */
  KUBELAB_CLASS_HOLD_MIN: z.coerce.number().min(0.05).max(24 * 60).default(20),
  /** How often the class scheduler looks for classes to warm labs for. */
  KUBELAB_CLASS_SCHEDULER_INTERVAL_SEC: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often labs are checked for idleness, age and health. */
  KUBELAB_CULL_INTERVAL_SEC: z.coerce.number().int().min(1).max(3600).default(30),
  /** Ended labs and abandoned anonymous learners are deleted this many days on (expired sessions at once). */
  KUBELAB_PURGE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How long a shell outlives its last browser connection (reload, dropped network). */
  KUBELAB_SHELL_GRACE_MIN: z.coerce.number().min(0).max(24 * 60).default(10),
  /** Open terminals and live-check streams check the session behind them this often; a signed-out learner is cut off within it. */
  KUBELAB_SESSION_RECHECK_SECONDS: z.coerce.number().int().min(1).max(60).default(30),
  /** Separates labs of several kubelab servers (or test runs) sharing one Docker engine. */
  KUBELAB_INSTALLATION_ID: z.string().regex(/^[a-z0-9]{1,16}$/, "lowercase letters and digits, at most 16").optional(),
  /** Bearer token /metrics asks of every scraper (see KUBELAB_METRICS_LOOPBACK). */
  KUBELAB_METRICS_TOKEN: z.string().min(16).optional(),
  /** The server's CPU priority (-20..19, lower is more); unset: left as started. See cpu-priority.ts. */
  KUBELAB_SERVER_NICE: z.coerce.number().int().min(-20).max(19).optional(),
  /** `1`: loopback connections may scrape /metrics without the token (never a trusted proxy's). */
  KUBELAB_METRICS_LOOPBACK: z.enum(["0", "1"]).default("0"),
  /** `1` forces Secure `__Host-` session cookies, `0` forbids them; unset: a trusted proxy's X-Forwarded-Proto decides. */
  KUBELAB_SECURE_COOKIES: z.enum(["0", "1"]).optional(),
  /** Reverse proxies whose X-Forwarded-For/-Proto are believed: addresses or CIDR ranges, comma-separated. */
  KUBELAB_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().refine(isAddressOrRange, { message: "each entry must be an IP address or a CIDR range such as 10.0.0.0/8" }))),
  /** The first administrator, made at start when there is none (else admin@kubelab.local, its password in a 0600 file beside the database). */
  KUBELAB_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email("must be an email address")).optional(),
  KUBELAB_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").max(256).optional(),
}).refine((e) => (e.KUBELAB_ADMIN_EMAIL === undefined) === (e.KUBELAB_ADMIN_PASSWORD === undefined), {
  message: "set both KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD, or neither",
  path: ["KUBELAB_ADMIN_PASSWORD"],
}).refine((e) => e.KUBELAB_NODE_POOL_SIZE === 0 || e.KUBELAB_NODE_LABS !== "off", {
  // A pool of labs this server may not start would fail every 30 s for ever.
  message: "warm node labs need node labs on: set KUBELAB_NODE_LABS=unsafe-sys-admin (README, Profile node) or KUBELAB_NODE_POOL_SIZE=0",
  path: ["KUBELAB_NODE_POOL_SIZE"],
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
