// How the grader runs a command in a lab: bound to one lab, by absolute path, under an
// in-lab timeout, as the grader's own account when it reads. Apart from engine.ts so the
// checks on behaviour (behaviour.ts) use it without importing the engine that calls them.
import type { ExecOptions, ExecResult, LabProfile, Provider, ProviderState } from "@/sandbox/providers/types";

/** Provider.exec bound to one lab. */
export interface GradeTarget {
  exec(cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * The lab's profile when the caller knows it: checks on behaviour (logs, exec, http) need
   * real pods and say so at once in a `sim` lab. Without it they judge by the nodes they read.
   */
  profile?: LabProfile;
}

export function gradeTarget(provider: Pick<Provider, "exec">, state: ProviderState): GradeTarget {
  return { exec: (cmd, options) => provider.exec(state, cmd, options), profile: state.profile };
}

/**
 * Bytes of output one grader exec may return. A lesson's objects print well under 1 MiB;
 * 10,000 ConfigMaps print tens of MiB, which would be held in the server's memory.
 */
export const GRADER_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Binaries of the lab image, by absolute path (the local provider maps /usr/local/bin). */
export const LAB_BIN = { timeout: "/usr/bin/timeout", bash: "/bin/bash", kubectl: "/usr/local/bin/kubectl" } as const;

/** How the grader runs its own commands in a lab. */
export const AS_GRADER = { user: "grader", maxOutputBytes: GRADER_MAX_OUTPUT_BYTES } as const satisfies Omit<ExecOptions, "timeoutMs">;

/**
 * Runs `cmd` in the lab under coreutils' `timeout`, so a command that hangs is killed INSIDE
 * the lab (the provider's own timeout only stops waiting for it). Exit 124/137 means the
 * in-lab timeout fired. As the learner unless options say otherwise (a solution or an
 * exercise's set-up acts for the learner); the grader's reads pass AS_GRADER.
 */
export function execBounded(target: GradeTarget, cmd: string[], timeoutMs: number, options: Omit<ExecOptions, "timeoutMs"> = {}): Promise<ExecResult> {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return target.exec([LAB_BIN.timeout, "-k", "1", String(seconds), ...cmd], { user: "learner", ...options, timeoutMs: timeoutMs + 3000 });
}

export const TIMED_OUT = new Set([124, 137]);
