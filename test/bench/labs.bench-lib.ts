// Measurements of labs and terminals on the real stack: the sandbox manager and the Docker
// provider with real lab containers, the terminal bridge behind a loopback HTTP server with
// real tokens and sessions, and ttyd built from Debian's source package for comparison.
// Each function returns raw samples and a note on how they were taken; summarising and
// printing is the runner's job (test/bench/run.ts). Everything a function starts
// (containers, servers, worker threads, ttyd, temporary databases) is removed before it
// returns, also when it fails or the process is interrupted.
//
// By hand: npx tsx test/bench/labs.bench-lib.ts --smoke    (tiny sample counts)
//          npx tsx test/bench/labs.bench-lib.ts --full     (warm 10, cold 5, 200 keys per terminal, 3 runs)
//          ... --only warm,cold,echo1,echo40,throughput    (a subset)
//          ... --runs=N                                     (throughput runs per server)
import { setTimeout as sleep } from "node:timers/promises";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type Docker from "dockerode";
import pino from "pino";
import { createAnonymousSession, cookieFrom, findSessionUser, SESSION_COOKIE } from "@/app/_lib/auth/session-core";
import type { PrismaClient } from "@/prisma/generated/client";
import { LabManager, type ManagerConfig } from "@/sandbox/manager/manager";
import type { LabView } from "@/sandbox/manager/view";
import { DockerProvider } from "@/sandbox/providers/docker";
import { NODE_LAB_DEFAULTS } from "@/sandbox/providers/docker-lab-options";
import { LABEL, type LabProfile, type Provider, type ProviderState } from "@/sandbox/providers/types";
import { TerminalBridge } from "@/sandbox/terminal/bridge";
import { Op } from "@/sandbox/terminal/protocol";
import { signTerminalToken, verifyTerminalToken } from "@/sandbox/terminal/token";
import { freshDatabase } from "../support/database";
import { LAB_IMAGE, requireDockerAndImage } from "../support/docker";

const here = path.dirname(fileURLToPath(import.meta.url));
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
const MiB_ = 1024 * 1024;
/** The node lab image, as the tests name it (test/support/node-lab.ts, which needs Vitest). */
const NODE_LAB_IMAGE = process.env.KUBELAB_NODE_LAB_IMAGE ?? NODE_LAB_DEFAULTS.image;

export interface Samples {
  samples: number[];
  note: string;
}

// ---- clean-up that also runs on Ctrl-C -------------------------------------------------------

const pendingCleanups = new Set<() => Promise<void>>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: removing what the benchmark started…\n`);
      void Promise.allSettled([...pendingCleanups].map((c) => c())).then(() => process.exit(130));
    });
  }
}

/** Runs fn with a stack of clean-ups that are undone in reverse order, whatever happens. */
export async function withCleanup<T>(fn: (defer: (c: () => unknown) => void) => Promise<T>): Promise<T> {
  hookSignals();
  const stack: Array<() => unknown> = [];
  let done = false;
  const unwind = async () => {
    if (done) return;
    done = true;
    for (const c of stack.reverse()) {
      try {
        await c();
      } catch (error) {
        process.stderr.write(`[bench] clean-up step failed: ${(error as Error).message}\n`);
      }
    }
  };
  pendingCleanups.add(unwind);
  try {
    return await fn((c) => void stack.push(c));
  } finally {
    await unwind();
    pendingCleanups.delete(unwind);
  }
}

// ---- a private set of labs: own installation id, database and provider ------------------------

interface LabEnv {
  docker: Docker;
  db: PrismaClient;
  provider: DockerProvider;
  installationId: string;
  version: string;
}

/** What the lab manager's measurements need: any provider (the kubernetes bench brings its own) and a database. */
export interface ManagedEnv {
  db: PrismaClient;
  provider: Provider;
  version: string;
  /** Says which provider in the notes. */
  providerName?: string;
}
/** Makes the environment a measurement runs in; what it starts is undone through `defer`. */
export type EnvFactory = (defer: (c: () => unknown) => void, profile: LabProfile) => Promise<ManagedEnv>;

async function labEnv(defer: (c: () => unknown) => void, profile: LabProfile = "sim"): Promise<LabEnv> {
  const docker = await requireDockerAndImage();
  const installationId = `bench${randomBytes(4).toString("hex")}`;
  const version = "bench";
  const { db, file } = freshDatabase();
  defer(() => rmSync(path.dirname(file), { recursive: true, force: true }));
  defer(() => db.$disconnect());
  const provider = new DockerProvider({ installationId, version, image: LAB_IMAGE, node: profile === "node" ? { enabled: true, image: NODE_LAB_IMAGE } : undefined });
  // Registered before anything is started, so a failure half-way still removes every
  // container that carries this installation's label.
  defer(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  });
  defer(() => provider.close());
  return { docker, db, provider, installationId, version };
}

/** Polls `kubectl get nodes` as the learner until it lists the node; returns the attempts. */
async function kubectlAnswers(provider: Provider, state: ProviderState, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const r = await provider.exec(state, ["kubectl", "get", "nodes"], { timeoutMs: 15_000 }).catch(() => null);
    if (r?.exitCode === 0 && r.stdout.includes("minikube")) return attempt;
    if (Date.now() > deadline) throw new Error(`kubectl get nodes did not answer within ${timeoutMs} ms: ${r?.stderr ?? "exec failed"}`);
    await sleep(50);
  }
}

/** The learner's view once it matches, woken by the manager's change events with a poll as backstop. */
async function waitView(manager: LabManager, userId: string, ok: (v: LabView) => boolean, timeoutMs: number): Promise<LabView> {
  let wake: () => void = () => {};
  const off = manager.subscribe(userId, () => wake());
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await manager.view(userId);
      if (ok(v)) return v;
      if (v.state === "ended" || Date.now() > deadline) throw new Error(`lab never became ready: ${JSON.stringify(v)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        wake = () => (clearTimeout(t), r());
      });
    }
  } finally {
    off();
  }
}

