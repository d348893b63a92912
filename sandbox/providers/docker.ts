// Labs as Docker containers of the lab image, through dockerode. Every container carries
// labels (managed, installation, sandbox id, profile, version), so list, reconcile and cull
// are one label query, and a second start with the same sandbox id adopts the container.
import { setTimeout as sleep } from "node:timers/promises";
import { PassThrough, type Duplex } from "node:stream";
import Docker from "dockerode";
import { labContainerOptions, LAB_DEFAULTS, NODE_LAB_DEFAULTS } from "./docker-lab-options";
import {
  ExecOutputLimitError, type ExecOptions, type ExecResult, type FoundLab, graderEnv, LAB_GRADER, LABEL, type LabHealth, type Provider,
  type ProviderState, providerStateSchema, type StartRequest, type Tty, EngineUnreachableError, type LabProfile,
  labProfileSchema, type ProfileRefusal, ProfileUnavailableError,
} from "./types";

export interface DockerProviderOptions {
  installationId: string;
  version: string;
  image?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /**
   * Profile `node` (real pods). Off unless the operator opts in (KUBELAB_NODE_LABS): its lab
   * containers hold SYS_ADMIN, NET_ADMIN and SYS_PTRACE without seccomp, so root inside one
   * is close to root on the host (README "Profile node").
   */
  node?: { enabled: boolean; image?: string; memoryBytes?: number; pidsLimit?: number };
  docker?: Docker;
}

const READY_FILE = "/run/kubelab/ready";

export class DockerProvider implements Provider {
  readonly kind = "docker" as const;
  readonly description: string;
  private readonly docker: Docker;
  private readonly image: string;
  private exitListeners = new Set<(sandboxId: string) => void>();
  private events?: NodeJS.ReadableStream;

  constructor(private readonly options: DockerProviderOptions) {
    this.docker = options.docker ?? new Docker();
    this.image = options.image ?? LAB_DEFAULTS.image;
    this.description = `docker (${this.image}): isolated containers with no network and resource limits`;
  }

  private labelFilters(extra: string[] = []): string[] {
    return [`${LABEL.managed}=true`, `${LABEL.installation}=${this.options.installationId}`, ...extra];
  }

  async ping(): Promise<{ ok: boolean; detail?: string }> {
    const engine = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
    try {
      await this.docker.ping();
    } catch (error) {
      return { ok: false, detail: `no Docker engine answers at ${engine} (${messageOf(error)})` };
    }
    try {
      await this.docker.getImage(this.image).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return { ok: false, detail: `the lab image ${this.image} is missing; build it with \`bash sandbox/image/build.sh\`` };
      return { ok: false, detail: `the Docker engine at ${engine} failed to describe the lab image ${this.image} (${messageOf(error)})` };
    }
    return { ok: true };
  }

  private imageOf(profile: LabProfile): string {
    return profile === "node" ? (this.options.node?.image ?? NODE_LAB_DEFAULTS.image) : this.image;
  }

  profileRefusal(profile: LabProfile): ProfileRefusal | null {
    if (profile !== "node" || this.options.node?.enabled) return null;
    const message =
      "node labs (real pods) are off: their containers need SYS_ADMIN, NET_ADMIN and SYS_PTRACE without seccomp, " +
      "so root inside a lab is close to root on this host. Set KUBELAB_NODE_LABS=unsafe-sys-admin to accept that " +
      "(see README, Profile node), or run labs under a runtime that contains it.";
    return { code: "node-labs-off", message };
  }

