// Builds the lab runtime of this process (provider, manager, terminal bridge, metrics) from
// the environment, and publishes it (published-runtime.ts): server.ts creates it, and Next's
// server code, which is bundled separately, finds the same instance through runtime.ts.
// The wiring lives in the app because it joins the engine (sandbox/) to the app's
// configuration, secret and sessions; sandbox/ knows none of them.
import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import path from "node:path";
import type { Logger } from "pino";
import { type Env } from "@/app/_lib/config/env";
import { serverSecret } from "@/app/_lib/config/secret";
import { labEventsOn } from "@/app/_lib/cluster/lab-events";
import { leadershipFor } from "@/app/_lib/cluster/leadership";
import { clusterBus } from "@/app/_lib/cluster/process-bus";
import type { PrismaClient } from "@/prisma/generated/client";
import { plannedCapacity, plannedCpuCapacity, plannedMemoryBudget, roomForOneMoreLab } from "@/sandbox/manager/capacity";
import { LabManager } from "@/sandbox/manager/manager";
import { createLabMetrics } from "@/sandbox/manager/metrics";
import { DockerProvider } from "@/sandbox/providers/docker";
import type { Provider } from "@/sandbox/providers/types";
import { TerminalBridge } from "@/sandbox/terminal/bridge";
import { type LabRuntime, publishRuntime } from "./published-runtime";
import { terminalAccess } from "./terminal-access";

export const KUBELAB_VERSION = "0.1.0";

/** Labs of different databases (a dev server, a test run) on one engine must not reap each other. */
export function installationId(config: Env): string {
  return config.KUBELAB_INSTALLATION_ID ?? createHash("sha256").update(path.resolve(config.DATABASE_URL)).digest("hex").slice(0, 10);
}

/**
 * The local provider hands out a shell as the server's own user, with nothing between it and
 * the host: fit for one person on their own machine, so only on a loopback address. Returns
 * why the server must not start, or null. (auto never chooses local; see chooseProvider.)
 */
export function localProviderRefusal(config: Env): string | null {
  if (config.KUBELAB_PROVIDER !== "local" || isLoopbackHost(config.HOST)) return null;
  return (
    `KUBELAB_PROVIDER=local gives every visitor an unisolated shell as this server's user, so it listens on loopback only; ` +
    `HOST is ${config.HOST}. Set HOST=127.0.0.1 (one person on this machine), or use KUBELAB_PROVIDER=docker to serve others.`
  );
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIPv4(v4) && v4.split(".")[0] === "127";
}

/**
 * On a cluster, this host's memory says nothing of the room for labs: the operator names how
 * many labs the cluster may hold. Returns why the server must not start, or null.
 */
export function kubernetesProviderRefusal(config: Env): string | null {
  if (config.KUBELAB_PROVIDER !== "kubernetes" || config.KUBELAB_CAPACITY > 0) return null;
  return (
    "KUBELAB_PROVIDER=kubernetes needs KUBELAB_CAPACITY (most labs at once, pool included): the room for labs is the cluster's, " +
    "which this server's own memory does not measure (README, Labs on Kubernetes)."
  );
}

/**
 * On a cluster, a lab image named by `latest` (or by no tag, the same thing) makes the kubelet
 * pull it at every lab start (imagePullPolicy Always), and a node may run a newer image than
 * its neighbour after a push. Not a refusal (a registry may be near), but the operator hears
 * it at start-up: push the image under its content tag (README, Labs on Kubernetes). Returns
 * one warning per such image.
 */
export function mutableLabImageWarnings(config: Env): string[] {
  if (config.KUBELAB_PROVIDER !== "kubernetes") return [];
  const images: [string, string][] = [["KUBELAB_LAB_IMAGE", config.KUBELAB_LAB_IMAGE]];
  if (config.KUBELAB_K8S_NODE_RUNTIME_CLASS) images.push(["KUBELAB_NODE_LAB_IMAGE", config.KUBELAB_NODE_LAB_IMAGE]);
  return images
    .filter(([, image]) => isMutableTag(image))
    .map(([name, image]) =>
      `${name}=${image} names a moving tag: the cluster's nodes pull it at every lab start, and two nodes may run different images. ` +
      `Push the image under its content tag (kubelab/lab-sim:<hash>, printed by the image build) and name that.`,
    );
}

