// The grader: reads the learner's cluster for one exercise and returns a results document.
// All select-checks share ONE `kubectl get <kinds> -A -o json`; each command check is one
// more exec. Both run inside the lab as the grader's own account (ExecOptions.user
// "grader"): its uid, kubeconfig and environment are out of the learner's reach, and the
// binaries are named by absolute path, so editing ~/.kube/config, planting a `kubectl`
// earlier in PATH or files in /tmp cannot change what the grader sees. Output is capped in
// bytes (a learner can fill etcd with objects). A lab that cannot be read gives `error`,
// never `fail`: the learner must not be told their work is wrong when we could not look.
import { z } from "zod";
import type { Check, Exercise } from "@/sandbox/grader/exercise-schema";
import { ExecOutputLimitError, type ExecResult } from "@/sandbox/providers/types";
import { AS_GRADER, execBounded, GRADER_CREDENTIALS_SH, type GradeTarget, LAB_BIN, TIMED_OUT } from "./lab-exec";
import { runBehaviourCheck } from "./behaviour";
import { evaluateSelectCheck, type KubeObject, kindsRead } from "./evaluate";
import { apiPathOf, resourceOf } from "./kinds";
import * as say from "./messages";
import { type Bilingual, type CheckResult, documentCheck, outcomeOf, RESULTS_VERSION, type ResultsDocument } from "./results";

export { AS_GRADER, execBounded, GRADER_MAX_OUTPUT_BYTES, type GradeTarget, gradeTarget, LAB_BIN, TIMED_OUT } from "./lab-exec";

export const DEFAULT_GRADE_TIMEOUT_MS = 8000;

/** The message for an exec that failed (thrown), bilingual: too much output, or unreadable. */
function unreadable(error: unknown): Bilingual {
  return error instanceof ExecOutputLimitError ? say.outputTooLarge(error.limitBytes) : say.labUnreadable((error as Error).message);
}

export type ClusterRead =
  | { ok: true; byKind: Map<string, KubeObject[]>; unknownKinds: Set<string> }
  | { ok: false; detail: string; /** Set when the read printed more than GRADER_MAX_OUTPUT_BYTES. */ tooLarge?: Bilingual };

/** What `kubectl get -o json` prints: a List whose items each have a kind and metadata. */
const kubectlListSchema = z.looseObject({
  items: z.array(z.looseObject({ kind: z.string(), metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }) })).default([]),
});

const UNKNOWN_TYPE = /doesn't have a resource type "([^"]+)"/;

/**
 * Lists every kind through the apiserver's REST paths with ONE curl (one TLS connection),
 * as the grader: a kubectl costs a Go binary's start, a kubeconfig and a discovery cache read
 * on each call, about 130 ms of a core against curl's few, and a class of forty reads on every
 * Check and every change the live checks see. The grader's client certificate is the copy
 * grader_credentials keeps in its 0700 TMPDIR; when curl finds it refused (a rebuilt PKI) it
 * is copied again and the read tried once more.
 * Prints, per kind in order, "list <Kind> <HTTP status>" and the body on one line (a curl user
 * agent gets compact JSON); exit 3 when no certificate could be had (the caller uses kubectl).
 */
const API_READ_SCRIPT = `
${GRADER_CREDENTIALS_SH}
seconds=$1; shift
out=$(mktemp -d "$TMPDIR/read.XXXXXX") || exit 3
trap 'rm -rf "$out"' EXIT
fetch() {
  local args=() i=0 spec server
  server=$(<"$creds/server")
  for spec in "$@"; do args+=(-o "$out/$i" "$server\${spec#*|}"); i=$((i + 1)); done
  curl -sS --max-time "$seconds" -A kubelab-read --cacert "$creds/ca" --cert "$creds/crt" --key "$creds/key" -w '%{http_code}\n' "\${args[@]}" > "$out/codes" 2> "$out/err"
}
grader_credentials || exit 3
fetch "$@"; rc=$?
if [ $rc -eq 58 ] || [ $rc -eq 60 ] || [ $rc -eq 35 ] || grep -qx 401 "$out/codes"; then
  grader_credentials_again || exit 3
  fetch "$@"; rc=$?
fi
if [ $rc -ne 0 ]; then echo "curl $rc $(tail -c 300 "$out/err")"; exit 0; fi
mapfile -t codes < "$out/codes"
i=0
for spec in "$@"; do
  echo "list \${spec%%|*} \${codes[$i]}"
  cat "$out/$i"; echo
  i=$((i + 1))
done
`;

/** A read whose exec failed (thrown): the lab could not be reached, or it printed too much. */
function unreadRead(error: unknown): ClusterRead {
  return { ok: false, detail: (error as Error).message, ...(error instanceof ExecOutputLimitError ? { tooLarge: unreadable(error) } : {}) };
}

