// Labs as plain host processes: the same cluster runtime (sandbox/cluster/lab) started
// with node-pty shells on this machine. For one person on a machine without Docker. It is
// NOT isolated: the learner's shell runs as the server's user and can see the host (its files,
// its processes). So it is only ever an explicit choice (KUBELAB_PROVIDER=local, never picked
// by auto), the server then listens on loopback only (app/_lib/lab/create-runtime.ts), and the lab's processes
// get an allow-listed environment rather than the server's secrets.
// The grader here runs as that same user too: it has a kubeconfig of its own
// (<lab>/grader-kubeconfig) and a fixed environment, but a learner who wanted to could
// rewrite it, so a local lab's grades are only as trustworthy as its one user.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import * as pty from "node-pty";
import { ExecOutputLimitError, type ExecOptions, type ExecResult, type FoundLab, graderEnv, type LabHealth, type LabProfile, type ProfileRefusal, type Provider, type ProviderState, type StartRequest, type Tty, ProfileUnavailableError } from "./types";

const run = promisify(execFile);

/** What a shell needs from the server's environment to work like the person's own terminal. */
const ALLOWED_ENV = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR", "COLORTERM"];

export function allowedEnv(source: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && (ALLOWED_ENV.includes(k) || k.startsWith("LC_"))) env[k] = v;
  }
  return env;
}

export interface LocalProviderOptions {
  version: string;
  /** Where each lab's state, logs and kubeconfig live. */
  baseDir?: string;
  root?: string;
}

export class LocalProvider implements Provider {
  readonly kind = "local" as const;
  readonly description = "local processes on this host: NOT isolated, for a single learner without Docker";
  private readonly root: string;
  private readonly baseDir: string;
  private readonly children = new Map<string, ChildProcess>();
  private readonly exitListeners = new Set<(sandboxId: string) => void>();
  private binDir?: string;
  private supervisor?: string;

  constructor(private readonly options: LocalProviderOptions) {
    this.root = options.root ?? process.cwd();
    this.baseDir = options.baseDir ?? path.join(this.root, "data/local-labs");
  }

  private script(): string {
    return path.join(this.root, "sandbox/cluster/lab/kubelab-cluster");
  }

  private async bins(): Promise<string> {
    if (!this.binDir) {
      const { stdout } = await run("bash", [path.join(this.root, "sandbox/cluster/build-binaries.sh")], { maxBuffer: 16 * 1024 * 1024 });
      this.binDir = stdout.trim().split("\n").at(-1)!;
      const sup = await run("bash", [path.join(this.root, "sandbox/cluster/build-supervisor.sh")], { maxBuffer: 16 * 1024 * 1024 });
      this.supervisor = path.join(sup.stdout.trim().split("\n").at(-1)!, "kubelab-supervisor");
    }
    return this.binDir;
  }

  /**
   * The lab's environment: an allow-list of the server's, never all of it. The server's own
   * environment holds KUBELAB_SECRET, the admin password and DATABASE_URL; a shell that
   * inherited it would hand them to the learner.
   */
  private envFor(dir: string, bin: string): NodeJS.ProcessEnv {
    return {
      ...allowedEnv(process.env),
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      KUBELAB_BIN_DIR: bin,
      KUBELAB_SUPERVISOR: this.supervisor,
      KUBELAB_STATE_DIR: path.join(dir, "state"),
      KUBELAB_RUN_DIR: path.join(dir, "run"),
      KUBELAB_LOG_DIR: path.join(dir, "log"),
      KUBELAB_USER: process.env.USER ?? "root",
      KUBELAB_EDIT_HOSTS: "0",
      KUBELAB_LEARNER_KUBECONFIG: path.join(dir, "kubeconfig"),
      KUBELAB_GRADER_KUBECONFIG: path.join(dir, "grader-kubeconfig"),
      KUBECONFIG: path.join(dir, "kubeconfig"),
      // (NODE_ENV, which Next's types require here, is deliberately not passed on.)
    } as unknown as NodeJS.ProcessEnv;
  }

  async ping(): Promise<{ ok: boolean; detail?: string }> {
    return existsSync(this.script()) ? { ok: true, detail: "not isolated" } : { ok: false, detail: `missing ${this.script()}` };
  }

  profileRefusal(profile: LabProfile): ProfileRefusal | null {
    if (profile === "sim") return null;
    return { code: "local-sim-only", message: "the local provider runs only sim labs: a node lab needs a container runtime of its own (use KUBELAB_PROVIDER=docker)" };
  }

  async start(req: StartRequest): Promise<ProviderState> {
    const refusal = this.profileRefusal(req.profile);
    if (refusal) throw new ProfileUnavailableError(refusal);
    const existing = (await this.list()).find((l) => l.sandboxId === req.sandboxId && l.running);
    if (existing) return existing.state;
    const dir = path.join(this.baseDir, req.sandboxId);
    mkdirSync(dir, { recursive: true });
    const bin = await this.bins();
    const env = this.envFor(dir, bin);
    if (!existsSync(path.join(dir, "state"))) {
      await run("bash", [this.script(), "init", "--learner-kubeconfig", path.join(dir, "kubeconfig")], { env, maxBuffer: 16 * 1024 * 1024 });
    }
    const child = spawn("bash", [this.script(), "run"], { env, detached: true, stdio: ["ignore", "ignore", "ignore"] });
    child.unref();
    this.children.set(req.sandboxId, child);
    child.on("exit", () => {
      this.children.delete(req.sandboxId);
      for (const l of this.exitListeners) l(req.sandboxId);
    });
    const state: ProviderState = { kind: "local", ref: String(child.pid), name: `local-${req.sandboxId}`, profile: "sim", version: this.options.version, dir };
    writeFileSync(path.join(dir, "provider.json"), JSON.stringify({ sandboxId: req.sandboxId, state, createdAt: new Date().toISOString() }));
    return state;
  }