  async start(req: StartRequest): Promise<ProviderState> {
    const refusal = this.profileRefusal(req.profile);
    if (refusal) throw new ProfileUnavailableError(refusal);
    const existing = await this.docker.listContainers({ all: true, filters: { label: this.labelFilters([`${LABEL.sandbox}=${req.sandboxId}`]) } });
    if (existing[0]) {
      const container = this.docker.getContainer(existing[0].Id);
      if (existing[0].State !== "running") await container.start().catch(ignoreAlreadyStarted);
      const profile = labProfileSchema.catch("sim").parse(existing[0].Labels[LABEL.profile]);
      return this.stateOf(existing[0].Id, existing[0].Names[0]?.replace(/^\//, "") ?? req.sandboxId, profile);
    }
    const name = `kubelab-${this.options.installationId}-${req.sandboxId}`;
    const container = await this.docker.createContainer(
      labContainerOptions({
        name,
        profile: req.profile,
        image: this.imageOf(req.profile),
        memoryBytes: req.profile === "node" ? this.options.node?.memoryBytes : this.options.memoryBytes,
        nanoCpus: this.options.nanoCpus,
        pidsLimit: req.profile === "node" ? this.options.node?.pidsLimit : this.options.pidsLimit,
        labels: {
          [LABEL.managed]: "true",
          [LABEL.installation]: this.options.installationId,
          [LABEL.sandbox]: req.sandboxId,
          // Owner at creation; a pooled lab is claimed later, which the database records
          // (Docker labels cannot change after create).
          [LABEL.owner]: req.ownerId ?? "pool",
          [LABEL.profile]: req.profile,
          [LABEL.version]: this.options.version,
        },
      }),
    );
    await container.start();
    return this.stateOf(container.id, name, req.profile);
  }

  private stateOf(id: string, name: string, profile: LabProfile): ProviderState {
    return { kind: "docker", ref: id, name, profile, image: this.imageOf(profile), version: this.options.version };
  }

  async waitReady(state: ProviderState, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const health = await this.poll(state);
      if (health !== "running") throw new Error(`lab container ${state.name} is ${health}`);
      const probe = await this.exec(state, ["test", "-e", READY_FILE], { user: "root", timeoutMs: 5000 }).catch(() => null);
      if (probe?.exitCode === 0) return;
      await sleep(100);
    }
    throw new Error(`lab ${state.name} was not ready within ${timeoutMs} ms`);
  }

  async stop(state: ProviderState): Promise<void> {
    const container = this.docker.getContainer(state.ref);
    try {
      await container.remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async poll(state: ProviderState): Promise<LabHealth> {
    try {
      const info = await this.docker.getContainer(state.ref).inspect();
      // An engine restarting a container by its policy reports it Running too; it is not up yet.
      return info.State.Restarting ? "restarting" : info.State.Running ? "running" : "stopped";
    } catch (error) {
      if (statusOf(error) === 404) return "missing";
      throw error;
    }
  }

  async exec(state: ProviderState, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.docker.getContainer(state.ref);
    const user = options.user ?? "learner";
    // The grader runs under its own uid with an environment fixed here (see graderEnv).
    const env = user === "grader" ? { ...(options.env ?? {}), ...graderEnv(LAB_GRADER) } : (options.env ?? {});
    const exec = await container.exec({
      Cmd: cmd,
      User: user === "grader" ? LAB_GRADER.user : user,
      WorkingDir: user === "root" ? "/" : user === "grader" ? LAB_GRADER.home : "/home/learner",
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: options.stdin !== undefined,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Output is bounded in bytes when asked (the grader reads cluster contents the learner
    // controls): past the cap the stream is dropped and nothing more is kept in memory.
    const limit = options.maxOutputBytes ?? Infinity;
    let received = 0;
    let overLimit: (() => void) | undefined;
    const keep = (into: Buffer[]) => (c: Buffer) => {
      received += c.length;
      if (received > limit) return overLimit?.();
      into.push(c);
    };
    stdout.on("data", keep(out));
    stderr.on("data", keep(err));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    if (options.stdin !== undefined) stream.end(options.stdin);
    const timeoutMs = options.timeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      overLimit = () => {
        clearTimeout(timer);
        out.length = 0;
        err.length = 0;
        stream.destroy();
        reject(new ExecOutputLimitError(limit));
      };
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`exec timed out after ${timeoutMs} ms: ${cmd.join(" ")}`));
      }, timeoutMs);
      stream.on("end", () => (clearTimeout(timer), resolve()));
      stream.on("close", () => (clearTimeout(timer), resolve()));
      stream.on("error", (e) => (clearTimeout(timer), reject(e)));
    });
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
  }

  async attach(state: ProviderState, size: { cols: number; rows: number }, env: Record<string, string> = {}): Promise<Tty> {
    try {
      return await this.attachShell(state, size, env);
    } catch (error) {
      if (engineAway(error)) throw new EngineUnreachableError(`the Docker engine does not answer (${messageOf(error)})`);
      throw error;
    }
  }