const noAnswerWithin = (seconds: number) => `the apiserver did not answer within ${seconds} s`;

/** A list as the apiserver returns it: its items carry no kind of their own. */
const apiListSchema = z.looseObject({ apiVersion: z.string().optional(), items: z.array(z.looseObject({})).nullable().default([]) });

/** readCluster through the REST paths; undefined when a kind has no known path or no certificate could be had. */
async function readClusterByApi(target: GradeTarget, kinds: string[], timeoutMs: number): Promise<ClusterRead | undefined> {
  const specs = kinds.map((kind) => ({ kind, path: apiPathOf(kind) }));
  if (specs.some((s) => s.path === undefined)) return undefined;
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  let r: ExecResult;
  try {
    r = await execBounded(target, [LAB_BIN.bash, "-c", API_READ_SCRIPT, "kubelab-read", String(seconds), ...specs.map((s) => `${s.kind}|${s.path}`)], timeoutMs, AS_GRADER);
  } catch (error) {
    return unreadRead(error);
  }
  if (r.exitCode === 3) return undefined;
  if (TIMED_OUT.has(r.exitCode)) return { ok: false, detail: noAnswerWithin(seconds) };
  const lines = r.stdout.split("\n");
  const failed = /^curl (\d+) ?(.*)$/.exec(lines[0] ?? "");
  if (failed) return { ok: false, detail: failed[1] === "28" ? noAnswerWithin(seconds) : `the apiserver could not be reached (curl ${failed[1]}): ${failed[2]}`.trim() };
  if (r.exitCode !== 0) return { ok: false, detail: r.stderr.trim() || `the read exited with ${r.exitCode}` };
  const byKind = new Map<string, KubeObject[]>();
  const unknownKinds = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const head = /^list ([A-Za-z]+) (\d{3})$/.exec(lines[i]!);
    if (!head) continue;
    const [, kind, status] = head as unknown as [string, string, string];
    const body = lines[i + 1] ?? "";
    // 404: the group or version is not served here, as kubectl says of a kind it does not know.
    if (status === "404") {
      unknownKinds.add(kind);
      continue;
    }
    let list: z.infer<typeof apiListSchema>;
    try {
      list = apiListSchema.parse(JSON.parse(body));
    } catch {
      return { ok: false, detail: `the apiserver answered ${status} for ${kind} with something that is not a list: ${body.slice(0, 200)}` };
    }
    if (status !== "200") return { ok: false, detail: `the apiserver answered ${status} for ${kind}: ${String((list as { message?: unknown }).message ?? body.slice(0, 200))}` };
    byKind.set(kind, (list.items ?? []).map((item) => ({ ...item, apiVersion: list.apiVersion, kind }) as KubeObject));
  }
  const missing = kinds.filter((k) => !byKind.has(k) && !unknownKinds.has(k));
  if (missing.length > 0) return { ok: false, detail: `the read printed no list of ${missing.join(", ")}` };
  return { ok: true, byKind, unknownKinds };
}

/**
 * Every kind in one read: through the REST paths when each kind has one (readClusterByApi),
 * else one `kubectl get` for all, which resolves any kind by discovery. Kinds the cluster
 * does not know are left out and reported.
 */
export async function readCluster(target: GradeTarget, kinds: string[], timeoutMs: number): Promise<ClusterRead> {
  const wantedKinds = [...new Set(kinds)];
  if (wantedKinds.length === 0) return { ok: true, byKind: new Map(), unknownKinds: new Set() };
  return (await readClusterByApi(target, wantedKinds, timeoutMs)) ?? readClusterByKubectl(target, wantedKinds, timeoutMs);
}

async function readClusterByKubectl(target: GradeTarget, kinds: string[], timeoutMs: number): Promise<ClusterRead> {
  const unknownKinds = new Set<string>();
  let wanted = kinds;
  while (wanted.length > 0) {
    let r: ExecResult;
    try {
      const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
      r = await execBounded(target, [LAB_BIN.kubectl, "get", wanted.map(resourceOf).join(","), "-A", "-o", "json", `--request-timeout=${seconds}s`], timeoutMs, AS_GRADER);
    } catch (error) {
      return unreadRead(error);
    }
    if (r.exitCode === 0) {
      let items: KubeObject[];
      try {
        items = kubectlListSchema.parse(JSON.parse(r.stdout)).items as KubeObject[];
      } catch {
        return { ok: false, detail: `kubectl printed something that is not a list of objects: ${r.stdout.slice(0, 200)}` };
      }
      const byKind = new Map<string, KubeObject[]>(wanted.map((k) => [k, []]));
      for (const item of items) byKind.get(item.kind ?? "")?.push(item);
      return { ok: true, byKind, unknownKinds };
    }
    if (TIMED_OUT.has(r.exitCode)) return { ok: false, detail: `kubectl did not answer within ${Math.round(timeoutMs / 1000)} s` };
    const unknown = UNKNOWN_TYPE.exec(r.stderr)?.[1];
    const kind = unknown && wanted.find((k) => resourceOf(k) === unknown || k.toLowerCase() === unknown.toLowerCase());
    if (!kind) return { ok: false, detail: r.stderr.trim() || r.stdout.trim() || `kubectl exited with ${r.exitCode}` };
    unknownKinds.add(kind);
    wanted = wanted.filter((k) => k !== kind);
  }
  return { ok: true, byKind: new Map(), unknownKinds };
}