/**
 * A manager for the benchmark, closed on clean-up only once no lab of it is still booting:
 * close() stops the timers but lets a start under way run on, and that start writes to the
 * database, which must still be there.
 */
async function benchManager(env: ManagedEnv, config: Partial<ManagerConfig>, defer: (c: () => unknown) => void): Promise<LabManager> {
  const manager = new LabManager(env.provider, env.db, managerConfig(env.version, config), log);
  defer(async () => {
    await manager.close();
    const deadline = Date.now() + 180_000;
    while ((await env.db.sandbox.count({ where: { status: { in: ["starting", "warming"] } } })) > 0 && Date.now() < deadline) await sleep(200);
    // The last database write of a boot and its bookkeeping are a few ticks behind the row.
    await sleep(500);
  });
  await manager.init();
  return manager;
}

function managerConfig(version: string, overrides: Partial<ManagerConfig>): ManagerConfig {
  return {
    poolSize: 0,
    capacity: 2,
    idleTimeoutMs: 3600_000,
    maxAgeMs: 3 * 3600_000,
    readyTimeoutMs: 120_000,
    maxConcurrentStarts: 2,
    cullIntervalMs: 3600_000,
    version,
    ...overrides,
  };
}

async function requestUntilKubectl(env: ManagedEnv, manager: LabManager, userId: string, profile: LabProfile = "sim"): Promise<{ ms: number; fromPool: boolean; readyMs: number; attempts: number }> {
  const t0 = performance.now();
  const first = await manager.request(userId, undefined, profile);
  const fromPool = first.state === "ready";
  const view = fromPool ? first : await waitView(manager, userId, (v) => v.state === "ready", 180_000);
  const readyMs = performance.now() - t0;
  const state = await manager.attachable(userId, (view as { sandboxId: string }).sandboxId);
  if (!state) throw new Error("the ready lab is not attachable");
  const attempts = await kubectlAnswers(env.provider, state);
  return { ms: performance.now() - t0, fromPool, readyMs, attempts };
}

const fmtMs = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? `${Math.round(s[Math.floor((s.length - 1) / 2)]!)} ms` : "–";
};

export interface LabReadyOptions {
  /** Warm: labs kept in the pool (≥ 1). */
  poolSize?: number;
  /** Warm: how long a freshly pooled lab sits before it is claimed, as it would between learners. */
  settleMs?: number;
  /** Which labs the pool keeps (node: KUBELAB_NODE_POOL_SIZE's). */
  profile?: LabProfile;
  /** Where the labs run; the Docker provider on this host unless given. */
  env?: EnvFactory;
}

/** A new learner asks for a lab until kubectl answers; the lab is stopped before returning. */
async function oneLearner(env: Parameters<typeof requestUntilKubectl>[0], manager: Parameters<typeof requestUntilKubectl>[1], profile: LabProfile = "sim") {
  const userId = (await env.db.user.create({ data: {} })).id;
  const r = await requestUntilKubectl(env, manager, userId, profile);
  // stop() removes the container before returning, so the next start does not overlap it.
  await manager.stop(userId);
  return r;
}

