// Labs as Pods in one namespace of a Kubernetes cluster, through the official client
// (@kubernetes/client-node). Each pod carries the Docker labs' labels (managed, installation,
// sandbox id, owner, profile, version), so list, reconcile and cull are one label query and a
// second start with the same sandbox id adopts the pod. exec and attach go through the API's
// exec subresource over a WebSocket; the terminal bridge and the grader see the same Provider
// as with Docker. What a lab pod is (limits, securityContext, NetworkPolicy) lives in
// kubernetes-lab-pod.ts.
import { PassThrough, Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ApiException, CoreV1Api, Exec, KubeConfig, NetworkingV1Api, type V1NetworkPolicy, type V1Pod, type V1Status, Watch,
} from "@kubernetes/client-node";
// Not re-exported by the package's index; the class Exec uses by default.
import { WebSocketHandler } from "@kubernetes/client-node/dist/web-socket-handler.js";
import { LAB_DEFAULTS } from "./docker-lab-options";
import { isLabelValue, LAB_CONTAINER, labNetworkPolicy, labPod, labPodName } from "./kubernetes-lab-pod";
import {
  EngineUnreachableError, ExecOutputLimitError, type ExecOptions, type ExecResult, type FoundLab, graderEnv, LAB_GRADER, LABEL,
  type LabHealth, type LabProfile, labProfileSchema, type ProfileRefusal, ProfileUnavailableError, type Provider, type ProviderState,
  providerStateSchema, type StartRequest, type Tty,
} from "./types";

export interface KubernetesProviderOptions {
  installationId: string;
  version: string;
  /** The namespace the labs live in (KUBELAB_K8S_NAMESPACE); the server's Role is for it alone. */
  namespace: string;
  /** The sim lab image as the cluster's nodes pull it (KUBELAB_LAB_IMAGE). */
  image?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  /**
   * Profile `node` (real pods): only with a RuntimeClass that contains nested containers
   * (KUBELAB_K8S_NODE_RUNTIME_CLASS); its pods hold SYS_ADMIN, NET_ADMIN and SYS_PTRACE
   * without seccomp, which under plain runc is close to root on the cluster's node.
   */
  node?: { runtimeClassName?: string; image?: string; memoryBytes?: number };
  /**
   * `required` (the default): the first lab proves that the deny-all NetworkPolicy is
   * enforced (its pod must not reach the cluster's API server), and no lab is offered when it
   * is not. `unenforced-accept`: the operator accepts labs that reach the pod network, as on a
   * cluster whose network plugin ignores NetworkPolicy (KUBELAB_K8S_NETWORK_POLICY).
   */
  networkPolicy?: "required" | "unenforced-accept";
  /** A Secret of type dockerconfigjson in the namespace, for a private registry. */
  imagePullSecret?: string;
  /** Defaults to the usual places: in-cluster service account, KUBECONFIG, ~/.kube/config. */
  kubeConfig?: KubeConfig;
}

const READY_FILE = "/run/kubelab/ready";
/** Waiting reasons of a lab container that will not get better by waiting. */
const HOPELESS_WAITING = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError"]);
/** Accounts the lab image has; exec switches to them (the exec API has no user of its own). */
const LEARNER = { user: "learner", home: "/home/learner" } as const;

export class KubernetesProvider implements Provider {
  readonly kind = "kubernetes" as const;
  readonly description: string;
  private readonly kc: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly image: string;
  private readonly namespace: string;
  private policyReady?: Promise<void>;
  /** Set once a lab pod reached the network its policy should have cut (see isolationProbe). */
  private unenforced?: string;
  private isolationProven = false;
  private exitListeners = new Set<(sandboxId: string) => void>();
  private watch?: AbortController;
  private closed = false;

  constructor(private readonly options: KubernetesProviderOptions) {
    this.kc = options.kubeConfig ?? defaultKubeConfig();
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.networking = this.kc.makeApiClient(NetworkingV1Api);
    this.image = options.image ?? LAB_DEFAULTS.image;
    this.namespace = options.namespace;
    this.description = `kubernetes (namespace ${this.namespace}, ${this.image}): one pod per lab, no service account token, a deny-all NetworkPolicy, resource limits`;
  }

