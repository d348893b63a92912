// kubelab-supervisor on its own, supervising plain host processes from a plan: what it
// does with a process that crashes, a log that floods, requests that are malformed or
// hostile, and its own death. (The cluster it runs in a lab, readiness, reset and the sim
// node's lease and mirror pods, is system.test.ts's: those need a real apiserver.)
// Nothing here is faked: the plan's apiserver is simply absent, so the lab stays
// "starting", which is what a cluster whose apiserver is down looks like.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/support/until";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../../..");
const dir = mkdtempSync(path.join(tmpdir(), "kubelab-supervisor-"));
const runDir = path.join(dir, "run");
const logDir = path.join(dir, "log");
const pki = path.join(dir, "pki");
const LOG_CAP = 200_000;
let bin = "";
const children: ChildProcess[] = [];

interface Component {
  pid: number | null;
  status: string;
  restarts: number;
  lastExitCode: number | null;
  log: string;
}
interface State {
  phase: string;
  ready: boolean;
  supervisorPid: number;
  components: Record<"steady" | "crasher" | "chatty", Component>;
}

const state = (d = runDir): State => JSON.parse(readFileSync(path.join(d, "state.json"), "utf8")) as State;
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
};

function plan(d: string) {
  const sh = (name: string, script: string) => ({ name, argv: ["/bin/sh", "-c", script], dir: d, log: path.join(d, "log", `${name}.log`) });
  return {
    profile: "sim",
    simNode: false,
    readiness: "apiserver",
    node: "minikube",
    nodeIP: "192.168.49.2",
    // Nothing listens here: the supervisor keeps probing, as with an apiserver that is down.
    apiserver: "https://127.0.0.1:9",
    etcd: "https://127.0.0.1:9",
    healthURLs: [],
    runDir: path.join(d, "run"),
    logDir: path.join(d, "log"),
    logMaxBytes: LOG_CAP,
    etcdData: path.join(d, "etcd"),
    pristine: path.join(d, "pristine"),
    manifests: path.join(d, "manifests"),
    pki: { ca: `${pki}/ca.crt`, cert: `${pki}/client.crt`, key: `${pki}/client.key`, etcdCA: `${pki}/ca.crt`, etcdCert: `${pki}/client.crt`, etcdKey: `${pki}/client.key` },
    components: [
      sh("steady", "echo up; exec sleep 1000"),
      sh("crasher", "echo boom; exit 3"),
      // About 1.3 MB a second: the log passes the cap between two of the supervisor's looks.
      sh("chatty", "while :; do head -c 65536 /dev/zero | tr '\\0' x; echo; sleep 0.05; done"),
    ],
    stopOrder: [["chatty", "crasher", "steady"]],
    mirrored: [],
  };
}

function startSupervisor(d: string): ChildProcess {
  mkdirSync(path.join(d, "run"), { recursive: true });
  mkdirSync(path.join(d, "log"), { recursive: true });
  writeFileSync(path.join(d, "run/plan.json"), JSON.stringify(plan(d)));
  const child = spawn(bin, ["run", path.join(d, "run/plan.json")], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.setEncoding("utf8");
  let log = "";
  child.stderr!.on("data", (s: string) => (log += s));
  (child as ChildProcess & { log: () => string }).log = () => log;
  writeFileSync(path.join(d, "run/supervisor.pid"), String(child.pid));
  children.push(child);
  return child;
}

async function control(op: string, d = runDir): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(bin, ["control", d, op], { timeout: 30_000 });
    return { code: 0, out: stdout.trim() };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() };
  }
}