/**
 * Warm pool: wait until the pool holds a ready lab, then time a new learner's
 * `manager.request()` → ready → `kubectl get nodes` answering as the learner (docker exec).
 * The lab is stopped after each sample and the pool refilled before the next.
 */
export async function labReadyWarm(n = 10, { poolSize = 1, settleMs = 3000, profile = "sim", env: makeEnv = labEnv }: LabReadyOptions = {}): Promise<Samples> {
  if (poolSize < 1) throw new Error("a warm pool needs poolSize ≥ 1");
  return withCleanup(async (defer) => {
    const env = await makeEnv(defer, profile);
    const sizes = profile === "node" ? { poolSize: 0, nodePoolSize: poolSize } : { poolSize };
    const manager = await benchManager(env, { ...sizes, capacity: poolSize + 1 }, defer);
    const samples: number[] = [];
    const ready: number[] = [];
    let misses = 0;
    let retried = 0;
    for (let i = 0; i < n; i++) {
      const deadline = Date.now() + 240_000;
      while ((await env.db.sandbox.count({ where: { status: "pooled", profile } })) < poolSize) {
        if (Date.now() > deadline) throw new Error("the warm pool did not fill within 240 s");
        await sleep(100);
      }
      await sleep(settleMs);
      const r = await oneLearner(env, manager, profile);
      if (!r.fromPool) misses++;
      if (r.attempts > 1) retried++;
      samples.push(r.ms);
      ready.push(r.readyMs);
    }
    return {
      samples,
      note:
        `LabManager + ${env.providerName ?? "DockerProvider"}, ${profile} labs, pool ${poolSize}, capacity ${poolSize + 1}; request() → ready → learner's \`kubectl get nodes\` through the provider's exec; ` +
        `request() itself (the claim) took a median ${fmtMs(ready)}, the rest is kubectl; the pool refills (a cold start) while kubectl runs; ` +
        `each pooled lab idled ${settleMs} ms first; ${misses} of ${n} requests found the pool empty; kubectl needed a retry ${retried} times.`,
    };
  });
}

/** No pool: time request → container created and cluster ready → `kubectl get nodes` answers. */
export async function labReadyCold(n = 5, { env: makeEnv = labEnv }: Pick<LabReadyOptions, "env"> = {}): Promise<Samples> {
  return withCleanup(async (defer) => {
    const env = await makeEnv(defer, "sim");
    const manager = await benchManager(env, { poolSize: 0, capacity: 1 }, defer);
    const samples: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await oneLearner(env, manager);
      samples.push(r.ms);
      ready.push(r.readyMs);
    }
    return {
      samples,
      note:
        `LabManager + ${env.providerName ?? "DockerProvider"}, pool 0; request() → lab start → supervisor ready file (manager says ready, median ${fmtMs(ready)}) → learner's \`kubectl get nodes\` through the provider's exec; labs one after another.`,
    };
  });
}

// ---- terminals --------------------------------------------------------------------------------

/** A worker thread holding the benchmark's WebSocket clients; see terminal-clients.worker.mjs. */
class ClientWorker {
  private readonly worker = new Worker(path.join(here, "terminal-clients.worker.mjs"));
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.on("message", (m: { seq: number; ok: boolean; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.seq);
      this.waiting.delete(m.seq);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(m.error));
    });
    this.worker.on("error", (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  call<T>(msg: Record<string, unknown>): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, seq });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

interface BridgeHarness {
  base: string;
  secret: Uint8Array;
  bridge: TerminalBridge;
  /** A learner with a session who may attach to `sandboxId`, which is a shell on `lab`. */
  addTerminal(sandboxId: string, lab: ProviderState): Promise<{ url: string; cookie: string }>;
}

/**
 * The terminal bridge as server.ts mounts it, on a loopback HTTP server: real signed tokens,
 * real session cookies looked up in the database, and an `attachable` that maps each
 * registered sandbox id to a running lab. The bridge opens one shell per sandbox id, so ids
 * that map to the same lab get separate shells (separate docker execs) in it.
 */
