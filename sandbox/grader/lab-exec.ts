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

/**
 * Bash: `grader_credentials` copies the apiserver's address, its CA, and the grader's client
 * certificate and key out of the grader's kubeconfig into "$creds" (made 0700), for curl,
 * which cannot read a kubeconfig; a copy already there is kept. Fails when there is none to
 * copy. The key is written last and renamed into place: a reader at the same moment finds
 * all of it or none. One copy serves every read and live watch in the lab, so when one of
 * them finds it refused (a rebuilt PKI), `grader_credentials_again` renews it for all.
 */
export const GRADER_CREDENTIALS_SH = `creds="$TMPDIR/kubelab-credentials"
grader_credentials() {
  local server ca crt key
  [ -s "$creds/key" ] && return 0
  mkdir -p -m 700 "$creds" || return 1
  read -r server ca crt key < <(${LAB_BIN.kubectl} config view --raw --minify -o jsonpath='{.clusters[0].cluster.server} {.clusters[0].cluster.certificate-authority-data} {.users[0].user.client-certificate-data} {.users[0].user.client-key-data}' 2>/dev/null)
  [ -n "$key" ] || return 1
  printf %s "$server" > "$creds/server" && printf %s "$ca" | base64 -d > "$creds/ca" && printf %s "$crt" | base64 -d > "$creds/crt" || return 1
  (umask 077; printf %s "$key" | base64 -d > "$creds/key.$$") && mv -f "$creds/key.$$" "$creds/key"
}
grader_credentials_again() { rm -rf "$creds"; grader_credentials; }`;
