// Where a keystroke's echo spends its time in the class bench. The learner's figure (key sent →
// its echo received, in the bench) is the sum of: the bench's own wait to run (its one event
// loop drives every simulated learner), loopback, the server's wait to read the key, and what
// the server itself times (kubelab_terminal_echo_seconds: key written to the shell → the shell's
// output read, i.e. dockerd's exec stream, the lab's shell, and the server's wait to read the
// output). Sampled beside the others, every 10 s outside the faults: the server's histogram
// (bucket deltas, so a restarted server starts a new count), its event-loop delay p99
// (prom-client's, reset at each scrape), the bench's own event-loop delay, the host's CPU
// pressure (the share of time at least one runnable task waited for a core, /proc/pressure/cpu),
// and where the server's one JavaScript thread spent each window: on a core, waiting in the run
// queue for one (/proc/<pid>/schedstat), or in uninterruptible sleep, which for this process is
// disk I/O such as SQLite's fsync (its state sampled every 20 ms).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const ECHO = "kubelab_terminal_echo_seconds";
const LAG_P99 = "kubelab_process_nodejs_eventloop_lag_p99_seconds";

/** A Prometheus histogram's cumulative bucket counts by upper bound (seconds; +Inf last). */
export function histogramBuckets(text: string, name: string): Array<{ le: number; count: number }> {
  const out: Array<{ le: number; count: number }> = [];
  const line = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`, "gm");
  for (const m of text.matchAll(line)) out.push({ le: m[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[1]), count: Number(m[2]) });
  return out.sort((a, b) => a.le - b.le);
}

/** A gauge's value, or undefined. */
export function gauge(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Stand-in samples (ms) for histogram counts per bucket, spread evenly inside each bucket, so
 * the bench's table can print percentiles: exact to the bucket, interpolated within it. The
 * open top bucket is given its lower bound.
 */
export function samplesFromBuckets(perBucket: Array<{ lower: number; upper: number; count: number }>): number[] {
  const out: number[] = [];
  for (const b of perBucket) {
    const top = Number.isFinite(b.upper) ? b.upper : b.lower;
    for (let i = 0; i < b.count; i++) out.push(1000 * (b.lower + ((i + 0.5) / b.count) * (top - b.lower)));
  }
  return out;
}

/** CPU pressure's "some avg10" (per cent), or undefined where the kernel has no PSI. */
function cpuPressure(): number | undefined {
  if (!existsSync("/proc/pressure/cpu")) return undefined;
  const m = /^some avg10=(\d+(?:\.\d+)?)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"));
  return m ? Number(m[1]) : undefined;
}

/** Every process of a process group (the server: tsx and its node), with its CPU clock ticks and resident pages. */
export function groupProcesses(pgid: number): Array<{ pid: number; cpuTicks: number; rssPages: number }> {
  const out: Array<{ pid: number; cpuTicks: number; rssPages: number }> = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) !== pgid) continue;
      out.push({ pid: Number(d), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch {
      // gone
    }
  }
  return out;
}

type GroupProcess = ReturnType<typeof groupProcesses>[number];

/** The busiest process of a process group (the server's node process, not the tsx that started it). */
function busiestOf(group: GroupProcess[]): number | undefined {
  return [...group].sort((a, b) => b.cpuTicks - a.cpuTicks)[0]?.pid;
}

/** A thread's time on a core and waiting for one, in ns (/proc/<pid>/schedstat: the main thread's tid is the pid). */
function schedstat(pid: number): { onCpu: number; waiting: number } | undefined {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ").map(Number);
    return { onCpu: onCpu!, waiting: waiting! };
  } catch {
    return undefined;
  }
}

export class EchoProfile {
  /** Per window, % of the window the server's main thread ran, waited for a core, and was in disk sleep. */
  readonly mainThreadOnCpuPct: number[] = [];
  readonly mainThreadWaitingPct: number[] = [];
  readonly mainThreadDiskPct: number[] = [];
  private threads = new Map<number, { pid: number; at: number; onCpu: number; waiting: number }>();
  private stateSamples = { d: 0, all: 0 };
  private stateTimer?: NodeJS.Timeout;
  /** Echoes the servers timed, per bucket, summed over the sampled windows. */
  private readonly perBucket = new Map<number, { lower: number; upper: number; count: number }>();
  private last = new Map<string, Array<{ le: number; count: number }>>();
  readonly serverLagP99Ms: number[] = [];
  readonly cpuPressurePct: number[] = [];
  private readonly benchLoop = monitorEventLoopDelay({ resolution: 10 });
  readonly benchLoopMs: number[] = [];
  /** Scrapes of /metrics that failed (a server restarting): their windows are left out. */
  scrapeErrors = 0;

  start(): void {
    this.benchLoop.enable();
  }

  stop(): void {
    this.benchLoop.disable();
    clearInterval(this.stateTimer);
  }

  /** The servers' main threads (each server's process group, keyed by its id): schedstat per window, and their state every 20 ms for disk sleep. */
  sampleThreads(processGroups: Map<number, GroupProcess[]>): void {
    const now = performance.now();
    const pids: number[] = [];
    for (const [pgid, group] of processGroups) {
      const pid = busiestOf(group);
      const s = pid === undefined ? undefined : schedstat(pid);
      if (pid === undefined || !s) continue;
      pids.push(pid);
      const last = this.threads.get(pgid);
      this.threads.set(pgid, { pid, at: now, ...s });
      // A restarted server is another process: its first window has nothing to compare with.
      if (!last || last.pid !== pid) continue;
      const windowNs = (now - last.at) * 1e6;
      this.mainThreadOnCpuPct.push((100 * (s.onCpu - last.onCpu)) / windowNs);
      this.mainThreadWaitingPct.push((100 * (s.waiting - last.waiting)) / windowNs);
    }
    if (this.stateSamples.all > 0) this.mainThreadDiskPct.push((100 * this.stateSamples.d) / this.stateSamples.all);
    this.stateSamples = { d: 0, all: 0 };
    clearInterval(this.stateTimer);
    this.stateTimer = setInterval(() => {
      for (const pid of pids) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const state = stat[stat.lastIndexOf(")") + 2];
          this.stateSamples.all++;
          if (state === "D") this.stateSamples.d++;
        } catch {
          // gone (a fault)
        }
      }
    }, 20);
  }

  /** One window: the servers' /metrics (KUBELAB_METRICS_LOOPBACK=1), the bench's loop, the host's pressure. */
  async sample(baseURLs: string[]): Promise<void> {
    // The bench's loop delay over this window, as p99 of the window (like the server's).
    if (this.benchLoop.count > 0) this.benchLoopMs.push(this.benchLoop.percentile(99) / 1e6);
    this.benchLoop.reset();
    const pressure = cpuPressure();
    if (pressure !== undefined) this.cpuPressurePct.push(pressure);
    for (const base of baseURLs) {
      let text: string;
      try {
        const res = await fetch(new URL("/metrics", base), { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
        text = await res.text();
      } catch {
        this.scrapeErrors++;
        this.last.delete(base);
        continue;
      }
      const lag = gauge(text, LAG_P99);
      if (lag !== undefined) this.serverLagP99Ms.push(lag * 1000);
      const now = histogramBuckets(text, ECHO);
      const before = this.last.get(base);
      this.last.set(base, now);
      // A server that restarted counts from zero again: that window is left out.
      if (!before || before.length !== now.length || now.some((b, i) => b.count < before[i]!.count)) continue;
      let lower = 0;
      let prevDelta = 0;
      for (let i = 0; i < now.length; i++) {
        const cumulative = now[i]!.count - before[i]!.count;
        const inBucket = cumulative - prevDelta;
        prevDelta = cumulative;
        const slot = this.perBucket.get(now[i]!.le) ?? { lower, upper: now[i]!.le, count: 0 };
        slot.count += inBucket;
        this.perBucket.set(now[i]!.le, slot);
        lower = now[i]!.le;
      }
    }
  }

  /** The servers' echo times over every sampled window (ms, bucket resolution). */
  serverEchoMs(): number[] {
    return samplesFromBuckets([...this.perBucket.values()].sort((a, b) => a.lower - b.lower));
  }
}