async function bridgeHarness(env: LabEnv, defer: (c: () => unknown) => void): Promise<BridgeHarness> {
  const secret = new TextEncoder().encode(randomBytes(32).toString("hex"));
  const owners = new Map<string, { userId: string; lab: ProviderState }>();
  const bridge = new TerminalBridge({
    provider: env.provider,
    log,
    graceMs: 5_000,
    touch: () => {},
    attachable: async (userId, id) => {
      const o = owners.get(id);
      return o && o.userId === userId ? o.lab : null;
    },
    async authenticate(req) {
      const token = new URL(req.url ?? "/", "http://x").searchParams.get("token") ?? "";
      const check = await verifyTerminalToken(secret, token);
      if (!check.ok) return { refused: check.reason === "expired" ? "token-expired" : "token-invalid" };
      const user = await findSessionUser(env.db, cookieFrom(req.headers.cookie, SESSION_COOKIE));
      if (!user || user.userId !== check.claims.userId) return { refused: "forbidden" };
      return check.claims;
    },
    address: (req) => req.socket.remoteAddress ?? "unknown",
    recheck: async () => null,
    // Every benchmark client comes from loopback.
    limits: { socketsPerAddress: 1000 },
  });
  const server: Server = createServer();
  server.on("upgrade", (req, socket, head) => bridge.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  defer(() => new Promise<void>((r) => server.close(() => r())));
  defer(() => server.closeAllConnections());
  defer(() => bridge.close());
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/terminal`;
  return {
    base,
    secret,
    bridge,
    async addTerminal(sandboxId, lab) {
      const session = await createAnonymousSession(env.db, "en");
      owners.set(sandboxId, { userId: session.userId, lab });
      const token = await signTerminalToken(secret, { userId: session.userId, sandboxId });
      return { url: `${base}?token=${encodeURIComponent(token)}&cols=100&rows=30`, cookie: `${SESSION_COOKIE}=${session.token}` };
    },
  };
}

/** Starts `count` labs straight through the provider, at most two booting at once. */
async function startLabs(env: LabEnv, count: number): Promise<ProviderState[]> {
  const labs: ProviderState[] = [];
  for (let i = 0; i < count; i += 2) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(2, count - i) }, async (_, j) => {
        const state = await env.provider.start({ sandboxId: `lab${i + j}`, profile: "sim", ownerId: "bench" });
        await env.provider.waitReady(state, 180_000);
        return state;
      }),
    );
    labs.push(...batch);
  }
  return labs;
}

const PROMPT = "learner@minikube";
const kubelabOps = { Input: Op.Input, Output: Op.Output, Status: Op.Status, Ack: Op.Ack };

export interface EchoOptions {
  terminals?: number;
  /** Keystrokes per terminal. */
  keystrokes?: number;
  /** Real labs the terminals' shells are spread over (default: 1 for one terminal, else ⌈terminals / 10⌉). */
  labs?: number;
  /** Per terminal; 100 ms is 10 keys/s. */
  intervalMs?: number;
}

/**
 * One printable character from the WebSocket client to its echo in an Output frame, with
 * every terminal typing at the same time at ~10 keys/s, each key erased with a backspace.
 */
export async function keystrokeEcho({ terminals = 1, keystrokes = 200, labs, intervalMs = 100 }: EchoOptions = {}): Promise<Samples> {
  const labCount = labs ?? (terminals === 1 ? 1 : Math.ceil(terminals / 10));
  return withCleanup(async (defer) => {
    const env = await labEnv(defer);
    const labStates = await startLabs(env, labCount);
    const harness = await bridgeHarness(env, defer);
    const clients = new ClientWorker();
    defer(() => clients.terminate());
    const ids: string[] = [];
    // Shells start a few at a time: 40 login shells at once would time out on 2 cores, and
    // the start is not what is measured.
    for (let t = 0; t < terminals; t += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, terminals - t) }, async (_, j) => {
          const index = t + j;
          const lab = labStates[index % labCount]!;
          const sandboxId = `echo-${index}-on-lab${index % labCount}`;
          const { url, cookie } = await harness.addTerminal(sandboxId, lab);
          await clients.call({ type: "open", id: sandboxId, kind: "kubelab", url, headers: { cookie }, ops: kubelabOps, ready: PROMPT, timeoutMs: 90_000 });
          ids.push(sandboxId);
        }),
      );
    }
    if (harness.bridge.openSessions !== terminals) throw new Error(`expected ${terminals} shells, the bridge has ${harness.bridge.openSessions}`);
    // Let the login shells finish whatever they print after the prompt.
    await sleep(1000);
    const r = await clients.call<{ samples: number[]; late: number }>({ type: "echo", ids, keystrokes, intervalMs, timeoutMs: 10_000 });
    return {
      samples: r.samples,
      note:
        `${terminals} WebSocket client(s) in a worker thread → TerminalBridge (real tokens + sessions, loopback) → docker exec bash -l; ` +
        `${terminals} separate shells on ${labCount} real lab(s)${terminals > labCount ? ` (${Math.ceil(terminals / labCount)} shells per lab: 40 labs do not fit 2 cores)` : ""}; ` +
        `each types a letter every ${intervalMs} ms, waits for its echo, erases it with a backspace` +
        (r.late ? `; ${r.late} keystrokes were sent late because an echo took longer than the interval` : ""),
    };
  });
}

// ---- hostile terminal clients ------------------------------------------------------------------

export interface HostileOptions {
  /** Clients that start `yes`, stop reading their socket and acknowledge far more than they got. */
  hostile?: number;
  /** Well-behaved clients whose echo is measured meanwhile, on a lab of their own. */
  calm?: number;
  keystrokes?: number;
  /** How long the hostile clients run before the echo is measured. */
  floodMs?: number;
}

export interface HostileResult extends Samples {
  /** This process's RSS (bridge, its sockets and the shells' mirrors), sampled every 200 ms, in MiB. */
  rssMiB: number[];
  baselineRssMiB: number;
  /** The bridge's own count of output its sockets had not written out, at its peak, in KiB. */
  peakBufferedKiB: number;
}

/**
 * 40 hostile clients (issue 12) against the bridge: each runs `yes` in a shell of its own,
 * stops reading its socket and forges acknowledgements of 4 GiB every 100 ms. The bridge
 * pauses their shells on the sockets' own buffers and cuts them after its stall limit, so
 * the process's memory must stay flat while well-behaved learners on another lab type.
 */
export async function hostileTerminals({ hostile = 40, calm = 5, keystrokes = 100, floodMs = 5000 }: HostileOptions = {}): Promise<HostileResult> {
  const { WebSocket } = await import("ws");
  const { encodeClient, encodeInput } = await import("@/sandbox/terminal/protocol");
  return withCleanup(async (defer) => {
    const env = await labEnv(defer);
    const [floodLab, calmLab] = await startLabs(env, 2);
    const harness = await bridgeHarness(env, defer);
    const clients = new ClientWorker();
    defer(() => clients.terminate());
    const ids: string[] = [];
    for (let i = 0; i < calm; i++) {
      const id = `calm-${i}`;
      const { url, cookie } = await harness.addTerminal(id, calmLab!);
      await clients.call({ type: "open", id, kind: "kubelab", url, headers: { cookie }, ops: kubelabOps, ready: PROMPT, timeoutMs: 90_000 });
      ids.push(id);
    }
    await sleep(1000);
    const baselineRssMiB = process.memoryUsage().rss / MiB_;
    const rssMiB: number[] = [];
    let peakBuffered = 0;
    const sampler = setInterval(() => {
      rssMiB.push(process.memoryUsage().rss / MiB_);
      peakBuffered = Math.max(peakBuffered, harness.bridge.stats().bufferedBytes);
    }, 200);
    defer(() => clearInterval(sampler));
    const sockets: InstanceType<typeof WebSocket>[] = [];
    defer(() => sockets.forEach((ws) => ws.terminate()));
    // Shells start a few at a time, as in keystrokeEcho: 40 login shells at once time out on 2 cores.
    for (let t = 0; t < hostile; t += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, hostile - t) }, async (_, j) => {
          const { url, cookie } = await harness.addTerminal(`hostile-${t + j}`, floodLab!);
          const ws = new WebSocket(url, { headers: { cookie } });
          ws.on("error", () => {});
          sockets.push(ws);
          await new Promise<void>((resolve, reject) => {
            ws.once("open", () => resolve());
            ws.once("error", reject);
          });
          ws.send(encodeInput("yes kubelab-hostile\r"));
          ws.pause();
          const forge = setInterval(() => ws.readyState === ws.OPEN && ws.send(encodeClient({ op: Op.Ack, bytes: 0xffffffff })), 100);
          defer(() => clearInterval(forge));
        }),
      );
    }
    await sleep(floodMs);
    const r = await clients.call<{ samples: number[]; late: number }>({ type: "echo", ids, keystrokes, intervalMs: 100, timeoutMs: 10_000 });
    return {
      samples: r.samples,
      rssMiB,
      baselineRssMiB,
      peakBufferedKiB: peakBuffered / 1024,
      note:
        `${hostile} hostile WebSocket clients (yes, never reading, acks of 4 GiB forged every 100 ms) on one lab, ` +
        `${calm} well-behaved clients on another typing a key every 100 ms; RSS is the bench process's (bridge and clients), ` +
        `baseline ${Math.round(baselineRssMiB)} MiB before the hostile clients; the bridge cuts stalled sockets after 60 s`,
    };
  });
}