  async waitReady(state: ProviderState, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.poll(state)) !== "running") throw new Error(`local lab ${state.name} exited`);
      if (existsSync(path.join(state.dir!, "run/ready"))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`local lab ${state.name} was not ready within ${timeoutMs} ms`);
  }

  /** Asks the supervisor to shut the cluster down cleanly, and waits: the ports must be free again. */
  async stop(state: ProviderState): Promise<void> {
    const group = -Number(state.ref);
    const alive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(group, "SIGTERM");
    const deadline = Date.now() + 20_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive()) process.kill(group, "SIGKILL");
    rmSync(path.join(state.dir!, "provider.json"), { force: true });
  }

  async poll(state: ProviderState): Promise<LabHealth> {
    if (!state.dir || !existsSync(path.join(state.dir, "provider.json"))) return "missing";
    try {
      process.kill(Number(state.ref), 0);
      return "running";
    } catch {
      return "stopped";
    }
  }

  async exec(state: ProviderState, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const bin = await this.bins();
    let env: NodeJS.ProcessEnv = { ...this.envFor(state.dir!, bin), ...options.env };
    if (options.user === "grader") {
      const home = path.join(state.dir!, "grader");
      mkdirSync(path.join(home, "tmp"), { recursive: true, mode: 0o700 });
      env = { ...env, ...graderEnv({ home, kubeconfig: path.join(state.dir!, "grader-kubeconfig"), learnerHome: process.env.HOME ?? home, path: `${bin}:/usr/local/bin:/usr/bin:/bin` }) };
    }
    // The grader names the lab image's binaries by absolute path (/usr/local/bin/kubectl);
    // here they are this lab's binary directory.
    const argv = cmd.map((a) => (a.startsWith("/usr/local/bin/") && existsSync(path.join(bin, path.basename(a))) ? path.join(bin, path.basename(a)) : a));
    const maxBuffer = options.maxOutputBytes ?? 64 * 1024 * 1024;
    try {
      const { stdout, stderr } = await run(argv[0]!, argv.slice(1), { env, timeout: options.timeoutMs ?? 30_000, maxBuffer });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") throw new ExecOutputLimitError(maxBuffer);
      const e = error as { code?: number | string; stdout?: string; stderr?: string };
      return { exitCode: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(error) };
    }
  }

  async attach(state: ProviderState, size: { cols: number; rows: number }, env: Record<string, string> = {}): Promise<Tty> {
    const shell = pty.spawn("bash", ["-l"], {
      name: "xterm-256color",
      cols: size.cols,
      rows: size.rows,
      cwd: process.env.HOME ?? state.dir!,
      env: { ...this.envFor(state.dir!, await this.bins()), ...env } as Record<string, string>,
    });
    const encoder = new TextEncoder();
    return {
      write: (data) => shell.write(typeof data === "string" ? data : Buffer.from(data)),
      pendingInput: () => queuedInput(shell),
      resize: async (cols, rows) => shell.resize(cols, rows),
      onData: (listener) => void shell.onData((d) => listener(encoder.encode(d))),
      onExit: (listener) => void shell.onExit(({ exitCode }) => listener(exitCode)),
      pause: () => shell.pause(),
      resume: () => shell.resume(),
      close: () => shell.kill(),
    };
  }

  async reset(state: ProviderState): Promise<void> {
    const result = await this.exec(state, ["bash", this.script(), "reset"], { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`reset failed: ${result.stderr.trim()}`);
  }

  async list(): Promise<FoundLab[]> {
    if (!existsSync(this.baseDir)) return [];
    const found: FoundLab[] = [];
    for (const id of readdirSync(this.baseDir)) {
      const file = path.join(this.baseDir, id, "provider.json");
      if (!existsSync(file)) continue;
      const record = JSON.parse(readFileSync(file, "utf8")) as { sandboxId: string; state: ProviderState; createdAt: string };
      found.push({ sandboxId: record.sandboxId, state: record.state, running: (await this.poll(record.state)) === "running", createdAt: new Date(record.createdAt) });
    }
    return found;
  }

  async memoryBytes(): Promise<number | null> {
    return null;
  }

  onLabExit(listener: (sandboxId: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }
}

/** node-pty queues writes the pty cannot take yet in a private queue; its size is what the shell has not read. */
function queuedInput(shell: unknown): number {
  const queue = (shell as { _writeStream?: { _writeQueue?: Array<{ buffer: Uint8Array; offset: number }> } })._writeStream?._writeQueue ?? [];
  return queue.reduce((sum, task) => sum + task.buffer.byteLength - task.offset, 0);
}