/** `latest` or no tag at all, and no digest. */
export function isMutableTag(image: string): boolean {
  if (image.includes("@")) return false;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon <= lastSlash || image.slice(colon + 1) === "latest";
}

/**
 * docker unless the operator chose kubernetes or local. `auto` (the default) is docker: when the engine
 * does not answer or the image is missing, labs are unavailable and health says why; they
 * never fall back to local, which would hand every visitor the server's own shell.
 */
async function chooseProvider(config: Env): Promise<{ provider: Provider; reason: string }> {
  if (config.KUBELAB_PROVIDER === "local") {
    const { LocalProvider } = await import("@/sandbox/providers/local");
    return { provider: new LocalProvider({ version: KUBELAB_VERSION }), reason: "KUBELAB_PROVIDER=local: NOT isolated, for one person on this machine (loopback only)" };
  }
  if (config.KUBELAB_PROVIDER === "kubernetes") {
    const { KubernetesProvider } = await import("@/sandbox/providers/kubernetes");
    const provider = new KubernetesProvider({
      installationId: installationId(config),
      version: KUBELAB_VERSION,
      namespace: config.KUBELAB_K8S_NAMESPACE,
      image: config.KUBELAB_LAB_IMAGE,
      memoryBytes: config.KUBELAB_LAB_MEMORY_MB * 1024 * 1024,
      nanoCpus: Math.round(config.KUBELAB_LAB_CPUS * 1e9),
      imagePullSecret: config.KUBELAB_K8S_IMAGE_PULL_SECRET,
      networkPolicy: config.KUBELAB_K8S_NETWORK_POLICY,
      node: {
        runtimeClassName: config.KUBELAB_K8S_NODE_RUNTIME_CLASS,
        image: config.KUBELAB_NODE_LAB_IMAGE,
        memoryBytes: config.KUBELAB_NODE_LAB_MEMORY_MB * 1024 * 1024,
      },
    });
    return { provider, reason: `KUBELAB_PROVIDER=kubernetes: one pod per lab in namespace ${config.KUBELAB_K8S_NAMESPACE}` };
  }
  const docker = new DockerProvider({
    installationId: installationId(config),
    version: KUBELAB_VERSION,
    image: config.KUBELAB_LAB_IMAGE,
    memoryBytes: config.KUBELAB_LAB_MEMORY_MB * 1024 * 1024,
    nanoCpus: Math.round(config.KUBELAB_LAB_CPUS * 1e9),
    pidsLimit: config.KUBELAB_LAB_PIDS,
    node: {
      enabled: config.KUBELAB_NODE_LABS === "unsafe-sys-admin",
      image: config.KUBELAB_NODE_LAB_IMAGE,
      memoryBytes: config.KUBELAB_NODE_LAB_MEMORY_MB * 1024 * 1024,
    },
  });
  return { provider: docker, reason: `KUBELAB_PROVIDER=${config.KUBELAB_PROVIDER}: isolated Docker containers` };
}