// ---- throughput against ttyd ----------------------------------------------------------------

const WORKLOADS = {
  lines: { command: "seq 1 3000000", what: "`seq 1 3000000` (20.9 MB of short lines)" },
  bytes: { command: "head -c 50000000 /dev/zero | tr '\\0' x", what: "50 MB of `x` without newlines" },
} as const;
export type Workload = keyof typeof WORKLOADS;

/** ttyd's web client defaults (html/src/components/app.tsx in ttyd 1.7.7). */
const TTYD_FLOW = { limit: 100_000, highWater: 10, lowWater: 4 };

/** Builds (or finds cached) ttyd with test/bench/ttyd.sh; the reason when it cannot. */
export async function ttydBinary(): Promise<{ path: string; source: string } | { unavailable: string }> {
  return new Promise((resolve) => {
    execFile("bash", [path.join(here, "ttyd.sh")], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 }, (error, stdout, stderr) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (error || !last.startsWith("/")) {
        const why = stderr.trim().split("\n").filter((l) => l.includes("error")).at(-1) ?? stderr.trim().split("\n").at(-1) ?? String(error);
        resolve({ unavailable: `ttyd could not be built: ${why.replace(/^\[ttyd-build\] (error: )?/, "")}` });
      } else {
        let source = "ttyd";
        try {
          source = readFileSync(path.join(path.dirname(last), "debian-revision"), "utf8").trim().replace(/\.debian\.tar\.xz$/, "").replace("_", " ");
        } catch {
          // built by an older ttyd.sh: the version alone will do
        }
        resolve({ path: last, source });
      }
    });
  });
}

