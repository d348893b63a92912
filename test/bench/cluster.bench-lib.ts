// Measurements of the `sim` lab, as plain functions: each returns raw samples (ms or MB) and
// leaves summarising and printing to the caller (`npm run bench`). Every lab is created with
// the same isolation options as in production and removed afterwards, also on failure.
import { setTimeout as sleep } from "node:timers/promises";
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Lab, preflight } from "../integration/cluster/lab";

const execFileP = promisify(execFile);
const MB = 1024 * 1024;

async function withLab<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.start();
  try {
    return await fn(lab);
  } finally {
    await lab.remove();
  }
}


/**
 * Memory charged to the lab's cgroup, in MB, read from inside the container.
 * `current` is what the kernel charges (memory.current, or usage_in_bytes on cgroup v1),
 * page cache included; `workingSet` leaves out inactive file pages, as `docker stats` and
 * the kubelet do, and is what really has to stay resident.
 */
export async function labMemory(lab: Lab): Promise<{ current: number; workingSet: number }> {
  const out = await lab.ok(
    `if [ -f /sys/fs/cgroup/memory.current ]; then
       echo "$(cat /sys/fs/cgroup/memory.current) $(awk '$1=="inactive_file"{print $2}' /sys/fs/cgroup/memory.stat)"
     else
       echo "$(cat /sys/fs/cgroup/memory/memory.usage_in_bytes) $(awk '$1=="total_inactive_file"{print $2}' /sys/fs/cgroup/memory/memory.stat)"
     fi`,
    { user: "root" },
  );
  const [current = 0, inactive = 0] = out.trim().split(/\s+/).map(Number);
  return { current: current / MB, workingSet: (current - inactive) / MB };
}

/**
 * Container create → lab ready, for n labs one after another. `until`:
 *  - "ready" (default): the supervisor reports ready (apiserver, node lease renewed by kwok,
 *    controller manager and scheduler healthy: a pod created now gets scheduled and started)
 *    and the learner's kubectl sees node minikube Ready;
 *  - "node": only the learner's `kubectl get node` answering with Ready, the lighter
 *    "prompt where kubectl answers" definition of the design's target.
 */
export async function coldStart(n = 5, until: "ready" | "node" = "ready"): Promise<number[]> {
  await preflight();
  const probe =
    (until === "ready" ? "test -e /run/kubelab/ready && " : "") +
    "kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null";
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const lab = await Lab.start({ waitReady: false });
    try {
      await lab.waitFor(
        until === "ready" ? "the lab ready" : "node minikube Ready",
        async () => (await lab.sh(probe, { timeoutMs: 15_000 })).stdout.trim() === "True",
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      samples.push(performance.now() - t0);
    } finally {
      await lab.remove();
    }
  }
  return samples;
}

/** memory.current of a lab, sampled `samples` times after letting it settle. */
async function sampleMemory(lab: Lab, { settleMs, samples, intervalMs }: { settleMs: number; samples: number; intervalMs: number }): Promise<number[]> {
  await sleep(settleMs);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    out.push((await labMemory(lab)).current);
    await sleep(intervalMs);
  }
  return out;
}

/** Memory of a ready, untouched lab (MB of memory.current), sampled after it has settled. */
export async function idleMemory({ settleMs = 15_000, samples = 5, intervalMs = 1_000 } = {}): Promise<number[]> {
  return withLab(async (lab) => {
    return sampleMemory(lab, { settleMs, samples, intervalMs });
  });
}

/** Memory (MB of memory.current) after 20 deployments of 2 replicas each are all available. */
export async function memoryAfter20Deployments({ settleMs = 10_000, samples = 5, intervalMs = 1_000 } = {}): Promise<number[]> {
  return withLab(async (lab) => {
    const docs = Array.from({ length: 20 }, (_, i) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        `  name: bench-${i}`,
        "spec:",
        "  replicas: 2",
        "  selector:",
        `    matchLabels: {app: bench-${i}}`,
        "  template:",
        `    metadata: {labels: {app: bench-${i}, bench: "1"}}`,
        "    spec:",
        "      containers:",
        "      - {name: web, image: nginx:1.25}",
      ].join("\n"),
    ).join("\n---\n");
    await lab.ok("kubectl apply -f -", { input: docs });
    await lab.ok("kubectl wait --for=condition=Available deployment --all --timeout=180s", { timeoutMs: 200_000 });
    await lab.waitFor(
      "40 Running bench pods",
      async () => (await lab.ok("kubectl get pods -l bench=1 --field-selector=status.phase=Running -o name | wc -l")).trim() === "40",
      { timeoutMs: 180_000 },
    );
    return sampleMemory(lab, { settleMs, samples, intervalMs });
  });
}

/**
 * `minikube delete` (reset to the pristine cluster) → the learner's kubectl sees an empty
 * default namespace and node minikube Ready again; n resets in one lab, each after some work.
 */
export async function resetTime(n = 3): Promise<number[]> {
  return withLab(async (lab) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      await lab.ok("kubectl create deployment before-reset --image=nginx:1.25 --replicas=3 && kubectl expose deployment before-reset --port=80");
      const t0 = performance.now();
      await lab.ok("minikube delete", { timeoutMs: 180_000 });
      await lab.waitFor(
        "an empty default namespace and node minikube Ready",
        async () => {
          const r = await lab.sh(
            "kubectl get deployments -o name && kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'",
            { timeoutMs: 15_000 },
          );
          return r.code === 0 && r.stdout.trim() === "True";
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      samples.push(performance.now() - t0);
    }
    return samples;
  });
}

function cacheDir(): string {
  return process.env.KUBELAB_CACHE_DIR ?? path.join(homedir(), ".cache", "kubelab");
}

export interface ImageBuildRecord {
  tag: string;
  hash: string;
  finishedAt: string;
  totalMs: number;
  rootfsMs: number;
  rootfsCached: boolean;
  importMs: number;
  dockerBuildMs: number;
  imageBytes: number;
}

/** The timings sandbox/image/build.sh wrote for the last image it actually built. */
export async function lastImageBuild(): Promise<ImageBuildRecord> {
  const file = path.join(cacheDir(), "image", "last-build.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as ImageBuildRecord;
  } catch {
    throw new Error(`No image build has been recorded (${file}); run \`bash sandbox/image/build.sh\` first.`);
  }
}

/** [total build ms] of the last image build (one sample: builds are not repeated for a bench). */
export async function imageBuildTime(): Promise<number[]> {
  return [(await lastImageBuild()).totalMs];
}

/** [ms] the base root filesystem (debootstrap + security updates) took when it was last made. */
export async function baseRootfsTime(): Promise<number[]> {
  const dir = path.join(cacheDir(), "rootfs");
  const records = await Promise.all(
    (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => f.endsWith(".json"))
      .map(async (f) => ({ file: path.join(dir, f), mtime: (await stat(path.join(dir, f))).mtimeMs })),
  );
  const newest = records.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) throw new Error(`No root filesystem build has been recorded in ${dir}; run \`bash sandbox/image/build.sh\`.`);
  return [(JSON.parse(await readFile(newest.file, "utf8")) as { ms: number }).ms];
}

/** [MB] size of the lab image, as Docker reports it. */
export async function imageSize(image = process.env.KUBELAB_LAB_IMAGE ?? "kubelab/lab-sim:latest"): Promise<number[]> {
  const { stdout } = await execFileP("docker", ["image", "inspect", "-f", "{{.Size}}", image]);
  return [Number(stdout.trim()) / MB];
}
