// How many labs this host can hold. Planned by each lab's memory LIMIT
// (KUBELAB_LAB_MEMORY_MB), the most a lab may ever take, not by what a lab typically uses:
// labs that all grow to their limit at once must still fit beside the server, dockerd and the
// kernel, or the host's OOM killer decides who dies. On top of that plan, each new lab needs
// the host's memory available now (MemAvailable) to hold its whole limit, so other services on
// the host or an operator's KUBELAB_CAPACITY cannot push labs into a host that is out of memory.
import { readFileSync } from "node:fs";
import { freemem, totalmem } from "node:os";

/** Left to the server, the database, dockerd and the kernel. */
export const RESERVED_BYTES = 2 * 1024 ** 3;
/** Kept free beyond a new lab's limit when admitting it. */
export const HEADROOM_BYTES = 256 * 1024 ** 2;

/** The most labs whose limits fit in the host's memory less the reserve; never zero. */
export function plannedCapacity(labLimitBytes: number, hostMemoryBytes = totalmem()): number {
  return Math.max(1, Math.floor((hostMemoryBytes - RESERVED_BYTES) / labLimitBytes));
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