/** ttyd on a random loopback port, serving a login shell in the lab through the docker CLI. */
async function startTtyd(bin: string, lab: ProviderState, defer: (c: () => unknown) => void): Promise<string> {
  const child: ChildProcess = spawn(
    bin,
    ["-p", "0", "-i", "lo", "-W", "docker", "exec", "-it", "-u", "learner", "-w", "/home/learner", "-e", "TERM=xterm-256color", lab.name, "bash", "-l"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  defer(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => (child.kill("SIGKILL"), resolve()), 3000).unref();
      }),
  );
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`ttyd did not report its port: ${err.slice(-500)}`)), 10_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const m = /Listening on port: (\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(`ws://127.0.0.1:${m[1]}/ws`);
      }
    });
    child.once("exit", (code) => reject(new Error(`ttyd exited (${code}): ${err.slice(-500)}`)));
  });
}

export interface ThroughputOptions {
  /** Runs per server, interleaved kubelab, ttyd, ttyd without deflate, then the reverse, … */
  runs?: number;
  workloads?: Workload[];
  /** The workload the ratio is taken from. */
  primary?: Workload;
}

export interface WorkloadResult {
  /** bytes/s per run */
  kubelab: number[];
  /** ttyd as a browser meets it: permessage-deflate offered, and ttyd takes it */
  ttyd: number[];
  /** ttyd with no compression offered, its cheapest configuration */
  ttydNoDeflate: number[];
  /** kubelab / ttyd, median over back-to-back pairs of runs */
  ratio: number;
  ratioNoDeflate: number;
}

export interface ThroughputResult {
  /** Set, with the reason, when no fair comparison could be made; then ratio is NaN and there are no samples. */
  unavailable?: string;
  /** kubelab / ttyd as a browser meets it, primary workload (see WorkloadResult.ratio) */
  ratio: number;
  /** kubelab / ttyd without permessage-deflate, primary workload */
  ratioNoDeflate: number;
  /** bytes/s per run, primary workload */
  kubelab: number[];
  ttyd: number[];
  ttydNoDeflate: number[];
  byWorkload: Partial<Record<Workload, WorkloadResult>>;
  note: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)]! + s[Math.ceil(m)]!) / 2;
};

type Side = "kubelab" | "ttyd" | "ttydNoDeflate";