  private async attachShell(state: ProviderState, size: { cols: number; rows: number }, env: Record<string, string>): Promise<Tty> {
    const container = this.docker.getContainer(state.ref);
    const exec = await container.exec({
      Cmd: ["bash", "-l"],
      User: "learner",
      WorkingDir: "/home/learner",
      Env: Object.entries({ TERM: "xterm-256color", ...env }).map(([k, v]) => `${k}=${v}`),
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    await exec.resize({ h: size.rows, w: size.cols }).catch(() => undefined);
    let exited = false;
    const exitListeners: Array<(code: number | null) => void> = [];
    const finish = async () => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l(await shellExitCode(exec));
    };
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
    return {
      // The stream to dockerd buffers whatever the shell has not taken yet; the bridge reads
      // this to refuse input beyond its cap instead of queueing it without bound.
      write: (data) => void stream.write(data),
      pendingInput: () => stream.writableLength,
      resize: async (cols, rows) => {
        await exec.resize({ h: rows, w: cols }).catch(() => undefined);
      },
      onData: (listener) => void stream.on("data", (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))),
      onExit: (listener) => void exitListeners.push(listener),
      pause: () => void stream.pause(),
      resume: () => void stream.resume(),
      close: () => stream.destroy(),
    };
  }

  async reset(state: ProviderState): Promise<void> {
    const result = await this.exec(state, ["kubelab-cluster", "reset"], { user: "root", timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`reset failed (${result.exitCode}): ${(result.stderr || result.stdout).trim()}`);
  }

  async list(): Promise<FoundLab[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: this.labelFilters() } });
    return containers.flatMap((c) => {
      const sandboxId = c.Labels[LABEL.sandbox];
      if (!sandboxId) return [];
      const state = providerStateSchema.parse({
        kind: "docker",
        ref: c.Id,
        name: c.Names[0]?.replace(/^\//, "") ?? sandboxId,
        profile: labProfileSchema.catch("sim").parse(c.Labels[LABEL.profile]),
        image: c.Image,
        version: c.Labels[LABEL.version] ?? "unknown",
      });
      return [{ sandboxId, state, running: c.State === "running", createdAt: new Date(c.Created * 1000) }];
    });
  }

  async memoryBytes(state: ProviderState): Promise<number | null> {
    try {
      const stats = await this.docker.getContainer(state.ref).stats({ stream: false });
      return stats.memory_stats?.usage ?? null;
    } catch {
      return null;
    }
  }

  onLabExit(listener: (sandboxId: string) => void): () => void {
    this.exitListeners.add(listener);
    if (!this.events) void this.watchEvents();
    return () => this.exitListeners.delete(listener);
  }

  /** One event stream for all labs: a container that dies is reported at once, not at the next poll. */
  private async watchEvents(): Promise<void> {
    try {
      const events = await this.docker.getEvents({ filters: { type: ["container"], event: ["die", "destroy"], label: this.labelFilters() } });
      this.events = events;
      let buffer = "";
      events.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          try {
            const event = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
            const sandboxId = event.Actor?.Attributes?.[LABEL.sandbox];
            if (sandboxId) for (const l of this.exitListeners) l(sandboxId);
          } catch {
            // A partial or foreign line; the poll loop catches anything missed.
          }
        }
      });
      events.on("end", () => {
        this.events = undefined;
        if (this.exitListeners.size) setTimeout(() => void this.watchEvents(), 1000).unref();
      });
    } catch {
      this.events = undefined;
      if (this.exitListeners.size) setTimeout(() => void this.watchEvents(), 5000).unref();
    }
  }

  close(): void {
    (this.events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    this.exitListeners.clear();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/**
 * How a shell's stream ended: the shell's exit code, or null when the engine cannot say the
 * shell exited (it is away, as in a dockerd restart, or the shell still runs): then only the
 * connection was lost, and a new one may find the lab again.
 */
async function shellExitCode(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const info = await exec.inspect().catch(() => null);
    if (!info) return null;
    if (!info.Running) return info.ExitCode ?? 0;
    await sleep(200);
  }
  return null;
}

/** A failure to reach the engine at all (stopped, restarting), as opposed to an answer that says no. */
function engineAway(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.statusCode !== undefined) return e.statusCode >= 500 && /starting|shutting down|not running/i.test(e.message ?? "");
  return ["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(e.code ?? "") || /socket hang up/i.test(e.message ?? "");
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

function ignoreAlreadyStarted(error: unknown): void {
  if (statusOf(error) !== 304) throw error;
}

