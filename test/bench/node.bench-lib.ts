// Measurements of the `node` lab (real kubelet and containerd), as plain functions returning
// raw samples; `npm run bench` summarises them. Labs are made with the production options
// (profile node) and removed afterwards, also on failure.
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { NODE_LAB_DEFAULTS } from "../../sandbox/providers/docker-lab-options";
import { Lab, preflight } from "../integration/cluster/lab";
import { labMemory } from "./cluster.bench-lib";

const IMAGE = process.env.KUBELAB_NODE_LAB_IMAGE ?? NODE_LAB_DEFAULTS.image;

const startNodeLab = (waitReady = false) => Lab.start({ profile: "node", image: IMAGE, waitReady, readyTimeoutMs: 180_000 });

export interface NodeColdStart {
  /** container create → `kubectl get node minikube` says Ready (the real kubelet registered). */
  nodeReady: number[];
  /** container create → /run/kubelab/ready (node Ready and CoreDNS answering). */
  labReady: number[];
  /** container create → the learner's first pod (busybox from the catalogue) Running. */
  firstPod: number[];
}

/** n labs one after another, each timed to node Ready, lab ready and its first pod Running. */
export async function coldStart(n = 3): Promise<NodeColdStart> {
  await preflight(IMAGE);
  const out: NodeColdStart = { nodeReady: [], labReady: [], firstPod: [] };
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const lab = await startNodeLab();
    try {
      await lab.waitFor("node minikube Ready", async () =>
        (await lab.sh("kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null", { timeoutMs: 15_000 })).stdout.trim() === "True",
        { timeoutMs: 180_000, intervalMs: 100 });
      out.nodeReady.push(performance.now() - t0);
      await lab.ok("kubectl run first --image=busybox:1.36 -- sleep 3600 >/dev/null");
      await lab.waitFor("the first pod Running", async () =>
        (await lab.sh("kubectl get pod first -o jsonpath='{.status.phase}'", { timeoutMs: 15_000 })).stdout.trim() === "Running",
        { timeoutMs: 180_000, intervalMs: 100 });
      out.firstPod.push(performance.now() - t0);
      await lab.waitFor("the lab ready", async () => (await lab.sh("test -e /run/kubelab/ready", { timeoutMs: 15_000 })).code === 0,
        { timeoutMs: 180_000, intervalMs: 100 });
      out.labReady.push(performance.now() - t0);
    } finally {
      await lab.remove();
    }
  }
  return out;
}

/** Memory (MiB, working set) and CPU (CPU seconds per minute) of an idle node lab with CoreDNS and one pod. */
export async function idle({ settleMs = 20_000, samples = 5, intervalMs = 1_000, cpuWindowMs = 30_000 } = {}): Promise<{ memory: number[]; cpu: number[] }> {
  await preflight(IMAGE);
  const lab = await startNodeLab(true);
  try {
    await lab.ok("kubectl run idle --image=busybox:1.36 -- sleep 3600 >/dev/null && kubectl wait --for=condition=Ready pod/idle --timeout=120s >/dev/null");
    await sleep(settleMs);
    const memory: number[] = [];
    for (let i = 0; i < samples; i++) {
      memory.push((await labMemory(lab)).workingSet);
      await sleep(intervalMs);
    }
    const usage = async () => Number((await lab.ok("cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || awk '$1==\"usage_usec\"{print $2*1000}' /sys/fs/cgroup/cpu.stat", { user: "root" })).trim());
    const u0 = await usage();
    const t0 = performance.now();
    await sleep(cpuWindowMs);
    const cpu = ((await usage()) - u0) / 1e9 / ((performance.now() - t0) / 60_000);
    return { memory, cpu: [cpu] };
  } finally {
    await lab.remove();
  }
}

/**
 * `minikube delete` in a node lab with the learner's pods running → an empty default namespace,
 * node minikube Ready and the lab ready again (CoreDNS answering); n resets in one lab. The
 * kubelet removes the old containers after that, in its own time, as on any node.
 */
export async function resetTime(n = 3): Promise<number[]> {
  await preflight(IMAGE);
  const lab = await startNodeLab(true);
  try {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      await lab.ok("kubectl create deployment before-reset --image=nginx:1.25 --replicas=2 >/dev/null && kubectl expose deployment before-reset --port=80 >/dev/null");
      await lab.ok("kubectl rollout status deployment/before-reset --timeout=120s >/dev/null", { timeoutMs: 150_000 });
      const t0 = performance.now();
      await lab.ok("minikube delete", { timeoutMs: 180_000 });
      await lab.waitFor(
        "an empty default namespace, node minikube Ready and the lab ready",
        async () => {
          const r = await lab.sh(
            "test -e /run/kubelab/ready && kubectl get deployments -o name && kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'",
            { timeoutMs: 15_000 },
          );
          return r.code === 0 && r.stdout.trim() === "True";
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    await lab.remove();
  }
}

/** The last node image build (sandbox/cluster/node/build-image.sh's record), in ms. */
export async function imageBuildTime(): Promise<number[]> {
  const cache = process.env.KUBELAB_CACHE_DIR ?? path.join(homedir(), ".cache", "kubelab");
  const record = JSON.parse(await readFile(path.join(cache, "node-image-last-build.json"), "utf8")) as { totalMs: number };
  return [record.totalMs];
}
