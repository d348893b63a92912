// Starts the real kubelab server (server.ts, production build) on a free loopback port
// with its own database, for end-to-end tests and benchmarks.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { LABEL } from "../../sandbox/providers/types";

export interface RunningServer {
  baseURL: string;
  /** The server's process group (tsx and the node process it runs), for CPU accounting in benchmarks. */
  processGroup: number;
  dataDir: string;
  /** What the server printed to its console so far (with `captureOutput`), as an operator reads it. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * The server runs in a process group of its own, so a test run that is killed (Ctrl-C, a CI
 * timeout) never reaches its teardown and would leave the server and its warm labs running.
 * A detached shell waits for this test process to go, then kills the server's group and
 * removes the labs of the server's installation (when it has one of its own). A normal stop
 * kills the watchdog first.
 */
function startWatchdog(serverGroup: number, installation: string | undefined): ChildProcess {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 2; done',
    'kill -KILL -- "-$2" 2>/dev/null',
    '[ -z "$3" ] || docker ps -aq --filter "label=$3" | xargs -r docker rm -f >/dev/null 2>&1',
    "true",
  ].join("; ");
  const labels = installation ? `${LABEL.installation}=${installation}` : "";
  const watchdog = spawn("bash", ["-c", script, "kubelab-test-watchdog", String(process.pid), String(serverGroup), labels], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog;
}

export interface StartOptions {
  /** Reuse a port and a data directory: the same server again, as after a restart. */
  port?: number;
  dataDir?: string;
  /** Collect the server's stdout (still passed through to this process's). */
  captureOutput?: boolean;
}

export async function startServer(extraEnv: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) {
    throw new Error("No production build found (.next/BUILD_ID). `npm test` builds it; or run `npm run build` first.");
  }
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "kubelab-e2e-"));
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dataDir, "kubelab.db")}`,
      KUBELAB_LESSON_CACHE_DIR: path.join(dataDir, "cache"),
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", options.captureOutput ? "pipe" : "inherit", "inherit"],
    // Its own process group: tsx runs the server as a child process, and stopping must reach both.
    detached: true,
  });
  const watchdog = startWatchdog(child.pid!, extraEnv.KUBELAB_INSTALLATION_ID);
  let printed = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
    process.stdout.write(chunk);
  });
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`kubelab server exited with code ${exited} before answering`);
    try {
      // 503 still means "answering": health reports a missing lab image that way.
      const res = await fetch(`${baseURL}/api/health`);
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) throw new Error("kubelab server did not answer /api/health within 60 s");
  return {
    baseURL,
    processGroup: child.pid!,
    dataDir,
    output: () => printed,
    stop: () =>
      new Promise<void>((resolve) => {
        watchdog.kill("SIGKILL");
        if (child.exitCode !== null) return resolve();
        const group = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        child.once("exit", () => {
          group("SIGKILL"); // nothing of the group may outlive tsx
          resolve();
        });
        group("SIGTERM");
        setTimeout(() => group("SIGKILL"), 8000).unref();
      }),
  };
}

/** Whether this server runs the warm pool, culler and reconcile now (one of several does), as its health says. */
export async function leads(server: RunningServer): Promise<boolean | undefined> {
  const health = (await (await fetch(`${server.baseURL}/api/health`)).json()) as { labs: { leader?: boolean } | null };
  return health.labs?.leader;
}