/** Can the learner's kubectl reach the apiserver? Decides `fail` vs `error` for a failed command. */
async function apiserverAnswers(target: GradeTarget, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  try {
    const r = await execBounded(target, [LAB_BIN.kubectl, "get", "--raw=/readyz", "--request-timeout=3s"], Math.min(timeoutMs, 5000), AS_GRADER);
    return { ok: r.exitCode === 0, detail: r.stderr.trim() || r.stdout.trim() };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

function base(check: Check) {
  return { id: check.id, title: check.title, hint: check.hint };
}

async function runCommandCheck(check: Check & { command: string }, target: GradeTarget, timeoutMs: number, labReadable: () => Promise<{ ok: boolean; detail: string }>): Promise<CheckResult> {
  let r: ExecResult;
  try {
    // As the grader, in its own home: a check about the learner's files names them through
    // $KUBELAB_LEARNER_HOME (the grader's group may read them), never through $HOME, so no
    // ~/.jq, kubeconfig or cache of the learner's steers the tools the check runs.
    r = await execBounded(target, [LAB_BIN.bash, "-c", check.command], timeoutMs, AS_GRADER);
  } catch (error) {
    return { ...base(check), status: "error", message: unreadable(error) };
  }
  // The command's last line of output is the value it compared; its script is never shown.
  const found = say.commandFoundText(r.stdout);
  if (r.exitCode === 0) return { ...base(check), status: "pass", message: check.says?.pass ? say.fillFound(check.says.pass, found) : say.commandPassed(), ...(found ? { found } : {}) };
  const lab = await labReadable();
  if (!lab.ok) return { ...base(check), status: "error", message: say.labUnreadable(lab.detail) };
  if (TIMED_OUT.has(r.exitCode)) return { ...base(check), status: "fail", message: say.commandTimedOut(Math.ceil(timeoutMs / 1000)) };
  return { ...base(check), status: "fail", message: check.says ? say.fillFound(check.says.fail, found) : say.commandFailed(r.exitCode), ...(found ? { found } : {}) };
}

export async function gradeExercise(
  input: { lessonId: string; exercise: Exercise },
  target: GradeTarget,
  options: {
    timeoutMs?: number;
    /** A read already made for these kinds (live checking grades a lesson's exercises from one read). */
    clusterRead?: Promise<ClusterRead>;
  } = {},
): Promise<ResultsDocument> {
  const t0 = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_GRADE_TIMEOUT_MS;
  const { exercise } = input;
  const kinds = exercise.checks.flatMap(kindsRead);
  const read = kinds.length > 0 ? (options.clusterRead ?? readCluster(target, kinds, timeoutMs)) : undefined;

  let probe: Promise<{ ok: boolean; detail: string }> | undefined;
  const labReadable = () =>
    (probe ??= read
      ? read.then((r) => (r.ok ? { ok: true, detail: "" } : { ok: false, detail: r.detail }))
      : apiserverAnswers(target, timeoutMs));

  const results = await Promise.all(
    exercise.checks.map(async (check): Promise<CheckResult> => {
      if (check.command !== undefined) return runCommandCheck(check as Check & { command: string }, target, timeoutMs, labReadable);
      const r = await read!;
      if (!r.ok) return { ...base(check), status: "error", message: r.tooLarge ?? say.checkNotRun() };
      if (!check.select) return runBehaviourCheck(check, (k) => r.byKind.get(k) ?? [], target, timeoutMs);
      const kind = check.select.kind;
      if (r.unknownKinds.has(kind)) return { ...base(check), status: "fail", message: say.unknownKind(kind), found: "0" };
      return evaluateSelectCheck(check, r.byKind.get(kind) ?? [], (k) => r.byKind.get(k) ?? []);
    }),
  );

  let error: Bilingual | undefined;
  const readResult = read ? await read : undefined;
  if (readResult && !readResult.ok) error = readResult.tooLarge ?? say.labUnreadable(readResult.detail);
  else if (!read && results.some((c) => c.status === "error")) error = results.find((c) => c.status === "error")!.message;

  return {
    version: RESULTS_VERSION,
    lessonId: input.lessonId,
    exerciseId: exercise.id,
    outcome: outcomeOf(results),
    gradedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    checks: results.map(documentCheck),
    ...(error ? { error } : {}),
  };
}