/** `kubelab-supervisor status RUN_DIR [--json]`, whatever its exit code. */
async function status(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: (await run(bin, ["status", ...args])).stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

/** Writes one raw line to the control FIFO, as any root process could, and reads the reply FIFO. */
async function raw(line: string, replyTo: string): Promise<string> {
  const script = `exec {r}<>"$2"; printf '%s\\n' "$1" > "$3"; read -r -t 10 -u $r a; echo "$a"`;
  const { stdout } = await run("bash", ["-c", script, "raw", line, replyTo, path.join(runDir, "control")], { timeout: 30_000 });
  return stdout.trim();
}

beforeAll(async () => {
  const { stdout } = await run("bash", [path.join(root, "sandbox/cluster/build-supervisor.sh")], { maxBuffer: 4 << 20 });
  bin = path.join(stdout.trim().split("\n").at(-1)!, "kubelab-supervisor");
  mkdirSync(pki);
  // A throwaway CA and client certificate: the supervisor loads its credentials at start.
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", `${pki}/ca.key`, "-out", `${pki}/ca.crt`]);
  await run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=test", "-keyout", `${pki}/client.key`, "-out", `${pki}/client.csr`]);
  await run("openssl", ["x509", "-req", "-in", `${pki}/client.csr`, "-CA", `${pki}/ca.crt`, "-CAkey", `${pki}/ca.key`, "-CAcreateserial", "-days", "1", "-out", `${pki}/client.crt`]);
  startSupervisor(dir);
  await waitFor("the supervisor's control FIFO and state", async () => existsSync(path.join(runDir, "control")) && existsSync(path.join(runDir, "state.json")));
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("kubelab-supervisor", () => {
  it("passes its Go tests (what a reset writes back, deletes and leaves alone)", async () => {
    // Go as the set-up finds it: on PATH, or where Go's tarball installs.
    const go = (await run("bash", ["-c", "command -v go || { test -x /usr/local/go/bin/go && echo /usr/local/go/bin/go; }"]).catch(() => ({ stdout: "" }))).stdout.trim();
    if (!go) throw new Error("Go is not installed (not on PATH, not in /usr/local/go/bin): the set-up needs it for the cluster binaries");
    const { stdout } = await run(go, ["test", "-count=1", "-v", "."], {
      cwd: path.join(root, "sandbox/cluster/supervisor"),
      env: { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-mod=mod" },
    });
    expect(stdout).toMatch(/^ok\s+kubelab\.local\/supervisor/m);
    expect(stdout.match(/^--- PASS/gm)?.length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("runs every component of the plan and says so in state.json, in the plan's order", async () => {
    const s = await waitFor("steady running", async () => (state().components.steady.status === "running" ? state() : false));
    expect(Object.keys(s.components)).toEqual(["steady", "crasher", "chatty"]);
    expect(s.phase).toBe("starting");
    expect(s.ready).toBe(false);
    expect(alive(s.components.steady.pid!)).toBe(true);
    expect(readFileSync(path.join(logDir, "steady.log"), "utf8")).toMatch(/=== \S+ kubelab-cluster: starting steady\nup\n/);
  });

  it("restarts a component that crashes, backing off, and records its exit code", async () => {
    const s = await waitFor("crasher restarted twice", async () => (state().components.crasher.restarts >= 2 ? state() : false), { timeoutMs: 30_000 });
    expect(s.components.crasher.lastExitCode).toBe(3);
    const log = readFileSync(path.join(logDir, "crasher.log"), "utf8");
    expect(log.match(/kubelab-cluster: crasher exited with code 3/g)!.length).toBeGreaterThanOrEqual(2);
    // The steady one was left alone.
    expect(state().components.steady.restarts).toBe(0);
  });

  it("keeps a flooding component's log near its cap, the previous part beside it", async () => {
    const logFile = path.join(logDir, "chatty.log");
    await waitFor("chatty's log rotated", async () => existsSync(`${logFile}.1`), { timeoutMs: 30_000 });
    await waitFor("a rotation note at the head of the log", async () => readFileSync(logFile, "utf8").includes("log rotated at"), { timeoutMs: 30_000 });
    // Looked at every 3 s, at ~1.3 MB/s: the cap plus what comes between two looks.
    expect(statSync(logFile).size).toBeLessThan(LOG_CAP + 3 * 1_500_000);
    expect(statSync(`${logFile}.1`).size).toBeLessThan(LOG_CAP + 3 * 1_500_000);
  });

  it("answers ping, refuses an unknown request by name, and writes replies only to a FIFO", async () => {
    expect(await control("ping")).toEqual({ code: 0, out: "starting" });
    const unknown = await control("format-disk");
    expect(unknown.code).not.toBe(0);
    expect(unknown.out).toBe("unknown request 'format-disk'");
    // A request naming a regular file as its reply path: root must not be made to write it.
    const victim = path.join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const fifo = path.join(runDir, "reply.test");
    await run("mkfifo", [fifo]);
    await run("bash", ["-c", `printf 'ping %s\\n' "$1" > "$2"`, "x", victim, path.join(runDir, "control")]);
    expect(await raw(`ping ${fifo}`, fifo)).toBe("ok starting");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("drops a request longer than any request can be, and goes on answering", async () => {
    const fifo = path.join(runDir, "reply.long");
    await run("mkfifo", [fifo]);
    await run("bash", ["-c", `head -c 20000 /dev/zero | tr '\\0' a > "$1"; echo > "$1"`, "x", path.join(runDir, "control")]);
    expect(await raw(`ping ${fifo}`, fifo)).toBe("ok starting");
    expect((await control("ping")).out).toBe("starting");
  });

  it("stops every component on request and reports it stopped", async () => {
    const pids = Object.values(state().components).map((c) => c.pid).filter((p): p is number => p !== null);
    const stop = await control("stop");
    expect(stop.code, stop.out).toBe(0);
    expect(stop.out).toMatch(/^stopped in \d+ ms$/);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    const s = state();
    expect(s.phase).toBe("stopped");
    expect(Object.values(s.components).every((c) => c.status === "stopped" && c.pid === null)).toBe(true);
    expect((await control("stop")).out).toBe("already stopped");
    const shown = await status(runDir);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(/^phase: stopped {3}ready: false/);
  });

  it("takes its components with it when it is killed outright, and its state says absent", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "kubelab-supervisor-kill-"));
    const sup = startSupervisor(d);
    const steady = await waitFor("steady running", async () => state(path.join(d, "run")).components.steady.pid ?? false);
    sup.kill("SIGKILL");
    await waitFor("steady gone with its supervisor", async () => !alive(steady), { timeoutMs: 10_000 });
    const shown = await status(path.join(d, "run"), "--json");
    expect(shown.code).toBe(1);
    expect(JSON.parse(shown.stdout)).toMatchObject({ phase: "absent", ready: false });
  });

  it("shuts down cleanly on SIGTERM: components stopped, FIFO removed, exit code 0", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "kubelab-supervisor-term-"));
    const sup = startSupervisor(d);
    const steady = await waitFor("steady running", async () => state(path.join(d, "run")).components.steady.pid ?? false);
    const exited = new Promise<number | null>((resolve) => sup.on("exit", (code) => resolve(code)));
    sup.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(alive(steady)).toBe(false);
    expect(existsSync(path.join(d, "run/control"))).toBe(false);
    expect(state(path.join(d, "run")).phase).toBe("stopped");
    expect((sup as ChildProcess & { log: () => string }).log()).toMatch(/shutting down/);
  });
});
