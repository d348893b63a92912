// The server's CPU priority, KUBELAB_SERVER_NICE (an operator's opt-in). A class keeps a small
// host's cores busy with its labs, and every keystroke, Check and page passes through this
// process's one JavaScript thread: on 2 cores with 15 working labs the class bench measured that
// thread waiting for a core five times as long as it ran (README, "Where a keystroke's time
// goes"). A server started from a shell is, for the kernel's scheduler, its session's
// autogroup: the whole group competes as one task, so the process's own nice value changes
// nothing against the labs, and the group's nice (/proc/self/autogroup) is the knob. A server
// in a cgroup of its own (a systemd service, a container) is outside autogroup: there the
// process's nice applies within its cgroup, and the service manager's CPUWeight across them.
import { readFileSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";

export type CpuPriorityApplied = { how: "autogroup" | "process"; nice: number };

/** Whether this process is scheduled as its session's autogroup: autogroup on, and in the root CPU cgroup. */
function inAutogroup(): boolean {
  try {
    if (readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() !== "1") return false;
    const cgroups = readFileSync("/proc/self/cgroup", "utf8").split("\n");
    // v1: the cpu controller's line; v2: the one unified line.
    const cpu = cgroups.find((l) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(l)) ?? cgroups.find((l) => l.startsWith("0::"));
    return cpu?.split(":")[2] === "/";
  } catch {
    return false;
  }
}

/**
 * Sets the priority or throws saying why it cannot (negative values need root or
 * CAP_SYS_NICE): an operator who asked for it must not get a server that silently runs without.
 */
export function applyCpuPriority(nice: number): CpuPriorityApplied {
  try {
    if (inAutogroup()) {
      writeFileSync("/proc/self/autogroup", String(nice));
      return { how: "autogroup", nice };
    }
    setPriority(nice);
    return { how: "process", nice };
  } catch (error) {
    throw new Error(`KUBELAB_SERVER_NICE=${nice} cannot be applied (${(error as Error).message}); a negative value needs root or CAP_SYS_NICE`);
  }
}
