// One interface for every way of running a lab, shaped like JupyterHub's Spawner: start,
// stop, poll, exec, attach a TTY, and a state object the caller persists (the Sandbox row's
// providerState) so that a restarted server can find again what it started.
import { z } from "zod";

export const providerKindSchema = z.enum(["docker", "kubernetes", "local"]);
/** sim: kwok plays the node (light); node: a real kubelet and container runtime (real pods). */
export const labProfileSchema = z.enum(["sim", "node"]);
export type LabProfile = z.infer<typeof labProfileSchema>;
export type ProviderKind = z.infer<typeof providerKindSchema>;

/**
 * Why a provider does not offer a profile, as a code no language owns: the lab panel says it
 * in the learner's language and names what the operator would set.
 *  - node-labs-off: docker, KUBELAB_NODE_LABS is off;
 *  - node-needs-runtime-class: kubernetes, no KUBELAB_K8S_NODE_RUNTIME_CLASS;
 *  - local-sim-only: the local provider has no container runtime for a node lab.
 */
export const profileRefusalCodeSchema = z.enum(["node-labs-off", "node-needs-runtime-class", "local-sim-only"]);
export type ProfileRefusalCode = z.infer<typeof profileRefusalCodeSchema>;
/** The code for the panel, and the sentence (English) for logs, errors and the operator. */
export interface ProfileRefusal {
  code: ProfileRefusalCode;
  message: string;
}

/** What a provider needs to remember about one lab; stored as JSON in Sandbox.providerState. */
export const providerStateSchema = z.object({
  kind: providerKindSchema,
  /** docker: container id; kubernetes: pod name (in the provider's namespace); local: the supervisor's pid. */
  ref: z.string().min(1),
  name: z.string().min(1),
  profile: labProfileSchema,
  image: z.string().optional(),
  /** kubelab version that created it; a mismatch after an upgrade means "replace, don't adopt". */
  version: z.string(),
  /** local only: where the lab's files live. */
  dir: z.string().optional(),
});
export type ProviderState = z.infer<typeof providerStateSchema>;

export interface StartRequest {
  sandboxId: string;
  profile: LabProfile;
  /** Owner at creation time; pooled labs have none (the database records the claim). */
  ownerId: string | null;
}

/** restarting: the engine is bringing the lab back by its restart policy (after a crash or an engine restart). */
export type LabHealth = "running" | "restarting" | "stopped" | "missing";

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /**
   * Who runs the command. `grader` is the lab's own grading account: its uid, home and
   * kubeconfig are out of the learner's reach, and the provider gives it a fixed PATH and
   * environment, so nothing the learner changes in their shell, home or /tmp reaches it.
   */
  user?: "learner" | "root" | "grader";
  timeoutMs?: number;
  stdin?: string;
  env?: Record<string, string>;
  /** Stop and fail with ExecOutputLimitError once stdout + stderr exceed this many bytes. */
  maxOutputBytes?: number;
}

/** The command printed more than ExecOptions.maxOutputBytes; what it printed was dropped. */
export class ExecOutputLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the command printed more than ${limitBytes} bytes`);
    this.name = "ExecOutputLimitError";
  }
}

/** The grader's account in the lab image (sandbox/image/Dockerfile, sandbox/cluster/lab). */
export const LAB_GRADER = {
  user: "kubelab-grader",
  home: "/var/lib/kubelab-grader",
  kubeconfig: "/var/lib/kubelab-grader/kubeconfig",
  learnerHome: "/home/learner",
} as const;

/**
 * The environment every grader exec gets, whatever the learner did: binaries from
 * root-owned directories only, the grader's kubeconfig and caches, its own temp dir.
 * KUBELAB_LEARNER_HOME names the learner's home for checks about the learner's files.
 */
export function graderEnv(paths: { home: string; kubeconfig: string; learnerHome: string; path?: string }): Record<string, string> {
  return {
    PATH: paths.path ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: paths.home,
    KUBECONFIG: paths.kubeconfig,
    KUBECACHEDIR: `${paths.home}/.kube/cache`,
    KUBERC: "off",
    TMPDIR: `${paths.home}/tmp`,
    HELM_CACHE_HOME: `${paths.home}/.cache/helm`,
    HELM_CONFIG_HOME: `${paths.home}/.config/helm`,
    HELM_DATA_HOME: `${paths.home}/.local/share/helm`,
    KUBELAB_LEARNER_HOME: paths.learnerHome,
  };
}

/** A live shell in a lab: bytes in, bytes out, resize, close. */
export interface Tty {
  write(data: Uint8Array | string): void;
  /** Bytes given to write() that the shell has not taken yet. */
  pendingInput(): number;
  resize(cols: number, rows: number): Promise<void>;
  onData(listener: (data: Uint8Array) => void): void;
  /** The shell's exit code; null when the connection to it was lost (the engine went away) and a new one may work. */
  onExit(listener: (code: number | null) => void): void;
  /** Stop reading output (flow control); the shell blocks once the kernel buffer fills. */
  pause(): void;
  resume(): void;
  close(): void;
}

/** A lab found on the host by its labels, for reconcile and the admin list. */
export interface FoundLab {
  sandboxId: string;
  state: ProviderState;
  running: boolean;
  createdAt: Date;
}

export interface Provider {
  readonly kind: ProviderKind;
  /** Why this provider was chosen; shown at start and on /api/health. */
  readonly description: string;
  /** Creates and starts the lab, or returns the existing one with the same sandbox id. */
  start(req: StartRequest): Promise<ProviderState>;
  /** Resolves once `kubectl get nodes` would show the node Ready; rejects on timeout or death. */
  waitReady(state: ProviderState, timeoutMs: number): Promise<void>;
  stop(state: ProviderState): Promise<void>;
  poll(state: ProviderState): Promise<LabHealth>;
  exec(state: ProviderState, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  attach(state: ProviderState, size: { cols: number; rows: number }, env?: Record<string, string>): Promise<Tty>;
  /** Puts the cluster back to its first state. */
  reset(state: ProviderState): Promise<void>;
  /** Every lab this kubelab installation owns on the host, by label. */
  list(): Promise<FoundLab[]>;
  /** Memory in use by the lab, in bytes, when the provider can tell. */
  memoryBytes(state: ProviderState): Promise<number | null>;
  /** Calls back when a lab stops on its own (crash, killed from outside). */
  onLabExit(listener: (sandboxId: string) => void): () => void;
  /** Is the underlying engine usable? For /api/health. */
  ping(): Promise<{ ok: boolean; detail?: string }>;
  /** Why this provider will not start a lab of `profile` (start throws ProfileUnavailableError with it), or null. */
  profileRefusal(profile: LabProfile): ProfileRefusal | null;
}

/** The engine did not answer (it is restarting, or gone): try again later, the lab may well be fine. */
/** This provider or host does not offer the lab profile asked for; the message says why and what would. */
export class ProfileUnavailableError extends Error {
  readonly code: ProfileRefusalCode;
  constructor(refusal: ProfileRefusal) {
    super(refusal.message);
    this.code = refusal.code;
    this.name = "ProfileUnavailableError";
  }
}

export class EngineUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineUnreachableError";
  }
}

export const LABEL = {
  managed: "org.kubelab.managed",
  sandbox: "org.kubelab.sandbox",
  owner: "org.kubelab.owner",
  profile: "org.kubelab.profile",
  version: "org.kubelab.version",
  installation: "org.kubelab.installation",
} as const;