export async function createRuntime(config: Env, db: PrismaClient, log: Logger): Promise<LabRuntime> {
  const refusal = localProviderRefusal(config) ?? kubernetesProviderRefusal(config);
  if (refusal) throw new Error(refusal);
  const { provider, reason } = await chooseProvider(config);
  for (const warning of mutableLabImageWarnings(config)) log.warn(warning);
  // Warm node labs on a provider that will not start them would fail every 30 s for ever
  // (the environment check catches KUBELAB_NODE_LABS=off; this catches every provider's reason).
  const nodeRefusal = config.KUBELAB_NODE_POOL_SIZE > 0 ? provider.profileRefusal("node") : null;
  if (nodeRefusal) throw new Error(`KUBELAB_NODE_POOL_SIZE=${config.KUBELAB_NODE_POOL_SIZE} asks for warm node labs, which this server cannot start: ${nodeRefusal.message}`);
  const metrics = createLabMetrics();
  const secret = serverSecret();
  // Local labs listen on fixed host ports, so there can be only one, and no pool.
  const local = provider.kind === "local";
  // Labs on a cluster: the operator's KUBELAB_CAPACITY bounds them, not this host's memory.
  const onCluster = provider.kind === "kubernetes";
  const labLimitBytes = config.KUBELAB_LAB_MEMORY_MB * 1024 * 1024;
  // Derived: the fewer labs of the memory plan and the CPU plan (sandbox/manager/capacity.ts).
  const plans = { memory: plannedCapacity(labLimitBytes), cpu: plannedCpuCapacity(config.KUBELAB_LAB_CPU_PERCENT) };
  const capacity = local ? 1 : config.KUBELAB_CAPACITY || Math.min(plans.memory, plans.cpu);
  if (!local && !config.KUBELAB_CAPACITY) log.info({ capacity, plans }, "lab capacity derived from this host's memory and cores (KUBELAB_CAPACITY sets it)");
  // Servers sharing a PostgreSQL database tell each other of lab changes, and one of them runs the pool, culler and reconcile.
  const leadership = await leadershipFor(config.DATABASE_URL, log.child({ component: "leader" }));
  const events = labEventsOn(clusterBus(), log.child({ component: "labs" }));
  const manager = new LabManager(provider, db, {
    poolSize: local ? 0 : config.KUBELAB_POOL_SIZE,
    nodePoolSize: local ? 0 : config.KUBELAB_NODE_POOL_SIZE,
    capacity,
    hasRoom: local || onCluster ? undefined : (limitBytes) => roomForOneMoreLab(limitBytes),
    // Each profile counts its own limit: a node lab takes the memory of three sim labs.
    profileMemoryBytes: { sim: labLimitBytes, node: config.KUBELAB_NODE_LAB_MEMORY_MB * 1024 * 1024 },
    // An operator's KUBELAB_CAPACITY counts sim labs; a node lab takes its share of those places.
    memoryBudgetBytes: local ? undefined : config.KUBELAB_CAPACITY ? config.KUBELAB_CAPACITY * labLimitBytes : plannedMemoryBudget(),
    idleTimeoutMs: config.KUBELAB_IDLE_TIMEOUT_MIN * 60_000,
    maxAgeMs: config.KUBELAB_MAX_AGE_MIN * 60_000,
    readyTimeoutMs: 90_000,
    maxConcurrentStarts: config.KUBELAB_MAX_CONCURRENT_STARTS,
    cullIntervalMs: config.KUBELAB_CULL_INTERVAL_SEC * 1000,
    version: KUBELAB_VERSION,
    maxWaitingPerAddress: config.KUBELAB_MAX_WAITING_LABS_PER_ADDRESS,
    diedLabHoldMs: config.KUBELAB_DIED_LAB_HOLD_SEC * 1000,
  }, log.child({ component: "labs" }), metrics, { events, leadership });

  const bridge = new TerminalBridge({
    provider,
    log: log.child({ component: "terminal" }),
    graceMs: config.KUBELAB_SHELL_GRACE_MIN * 60_000,
    onConnectionCount: (n) => metrics.terminals.set(n),
    onEcho: (seconds) => metrics.echo.observe(seconds),
    touch: (sandboxId) => manager.touch(sandboxId),
    attachable: (userId, sandboxId) => manager.attachable(userId, sandboxId),
    limits: { recheckMs: config.KUBELAB_SESSION_RECHECK_SECONDS * 1000 },
    ...terminalAccess({ db, secret, attachable: (userId, sandboxId) => manager.attachable(userId, sandboxId) }),
  });
  manager.onEnded((sandboxId) => bridge.labEnded(sandboxId));
  // The learner's prompt is waiting when their terminal connects.
  manager.onReadyFor((userId, sandboxId) => void bridge.openAhead(userId, sandboxId));
  await manager.init();
  const runtime = { provider, manager, bridge, metrics, secret, reason, leadership };
  publishRuntime(runtime);
  return runtime;
}
