// Idle CPU of `sim` labs, per component: how much of a core a ready, untouched lab burns, and
// which of its processes burns it. Raw numbers only; run.ts (and the class bench) print them.
//
// The lab's cgroup (cpuacct.usage on cgroup v1, cpu.stat on v2, read from inside the lab) gives
// the total. Each long-lived process is read from the host's /proc/<pid>/stat (utime + stime),
// found with `docker top`; what the total has beyond them is short-lived processes (the
// shells of `docker exec`; the supervisor itself forks nothing while a lab idles).
//
// By hand: npx tsx test/bench/idle-cpu.bench-lib.ts [labs=4] [windowSeconds=60] [settleSeconds=30]
import { setTimeout as sleep } from "node:timers/promises";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { Lab, preflight } from "../integration/cluster/lab";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Names the processes of a lab go by in `ps` (comm), mapped to the component they are. */
export const COMPONENT_OF: Record<string, string> = {
  etcd: "etcd",
  "kube-apiserver": "kube-apiserver",
  "kube-controller": "kube-controller-manager",
  "kube-controller-manager": "kube-controller-manager",
  "kube-scheduler": "kube-scheduler",
  kwok: "kwok",
  socat: "kubelet-notice",
  "kubelab-cluster": "supervisor",
  // comm is cut to 15 characters
  "kubelab-supervi": "supervisor",
  tini: "supervisor",
  bash: "supervisor",
  curl: "live-check watch",
  timeout: "live-check watch",
};

export interface LabCpu {
  /** CPU seconds the whole lab cgroup used. */
  totalSeconds: number;
  /** CPU seconds per component (long-lived processes, read from /proc). */
  components: Record<string, number>;
}

/** Total CPU seconds the lab's cgroup has used since it started. */
export async function cgroupCpuSeconds(lab: Pick<Lab, "ok">): Promise<number> {
  const out = await lab.ok(
    `if [ -f /sys/fs/cgroup/cpu.stat ]; then awk '$1=="usage_usec"{print $2/1e6}' /sys/fs/cgroup/cpu.stat;
     else awk '{print $1/1e9}' /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || awk '{print $1/1e9}' /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage; fi`,
    { user: "root" },
  );
  return Number(out.trim());
}

/** Host pids and comm of a container's processes. */
async function processes(containerId: string, docker: import("dockerode")): Promise<Array<{ pid: number; comm: string }>> {
  const top = (await docker.getContainer(containerId).top({ ps_args: "-o pid,comm" })) as { Titles: string[]; Processes: string[][] };
  return top.Processes.map((p) => ({ pid: Number(p[0]), comm: String(p[1]) }));
}

async function procCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is state (field 3); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** A snapshot of one lab's CPU counters. */
export async function labCpuSnapshot(lab: Pick<Lab, "id" | "ok">, docker: import("dockerode")): Promise<{ total: number; byPid: Map<number, { comm: string; seconds: number }> }> {
  const procs = await processes(lab.id, docker);
  const byPid = new Map<number, { comm: string; seconds: number }>();
  for (const p of procs) {
    const s = await procCpuSeconds(p.pid);
    if (s !== null) byPid.set(p.pid, { comm: p.comm, seconds: s });
  }
  return { total: await cgroupCpuSeconds(lab), byPid };
}

/** CPU used between two snapshots, per component (processes present in both). */
export function cpuBetween(
  a: Awaited<ReturnType<typeof labCpuSnapshot>>,
  b: Awaited<ReturnType<typeof labCpuSnapshot>>,
): LabCpu {
  const components: Record<string, number> = {};
  for (const [pid, after] of b.byPid) {
    const before = a.byPid.get(pid);
    if (!before || before.comm !== after.comm) continue;
    const name = COMPONENT_OF[after.comm] ?? "other";
    components[name] = (components[name] ?? 0) + (after.seconds - before.seconds);
  }
  const named = Object.values(components).reduce((s, v) => s + v, 0);
  components["short-lived (docker exec)"] = Math.max(0, b.total - a.total - named);
  return { totalSeconds: b.total - a.total, components };
}

export interface IdleCpuResult {
  /** % of one core per lab, one sample per lab. */
  percentPerLab: number[];
  /** Mean % of one core per component across the labs. */
  percentByComponent: Record<string, number>;
  windowSeconds: number;
  labs: number;
}

/**
 * Starts `labs` labs, lets them settle, then measures each lab's CPU over `windowMs`.
 * Every lab is removed before returning.
 */
export async function idleLabCpu({ labs = 4, windowMs = 60_000, settleMs = 30_000, env }: { labs?: number; windowMs?: number; settleMs?: number; env?: Record<string, string> } = {}): Promise<IdleCpuResult> {
  await preflight();
  const { docker } = await import("../integration/cluster/lab");
  const started: Lab[] = [];
  try {
    // One after another: a cold start is CPU-heavy and the measurement is of the idle state.
    for (let i = 0; i < labs; i++) started.push(await Lab.start({ env }));
    await sleep(settleMs);
    const before = await Promise.all(started.map((l) => labCpuSnapshot(l, docker())));
    const t0 = performance.now();
    await sleep(windowMs);
    const after = await Promise.all(started.map((l) => labCpuSnapshot(l, docker())));
    const seconds = (performance.now() - t0) / 1000;
    const per = started.map((_, i) => cpuBetween(before[i]!, after[i]!));
    const byComponent: Record<string, number> = {};
    for (const p of per) for (const [k, v] of Object.entries(p.components)) byComponent[k] = (byComponent[k] ?? 0) + (100 * v) / seconds / per.length;
    return { percentPerLab: per.map((p) => (100 * p.totalSeconds) / seconds), percentByComponent: byComponent, windowSeconds: seconds, labs };
  } finally {
    await Promise.all(started.map((l) => l.remove()));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [labs = "4", window = "60", settle = "30"] = process.argv.slice(2);
  // KUBELAB_* tuning hooks of the supervisor (e.g. KUBELAB_ETCD_ARGS) are passed on to the labs.
  const env = Object.entries(process.env)
    .filter(([k]) => /^KUBELAB_(ETCD|KUBE_[A-Z_]+|KWOK)_(ARGS|ENV)$/.test(k))
    .reduce<Record<string, string>>((o, [k, v]) => ({ ...o, [k]: v ?? "" }), {});
  if (Object.keys(env).length) console.log(`lab environment: ${JSON.stringify(env)}`);
  const r = await idleLabCpu({ labs: Number(labs), windowMs: Number(window) * 1000, settleMs: Number(settle) * 1000, env });
  const mean = r.percentPerLab.reduce((s, v) => s + v, 0) / r.percentPerLab.length;
  console.log(`idle sim labs: ${r.labs}, window ${r.windowSeconds.toFixed(0)} s`);
  console.log(`% of a core per lab: ${r.percentPerLab.map((v) => v.toFixed(2)).join(", ")} (mean ${mean.toFixed(2)}; ${Math.floor(100 / mean)} idle labs per core)`);
  for (const [k, v] of Object.entries(r.percentByComponent).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(50)} ${v.toFixed(2)} %`);
}
