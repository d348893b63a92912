// One real lab for a test file: a container of the built lab image, created with exactly the
// isolation options the docker provider uses (sandbox/providers/docker-lab-options.ts), and
// commands run in it the way a learner's terminal runs them (`docker exec -u learner`).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { labContainerOptions, LAB_DEFAULTS, type LabContainerSpec } from "../../../sandbox/providers/docker-lab-options";
import { waitFor } from "../../support/until";

export const LAB_IMAGE = process.env.KUBELAB_LAB_IMAGE ?? LAB_DEFAULTS.image;
/** Every lab a test creates carries this label, so a crashed run's leftovers can be found. */
export const TEST_LABEL = "org.kubelab.test";

const SETUP_DOCKER = "sudo bash sandbox/host/ensure-docker.sh";
const SETUP_IMAGE = "bash sandbox/image/build.sh";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** learner (default) or root. */
  user?: "learner" | "root";
  /** Upper bound for the command; it is killed after that and the result says so. */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
}

function run(file: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 120_000, killSignal: "SIGKILL", maxBuffer: 32 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          if (e.killed) code = 124;
          else if (typeof e.code === "number") code = e.code;
          else code = 127;
          if (e.killed) stderr += `\n[lab.ts] killed after ${opts.timeoutMs ?? 120_000} ms`;
          else if (typeof e.code === "string") stderr += `\n[lab.ts] ${e.message}`;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

let dockerClient: Docker | undefined;
export function docker(): Docker {
  dockerClient ??= new Docker();
  return dockerClient;
}

/**
 * Fails (never skips) with what is missing and which set-up command provides it.
 */
export async function preflight(image = LAB_IMAGE): Promise<void> {
  const version = await run("docker", ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 20_000 });
  if (version.code !== 0) {
    throw new Error(
      `No Docker engine answers (docker version: ${(version.stderr || version.stdout).trim().split("\n")[0]}). ` +
        `The cluster integration tests need one: run \`${SETUP_DOCKER}\` (installs docker.io and starts dockerd).`,
    );
  }
  try {
    await docker().getImage(image).inspect();
  } catch {
    throw new Error(`The lab image ${image} is missing. Build it with \`${SETUP_IMAGE}\` (about 2 minutes once the cluster binaries are built).`);
  }
}

export interface StartOptions extends Partial<Omit<LabContainerSpec, "name">> {
  /** Wait until the cluster inside reports ready (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

export class Lab {
  private constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  /** Creates and starts a lab; with waitReady, resolves once the learner's kubectl can use the node. */
  static async start(opts: StartOptions = {}): Promise<Lab> {
    await preflight(opts.image ?? LAB_IMAGE);
    const name = `kubelab-test-${randomBytes(4).toString("hex")}`;
    const options = labContainerOptions({
      name,
      profile: opts.profile,
      image: opts.image ?? LAB_IMAGE,
      labels: { [TEST_LABEL]: "1", ...(opts.labels ?? {}) },
      memoryBytes: opts.memoryBytes,
      nanoCpus: opts.nanoCpus,
      pidsLimit: opts.pidsLimit,
      env: opts.env,
    });
    const container = await docker().createContainer(options);
    const lab = new Lab(container.id, name);
    try {
      await container.start();
      if (opts.waitReady ?? true) await lab.waitReady(opts.readyTimeoutMs);
    } catch (err) {
      const logs = await lab.diagnostics();
      await lab.remove();
      throw new Error(`${(err as Error).message}\n--- lab diagnostics ---\n${logs}`);
    }
    return lab;
  }

  /** Polls until /run/kubelab/ready exists and the node is Ready for the learner. */
  async waitReady(timeoutMs = 180_000): Promise<void> {
    await this.waitFor(
      "the cluster to become ready (/run/kubelab/ready and node minikube Ready)",
      async () => {
        const r = await this.sh(
          "test -e /run/kubelab/ready && kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'",
          { timeoutMs: 15_000 },
        );
        return r.code === 0 && r.stdout.trim() === "True";
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /** Runs a bash command line in a login shell, as the learner unless told otherwise. */
  sh(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const user = opts.user ?? "learner";
    const args = ["exec"];
    if (opts.input !== undefined) args.push("-i");
    args.push("-u", user, "-w", user === "learner" ? "/home/learner" : "/");
    for (const [k, v] of Object.entries(opts.env ?? {})) args.push("-e", `${k}=${v}`);
    args.push(this.id, "bash", "-lc", command);
    return run("docker", args, { timeoutMs: opts.timeoutMs ?? 120_000, input: opts.input });
  }

  /** Like sh, but a non-zero exit is an error that shows the command and its output. */
  async ok(command: string, opts: ExecOptions = {}): Promise<string> {
    const r = await this.sh(command, opts);
    if (r.code !== 0) {
      throw new Error(`\`${command}\` exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r.stdout;
  }

  /** `kubectl ... -o json` as the learner, parsed. */
  async json<T = any>(kubectlArgs: string): Promise<T> {
    return JSON.parse(await this.ok(`kubectl ${kubectlArgs} -o json`)) as T;
  }

  /** Polls until `check` answers (test/support/until.ts). */
  waitFor<T>(what: string, check: () => Promise<T | false | undefined | null>, options?: { timeoutMs?: number; intervalMs?: number }): Promise<T> {
    return waitFor(what, check, options);
  }

  inspect(): Promise<Docker.ContainerInspectInfo> {
    return docker().getContainer(this.id).inspect();
  }

  /** Supervisor and component logs, for failure messages. */
  async diagnostics(): Promise<string> {
    const logs = await run("docker", ["logs", "--tail", "60", this.id], { timeoutMs: 10_000 });
    const state = await run("docker", ["exec", this.id, "sh", "-c", "cat /run/kubelab/state.json; tail -n 20 /var/log/kubelab/*.log"], {
      timeoutMs: 10_000,
    });
    return [logs.stdout, logs.stderr, state.stdout, state.stderr].filter(Boolean).join("\n");
  }

  async remove(): Promise<void> {
    try {
      await docker().getContainer(this.id).remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
}