  private selector(extra: Record<string, string> = {}): string {
    const labels = { [LABEL.managed]: "true", [LABEL.installation]: this.options.installationId, ...extra };
    return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
  }

  private server(): string {
    return this.kc.getCurrentCluster()?.server ?? "(no cluster in the kubeconfig)";
  }

  /**
   * Labs are offered only when the server may list pods in the namespace and the labs'
   * NetworkPolicy is in place (made here once, so a missing namespace or Role shows on
   * /api/health before any learner presses Start).
   */
  async ping(): Promise<{ ok: boolean; detail?: string }> {
    if (this.unenforced) return { ok: false, detail: this.unenforced };
    try {
      await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector(), limit: 1 });
    } catch (error) {
      return { ok: false, detail: this.refusalDetail(error, "list pods") };
    }
    try {
      await this.ensureNetworkPolicy();
    } catch (error) {
      return { ok: false, detail: this.refusalDetail(error, "keep the labs' NetworkPolicy") };
    }
    return { ok: true };
  }

  private refusalDetail(error: unknown, what: string): string {
    const code = statusOf(error);
    if (code === 401 || code === 403) {
      return `the Kubernetes API at ${this.server()} refuses to ${what} in namespace ${this.namespace} (${code}): give the server's account the Role in README, Labs on Kubernetes`;
    }
    if (code === 404) return `the namespace ${this.namespace} does not exist on ${this.server()} (KUBELAB_K8S_NAMESPACE)`;
    if (code !== undefined) return `the Kubernetes API at ${this.server()} could not ${what} in namespace ${this.namespace} (${code}: ${apiMessage(error)})`;
    return `no Kubernetes API answers at ${this.server()} (${messageOf(error)})`;
  }

  private imageOf(profile: LabProfile): string {
    return profile === "node" ? (this.options.node?.image ?? "kubelab/lab-node:latest") : this.image;
  }

  profileRefusal(profile: LabProfile): ProfileRefusal | null {
    if (profile !== "node" || this.options.node?.runtimeClassName) return null;
    const message =
      "node labs (real pods) need a RuntimeClass that contains nested containers (gVisor, Kata Containers or the like): " +
      "their pods hold SYS_ADMIN, NET_ADMIN and SYS_PTRACE without seccomp, which under the cluster's plain runc is close to " +
      "root on its node. Name one in KUBELAB_K8S_NODE_RUNTIME_CLASS (README, Labs on Kubernetes).";
    return { code: "node-needs-runtime-class", message };
  }

  /** The deny-all NetworkPolicy, made once per process before the first lab (and again after a failure). */
  private ensureNetworkPolicy(): Promise<void> {
    this.policyReady ??= this.applyNetworkPolicy().catch((error) => {
      this.policyReady = undefined;
      throw error;
    });
    return this.policyReady;
  }

  private async applyNetworkPolicy(): Promise<void> {
    const body = labNetworkPolicy(this.namespace, this.options.installationId);
    const name = body.metadata!.name!;
    try {
      await this.networking.createNamespacedNetworkPolicy({ namespace: this.namespace, body });
      return;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    // It exists: put it back as it should be, in case someone loosened it.
    const current: V1NetworkPolicy = await this.networking.readNamespacedNetworkPolicy({ name, namespace: this.namespace });
    if (JSON.stringify(current.spec) === JSON.stringify(body.spec)) return;
    body.metadata!.resourceVersion = current.metadata?.resourceVersion;
    await this.networking.replaceNamespacedNetworkPolicy({ name, namespace: this.namespace, body });
  }

  async start(req: StartRequest): Promise<ProviderState> {
    const refusal = this.profileRefusal(req.profile);
    if (refusal) throw new ProfileUnavailableError(refusal);
    if (this.unenforced) throw new Error(this.unenforced);
    for (const value of [req.sandboxId, req.ownerId ?? "pool"]) {
      if (!isLabelValue(value)) throw new Error(`not usable as a label value: ${JSON.stringify(value)}`);
    }
    // No lab pod exists without the policy that cuts it off.
    await this.ensureNetworkPolicy().catch((error: unknown) => {
      throw new Error(this.refusalDetail(error, "keep the labs' NetworkPolicy"));
    });
    const existing = (await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector({ [LABEL.sandbox]: req.sandboxId }) })).items;
    for (const pod of existing) {
      const name = pod.metadata!.name!;
      // A pod that ended (Failed, Succeeded) cannot be started again, as a stopped container
      // can: it is replaced. One on its way out is waited for.
      if (!pod.metadata?.deletionTimestamp && !isFinished(pod)) return this.stateOf(name, profileOf(pod));
      await this.deletePod(name);
    }
    const name = labPodName(this.options.installationId, req.sandboxId);
    const body = labPod({
      name,
      namespace: this.namespace,
      profile: req.profile,
      image: this.imageOf(req.profile),
      memoryBytes: req.profile === "node" ? this.options.node?.memoryBytes : this.options.memoryBytes,
      nanoCpus: this.options.nanoCpus,
      runtimeClassName: req.profile === "node" ? this.options.node?.runtimeClassName : undefined,
      imagePullSecret: this.options.imagePullSecret,
      labels: {
        [LABEL.managed]: "true",
        [LABEL.installation]: this.options.installationId,
        [LABEL.sandbox]: req.sandboxId,
        // Owner at creation; a pooled lab is claimed later, which the database records.
        [LABEL.owner]: req.ownerId ?? "pool",
        [LABEL.profile]: req.profile,
        [LABEL.version]: this.options.version,
      },
    });
    try {
      await this.core.createNamespacedPod({ namespace: this.namespace, body });
    } catch (error) {
      // Another start of the same sandbox won the race: that pod is this lab.
      if (statusOf(error) !== 409) throw new Error(`the cluster refused the lab pod: ${apiMessage(error)}`);
    }
    return this.stateOf(name, req.profile);
  }

  private stateOf(name: string, profile: LabProfile): ProviderState {
    return { kind: "kubernetes", ref: name, name, profile, image: this.imageOf(profile), version: this.options.version };
  }

  private async readPod(name: string): Promise<V1Pod | null> {
    try {
      return await this.core.readNamespacedPod({ name, namespace: this.namespace });
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /**
   * Scheduling and the image pull come first: a pod still Pending is waited for, one whose
   * image cannot be pulled fails at once with the reason. Then, as on Docker, the lab is
   * ready when its supervisor has written the ready file.
   */
  async waitReady(state: ProviderState, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let why = "it did not start";
    while (Date.now() < deadline) {
      const pod = await this.readPod(state.ref);
      if (!pod || pod.metadata?.deletionTimestamp) throw new Error(`lab pod ${state.name} is gone`);
      if (isFinished(pod)) throw new Error(`lab pod ${state.name} ended (${pod.status?.phase})`);
      const waiting = labContainer(pod)?.state?.waiting;
      if (waiting?.reason && HOPELESS_WAITING.has(waiting.reason)) {
        throw new Error(`lab pod ${state.name} cannot start: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}`);
      }
      if (labContainer(pod)?.state?.running) {
        const probe = await this.exec(state, ["test", "-e", READY_FILE], { user: "root", timeoutMs: 5000 }).catch(() => null);
        if (probe?.exitCode === 0) return this.proveIsolation(state);
        why = "its cluster was not ready";
      } else {
        const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
        why = unscheduled ? `it was not scheduled: ${unscheduled.message ?? unscheduled.reason}` : `it is ${waiting?.reason ?? pod.status?.phase ?? "pending"}`;
      }
      await sleep(250);
    }
    throw new Error(`lab ${state.name} was not ready within ${timeoutMs} ms: ${why}`);
  }

  /**
   * The NetworkPolicy is only words unless the cluster's network plugin enforces it, and a lab
   * on an unenforced one reaches the whole pod network (other labs, the kubelab server, a
   * cloud's metadata address): far weaker than a Docker lab, which has no network at all. So
   * the first ready lab of this process tries to open a connection to the cluster's API
   * server (KUBERNETES_SERVICE_HOST, which every pod is told). Connected: the policy is not
   * enforced, and unless the operator accepted that, this lab fails and no more are offered
   * (/api/health says why). One probe per process: a blocked connection costs its timeout.
   */
  private async proveIsolation(state: ProviderState): Promise<void> {
    if (this.isolationProven || this.options.networkPolicy === "unenforced-accept") return;
    const probe = await this.exec(
      state,
      ["bash", "-c", 'timeout 2 bash -c \'exec 3<>"/dev/tcp/$KUBERNETES_SERVICE_HOST/$KUBERNETES_SERVICE_PORT"\' 2>/dev/null'],
      { user: "root", timeoutMs: 10_000 },
    );
    if (probe.exitCode !== 0) {
      this.isolationProven = true;
      return;
    }
    this.unenforced =
      `labs are unavailable: lab pod ${state.name} reached the cluster's API server through its deny-all NetworkPolicy, ` +
      `so this cluster's network plugin does not enforce NetworkPolicy and every lab would reach the pod network. ` +
      `Use a network plugin that enforces it (Calico, Cilium, ...), or accept that with KUBELAB_K8S_NETWORK_POLICY=unenforced-accept ` +
      `(README, Labs on Kubernetes).`;
    throw new Error(this.unenforced);
  }

  async stop(state: ProviderState): Promise<void> {
    await this.deletePod(state.ref);
  }

  /** Deletes the pod and waits until the API no longer has it, as `docker rm -f` returns once the container is gone. */
  private async deletePod(name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds: 1 });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw error;
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!(await this.readPod(name))) return;
      await sleep(250);
    }
    throw new Error(`lab pod ${name} was still terminating 60 s after its deletion`);
  }

  async poll(state: ProviderState): Promise<LabHealth> {
    const pod = await this.readPod(state.ref);
    if (!pod) return "missing";
    if (pod.metadata?.deletionTimestamp || isFinished(pod)) return "stopped";
    const container = labContainer(pod);
    // Pending (scheduling, pulling) or restarting after a crash: out of sight, coming back.
    return pod.status?.phase === "Running" && container?.state?.running ? "running" : "restarting";
  }

  /**
   * The exec API runs every command as the container's user (root) in its working directory,
   * so the command is wrapped: setpriv takes the account's uid, gid and groups (as Docker's
   * exec `User` does), env sets the directory and the environment.
   */
  private wrap(cmd: string[], user: "learner" | "root" | "grader", env: Record<string, string>): string[] {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // `--` ends env's options; what follows up to the command are the variables.
    if (user === "root") return ["env", "-C", "/", "--", ...vars, ...cmd];
    const account = user === "grader" ? { user: LAB_GRADER.user, home: LAB_GRADER.home } : LEARNER;
    return [
      "setpriv", `--reuid=${account.user}`, `--regid=${account.user}`, "--init-groups", "--",
      "env", "-C", account.home, "--", `HOME=${account.home}`, ...vars, ...cmd,
    ];
  }

  /**
   * A WebSocket client of the exec API whose "stream closed" frames touch only this call's
   * streams (the library's default handler would end the process's own stdout on one).
   */
  private execClient(): Exec {
    const inert = { stdin: Readable.from([]), stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: new Writable({ write: (_c, _e, cb) => cb() }) };
    return new Exec(this.kc, new WebSocketHandler(this.kc, undefined, inert as never));
  }

  async exec(state: ProviderState, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const user = options.user ?? "learner";
    // The grader runs under its own uid with an environment fixed here (see graderEnv).
    const env = user === "grader" ? { ...(options.env ?? {}), ...graderEnv(LAB_GRADER) } : (options.env ?? {});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Output is bounded in bytes when asked (the grader reads cluster contents the learner
    // controls): past the cap the connection is dropped and nothing more is kept in memory.
    const limit = options.maxOutputBytes ?? Infinity;
    let received = 0;
    let fail: (error: Error) => void = () => undefined;
    const sink = (into: Buffer[]) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > limit) {
            out.length = 0;
            err.length = 0;
            fail(new ExecOutputLimitError(limit));
          } else into.push(chunk);
          done();
        },
      });
    const stdin = options.stdin !== undefined ? Readable.from([Buffer.from(options.stdin)]) : null;
    const timeoutMs = options.timeoutMs ?? 30_000;
    let ws: ExecSocket | undefined;
    const status = await new Promise<V1Status | null>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      fail = (error) => settle(() => (ws?.close(), reject(error)));
      const timer = setTimeout(() => fail(new Error(`exec timed out after ${timeoutMs} ms: ${cmd.join(" ")}`)), timeoutMs);
      this.execClient()
        .exec(this.namespace, state.ref, LAB_CONTAINER, this.wrap(cmd, user, env), sink(out), sink(err), stdin, false, (s) => settle(() => resolve(s)))
        .then((socket) => {
          ws = socket;
          if (settled) socket.close();
          // Closed without a status: the connection was lost, not the command's verdict.
          socket.on("close", () => settle(() => resolve(null)));
        })
        .catch((error) => settle(() => reject(new Error(`exec in lab pod ${state.name} failed: ${messageOf(error)}`))));
    });
    ws?.close();
    if (!status) throw new Error(`the exec connection to lab pod ${state.name} closed without the command's exit status`);
    return { exitCode: exitCodeOf(status), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
  }

  async attach(state: ProviderState, size: { cols: number; rows: number }, env: Record<string, string> = {}): Promise<Tty> {
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const l of dataListeners) l(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        done();
      },
    });
    const dataListeners: Array<(data: Uint8Array) => void> = [];
    const exitListeners: Array<(code: number | null) => void> = [];
    let exitCode: number | null | undefined;
    const finish = (code: number | null) => {
      if (exitCode !== undefined) return;
      exitCode = code;
      for (const l of exitListeners) l(code);
    };
    // Keystrokes go through a stream the library forwards on the exec's stdin channel.
    const input = new PassThrough();
    let ws: ExecSocket;
    try {
      ws = await this.execClient().exec(
        this.namespace, state.ref, LAB_CONTAINER, this.wrap(["bash", "-l"], "learner", { TERM: "xterm-256color", ...env }),
        output, null, input, true, (status) => finish(shellExitCode(status)),
      );
    } catch (error) {
      // The WebSocket's upgrade refused (403, 404: an answer) versus no answer at all.
      const refused = /Unexpected server response: (\d+)/.exec(messageOf(error));
      if (refused) throw new Error(`the Kubernetes API refused a shell in lab pod ${state.name} (${refused[1]})`);
      throw new EngineUnreachableError(`the Kubernetes API at ${this.server()} does not answer (${messageOf(error)})`);
    }
    // The terminal size travels on channel 4 as JSON (the library would read it off a TTY stream).
    const resize = (cols: number, rows: number) => ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: cols, Height: rows }))]));
    resize(size.cols, size.rows);
    // Closed with no exit status: the connection was lost (API server restart), the shell may live on.
    ws.on("close", () => finish(null));
    return {
      write: (data) => void input.write(typeof data === "string" ? data : Buffer.from(data)),
      // What the shell has not taken yet: queued in the stream, or on the socket not yet sent.
      pendingInput: () => input.writableLength + ws.bufferedAmount,
      resize: async (cols, rows) => resize(cols, rows),
      onData: (listener) => void dataListeners.push(listener),
      onExit: (listener) => {
        if (exitCode !== undefined) listener(exitCode);
        else exitListeners.push(listener);
      },
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      close: () => {
        input.destroy();
        ws.close();
      },
    };
  }

  async reset(state: ProviderState): Promise<void> {
    const result = await this.exec(state, ["kubelab-cluster", "reset"], { user: "root", timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`reset failed (${result.exitCode}): ${(result.stderr || result.stdout).trim()}`);
  }

  async list(): Promise<FoundLab[]> {
    const pods = (await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector() })).items;
    return pods.flatMap((pod) => {
      const labels = pod.metadata?.labels ?? {};
      const sandboxId = labels[LABEL.sandbox];
      const name = pod.metadata?.name;
      if (!sandboxId || !name) return [];
      const state = providerStateSchema.parse({
        kind: "kubernetes",
        ref: name,
        name,
        profile: profileOf(pod),
        image: pod.spec?.containers.find((c) => c.name === LAB_CONTAINER)?.image,
        version: labels[LABEL.version] ?? "unknown",
      });
      const running = pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp;
      return [{ sandboxId, state, running, createdAt: new Date(pod.metadata?.creationTimestamp ?? Date.now()) }];
    });
  }

  /** The cluster's metrics API is optional and not in the server's Role; the manager goes by limits. */
  async memoryBytes(): Promise<number | null> {
    return null;
  }

  onLabExit(listener: (sandboxId: string) => void): () => void {
    this.exitListeners.add(listener);
    if (!this.watch) void this.watchPods();
    return () => this.exitListeners.delete(listener);
  }

  /** One watch on the installation's pods: a lab pod deleted, failed or whose container stopped is reported at once. */
  private async watchPods(): Promise<void> {
    if (this.closed || !this.exitListeners.size) return;
    const again = (ms: number) => {
      this.watch = undefined;
      if (!this.closed && this.exitListeners.size) setTimeout(() => void this.watchPods(), ms).unref();
    };
    try {
      this.watch = await new Watch(this.kc).watch(
        `/api/v1/namespaces/${this.namespace}/pods`,
        { labelSelector: this.selector() },
        (phase, pod: V1Pod) => {
          const sandboxId = pod.metadata?.labels?.[LABEL.sandbox];
          if (!sandboxId) return;
          const exited = phase === "DELETED" || isFinished(pod) || Boolean(labContainer(pod)?.state?.terminated);
          if (exited) for (const l of this.exitListeners) l(sandboxId);
        },
        () => again(1000),
      );
    } catch {
      // The API is away; the poll loop catches anything missed meanwhile.
      again(5000);
    }
  }

  close(): void {
    this.closed = true;
    this.watch?.abort();
    this.exitListeners.clear();
  }
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function labContainer(pod: V1Pod) {
  return pod.status?.containerStatuses?.find((c) => c.name === LAB_CONTAINER);
}

function isFinished(pod: V1Pod): boolean {
  return pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded";
}

function profileOf(pod: V1Pod): LabProfile {
  return labProfileSchema.catch("sim").parse(pod.metadata?.labels?.[LABEL.profile]);
}

/** The exit code in an exec's closing status: Success is 0, NonZeroExitCode carries it. */
function exitCodeOf(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  if (cause?.message && /^\d+$/.test(cause.message)) return Number(cause.message);
  throw new Error(`the command did not run: ${status.message ?? status.reason ?? "unknown failure"}`);
}

/** A shell's end: its exit code, or -1 when the API says it failed without one. */
function shellExitCode(status: V1Status): number {
  try {
    return exitCodeOf(status);
  } catch {
    return -1;
  }
}

type ExecSocket = Awaited<ReturnType<Exec["exec"]>>;

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const body = typeof error.body === "string" ? (JSON.parse(error.body) as { message?: string }) : (error.body as { message?: string });
      if (body?.message) return body.message;
    } catch {
      // not JSON: the generic message below
    }
  }
  return messageOf(error);
}

/** The first line of an error's message; the WebSocket's errors are events with a message, not Errors. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return (typeof message === "string" ? message : String(error)).split("\n")[0]!;
}
