// How many labs this host can hold: the fewer of two plans, memory and CPU.
// Memory: planned by each lab's memory LIMIT
// (KUBELAB_LAB_MEMORY_MB), the most a lab may ever take, not by what a lab typically uses:
// labs that all grow to their limit at once must still fit beside the server, dockerd and the
// kernel, or the host's OOM killer decides who dies. On top of that plan, each new lab needs
// the host's memory available now (MemAvailable) to hold its whole limit, so other services on
// the host or an operator's KUBELAB_CAPACITY cannot push labs into a host that is out of memory.
// CPU: every lab runs its own control plane, which burns CPU even while its learner only reads
// (a `sim` lab measured 4.5 % of a core with no lesson open, 6.5 % in the class bench, plus
// about 2 % outside its cgroup for the exec plumbing, the server and dockerd). Memory alone let
// 44 labs onto a 2-core / 24 GiB host, whose idle control planes took both cores before anyone
// typed; 25 labs of a working class still kept both cores busy (load 70-96, Checks 18 s), and
// every lab, terminal and Check slows down together. So the CPU plan keeps the labs' expected
// load within the host's cores, less a reserve for the server, dockerd and bursts of commands.
import { readFileSync } from "node:fs";
import { availableParallelism, freemem, totalmem } from "node:os";

/** Left to the server, the database, dockerd and the kernel. */
export const RESERVED_BYTES = 2 * 1024 ** 3;
/** Kept free beyond a new lab's limit when admitting it. */
export const HEADROOM_BYTES = 256 * 1024 ** 2;

/** The most labs whose limits fit in the host's memory less the reserve; never zero. */
export function plannedCapacity(labLimitBytes: number, hostMemoryBytes = totalmem()): number {
  return Math.max(1, Math.floor((hostMemoryBytes - RESERVED_BYTES) / labLimitBytes));
}

/** Cores left to the server, dockerd and the bursts of learners' commands and Checks. */
export const RESERVED_CORES = 0.5;

/**
 * The most labs whose expected CPU (`labCpuPercent` of one core each) fits in the host's cores
 * less the reserve; never zero. 2 cores at 10 % make 15, 4 cores 35. The cores are the ones this
 * process may run on (a server in a container with a CPU quota but no cpuset still sees the
 * host's, which is right: the labs run on the host's dockerd, not in the server's quota).
 */
export function plannedCpuCapacity(labCpuPercent: number, cores = availableParallelism()): number {
  if (!(labCpuPercent > 0)) throw new RangeError(`plannedCpuCapacity: a lab's CPU share must be above 0 %, not ${labCpuPercent}`);
  return Math.max(1, Math.floor(((cores - RESERVED_CORES) * 100) / labCpuPercent));
}

/** The memory all labs' limits together may take: the host's memory less the reserve. */
export function plannedMemoryBudget(hostMemoryBytes = totalmem()): number {
  return Math.max(0, hostMemoryBytes - RESERVED_BYTES);
}

/** The kernel's estimate of memory available to new work without swapping (MemAvailable). */
export function availableMemoryBytes(meminfo?: string): number {
  try {
    const text = meminfo ?? readFileSync("/proc/meminfo", "utf8");
    const kb = /^MemAvailable:\s+(\d+) kB$/m.exec(text)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall back to what Node reports
  }
  return freemem();
}

/** Whether the host has the memory for one more lab right now: its whole limit and some headroom. */
export function roomForOneMoreLab(labLimitBytes: number, availableBytes = availableMemoryBytes()): boolean {
  return availableBytes >= labLimitBytes + HEADROOM_BYTES;
}