/**
 * Output throughput (bytes/s reaching the client) of the same command typed into a login
 * shell in the same lab, through kubelab (bridge → Docker API exec with a TTY) and through
 * ttyd (ttyd's pty → `docker exec -it` → the same lab). ttyd is measured twice: with
 * permessage-deflate offered, as every browser does and ttyd accepts, and without. The
 * clients run in one worker thread and keep up as fast as they can: kubelab's acknowledges
 * each Output frame as it arrives, ttyd's follows ttyd's own web-client watermarks.
 */
export async function terminalThroughput({ runs = 3, workloads = ["lines", "bytes"], primary = "lines" }: ThroughputOptions = {}): Promise<ThroughputResult> {
  if (!workloads.includes(primary)) workloads = [primary, ...workloads];
  const ttyd = await ttydBinary();
  if ("unavailable" in ttyd) {
    return { unavailable: ttyd.unavailable, ratio: NaN, ratioNoDeflate: NaN, kubelab: [], ttyd: [], ttydNoDeflate: [], byWorkload: {}, note: "no ratio without a real ttyd" };
  }
  return withCleanup(async (defer) => {
    const env = await labEnv(defer);
    const [lab] = await startLabs(env, 1);
    const harness = await bridgeHarness(env, defer);
    const ttydUrl = await startTtyd(ttyd.path, lab!, defer);
    const clients = new ClientWorker();
    defer(() => clients.terminate());
    const { url, cookie } = await harness.addTerminal("throughput", lab!);
    const ext: Record<Side, string> = { kubelab: "", ttyd: "", ttydNoDeflate: "" };
    ext.kubelab = (await clients.call<{ extensions: string }>({ type: "open", id: "kubelab", kind: "kubelab", url, headers: { cookie }, ops: kubelabOps, ready: PROMPT })).extensions;
    for (const [id, offerDeflate] of [["ttyd", true], ["ttydNoDeflate", false]] as const) {
      ext[id] = (await clients.call<{ extensions: string }>({ type: "open", id, kind: "ttyd", url: ttydUrl, flow: TTYD_FLOW, cols: 100, rows: 30, ready: PROMPT, offerDeflate })).extensions;
    }
    let marker = 0;
    const once = (id: Side, command: string) => {
      const n = ++marker;
      // The typed command echoes as "BENCHEND <n>"; only the shell's output reads "BENCHEND-<n>".
      return clients.call<{ bytes: number; ms: number; pauses: number }>({ type: "run", id, command: `${command}; printf '\\n%s-%s\\n' BENCHEND ${n}`, marker: `BENCHEND-${n}` });
    };
    const sides: Side[] = ["kubelab", "ttyd", "ttydNoDeflate"];
    // One small run each first, so no side pays for cold caches in a measured run.
    for (const id of sides) await once(id, "seq 1 20000");
    const byWorkload: Partial<Record<Workload, WorkloadResult>> = {};
    const pauses: Record<Side, number> = { kubelab: 0, ttyd: 0, ttydNoDeflate: 0 };
    for (const w of workloads) {
      const rates: Record<Side, number[]> = { kubelab: [], ttyd: [], ttydNoDeflate: [] };
      for (let i = 0; i < runs; i++) {
        for (const id of i % 2 === 0 ? sides : [...sides].reverse()) {
          const r = await once(id, WORKLOADS[w].command);
          rates[id].push(r.bytes / (r.ms / 1000));
          pauses[id] += r.pauses;
        }
      }
      // Other work on the host comes and goes within seconds; runs back to back see about the
      // same machine, so the ratio is taken per round and then the median of those.
      const pairRatio = (other: number[]) => median(rates.kubelab.map((k, i) => k / other[i]!));
      byWorkload[w] = { ...rates, ratio: pairRatio(rates.ttyd), ratioNoDeflate: pairRatio(rates.ttydNoDeflate) };
    }
    const mbps = (xs: number[]) => `${(median(xs) / 1e6).toFixed(1)} MB/s`;
    const p = byWorkload[primary]!;
    return {
      ratio: p.ratio,
      ratioNoDeflate: p.ratioNoDeflate,
      kubelab: p.kubelab,
      ttyd: p.ttyd,
      ttydNoDeflate: p.ttydNoDeflate,
      byWorkload,
      note:
        `same command typed into a login shell (learner) in the same lab, ${runs} runs per side, interleaved; bytes reaching the client from Enter to the end marker; ratio = median over rounds. ` +
        `kubelab: WS → TerminalBridge → Docker API exec TTY (client acks every Output frame; deflate offered, accepted: ${ext.kubelab || "none"}). ` +
        `${ttyd.source} (built from Debian's source package): WS → ttyd's pty → \`docker exec -it\` CLI → same lab (one more pty hop than kubelab), ` +
        `once with deflate offered as by a browser (accepted: ${ext.ttyd || "none"}) and once without; its client emulates ttyd's web flow control ` +
        `(limit ${TTYD_FLOW.limit} B, high ${TTYD_FLOW.highWater}, low ${TTYD_FLOW.lowWater}; pauses sent ${pauses.ttyd} / ${pauses.ttydNoDeflate}). ` +
        workloads
          .map((w) => {
            const r = byWorkload[w]!;
            return `${WORKLOADS[w].what}: kubelab ${mbps(r.kubelab)}, ttyd ${mbps(r.ttyd)} (ratio ${r.ratio.toFixed(2)}), ttyd without deflate ${mbps(r.ttydNoDeflate)} (ratio ${r.ratioNoDeflate.toFixed(2)})`;
          })
          .join("; ") +
        `. Ratio reported: ${primary}, against ttyd as a browser meets it.`,
    };
  });
}

// ---- self-check by hand ----------------------------------------------------------------------

function summary(xs: number[], unit: string, scale = 1): string {
  if (xs.length === 0) return "no samples";
  const s = [...xs].sort((a, b) => a - b).map((x) => x / scale);
  const q = (p: number) => {
    const i = (s.length - 1) * p;
    return s[Math.floor(i)]! + (s[Math.ceil(i)]! - s[Math.floor(i)]!) * (i - Math.floor(i));
  };
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  return `n=${s.length} min=${f(s[0]!)} p50=${f(q(0.5))} p95=${f(q(0.95))} p99=${f(q(0.99))} max=${f(s.at(-1)!)} ${unit}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const full = args.includes("--full");
  if (!full && !args.includes("--smoke")) {
    console.error("usage: npx tsx test/bench/labs.bench-lib.ts --smoke | --full [--only warm,cold,echo1,echo40,throughput] [--runs=N]");
    process.exit(2);
  }
  const onlyArg = args.find((a) => a.startsWith("--only"));
  const only = (onlyArg?.includes("=") ? onlyArg.split("=")[1] : args[args.indexOf("--only") + 1])?.split(",");
  const want = (name: string) => !onlyArg || (only ?? []).includes(name);
  const show = (name: string, r: Samples, unit = "ms") => console.log(`${name}: ${summary(r.samples, unit)}\n  note: ${r.note}`);
  const step = async (name: string, fn: () => Promise<void>) => {
    if (!want(name)) return;
    const t0 = performance.now();
    try {
      await fn();
    } catch (error) {
      console.log(`${name}: FAILED: ${(error as Error).stack ?? error}`);
      process.exitCode = 1;
    }
    console.error(`[bench] ${name} took ${Math.round((performance.now() - t0) / 1000)} s`);
  };
  await step("warm", async () => show("lab ready, warm", await labReadyWarm(full ? 10 : 1)));
  await step("cold", async () => show("lab ready, cold", await labReadyCold(full ? 5 : 1)));
  await step("echo1", async () => show("keystroke echo, 1 terminal", await keystrokeEcho({ terminals: 1, keystrokes: full ? 200 : 10 })));
  await step("echo40", async () => show("keystroke echo, 40 terminals", await keystrokeEcho({ terminals: 40, keystrokes: full ? 200 : 5 })));
  await step("throughput", async () => {
    const runsArg = args.find((a) => a.startsWith("--runs="));
    const runs = runsArg ? Number(runsArg.split("=")[1]) : full ? 3 : 1;
    const r = await terminalThroughput(full ? { runs } : { runs, workloads: ["lines"] });
    if (r.unavailable) return console.log(`terminal throughput: unavailable: ${r.unavailable}`);
    for (const [w, v] of Object.entries(r.byWorkload)) {
      console.log(`throughput ${w}:\n  kubelab              ${summary(v.kubelab, "MB/s", 1e6)}\n  ttyd                 ${summary(v.ttyd, "MB/s", 1e6)}  ratio ${v.ratio.toFixed(2)}\n  ttyd without deflate ${summary(v.ttydNoDeflate, "MB/s", 1e6)}  ratio ${v.ratioNoDeflate.toFixed(2)}`);
    }
    console.log(`terminal throughput ratio kubelab/ttyd: ${r.ratio.toFixed(2)} (without deflate: ${r.ratioNoDeflate.toFixed(2)})\n  note: ${r.note}`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
