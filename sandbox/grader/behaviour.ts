// Checks on what the learner's app does, not on what its YAML says: a container's logs, a
// command run in a container, an HTTP request to a Service or an Ingress host. They need real
// pods (profile `node`); in a `sim` lab kwok plays the node and runs nothing, so they give
// `error` ("needs a lab with real pods"), never `fail`.
//
// The rule of the whole grader holds here with more ways to go wrong: `fail` only when we
// looked and the learner's work is not there (no pod, a container that has not started, a
// wrong answer, a refused connection: the learner can fix each); `error` when we could not look
// (the kubelet or the API did not answer, a timeout on our side, more output than we read).
//
// Where the request comes from: the lab container IS the node (kubelet, kube-proxy and the
// pods' bridge run in it), so the grader runs `curl` there, as its own account, against the
// Service's ClusterIP or the node's address and NodePort, resolved from the objects already
// read. That is exactly where the Service's name leads (CoreDNS answers the ClusterIP), with no
// image to pull, no pod to schedule and clean up (a short-lived busybox pod would cost ~1 s of
// scheduling and a sandbox per check, and would leave a pod in the learner's `kubectl get
// pods`), and no learner input in any shell line: every value goes in as argv.
//
// Every exec is bounded: in time (coreutils `timeout` in the lab, plus the provider's own
// limit) and in bytes (`--limit-bytes`, `head -c` in the lab, BEHAVIOUR_MAX_BYTES).
import { z } from "zod";
import { AS_GRADER, execBounded, type GradeTarget, LAB_BIN, TIMED_OUT } from "./lab-exec";
import { BEHAVIOUR_MAX_BYTES, type Check } from "./exercise-schema";
import { judgeEndpoints } from "./concepts";
import type { KubeObject } from "./evaluate";
import * as say from "./messages";
import { hasRealNodes, type PodPick, type PodRef, pickPod } from "./pods";
import type { Bilingual, CheckResult } from "./results";
import { ExecOutputLimitError, type ExecResult } from "@/sandbox/providers/types";

type TextMatch = NonNullable<NonNullable<Check["logs"]>["match"]>;
type HttpSpec = NonNullable<Check["http"]>;
type Read = (kind: string) => KubeObject[];

const base = (check: Check) => ({ id: check.id, title: check.title, hint: check.hint });

/** Runs `cmd` with stdout cut at BEHAVIOUR_MAX_BYTES + 1 and stderr at 16 KiB, in the lab; the exit code is cmd's own. */
const BOUNDED = `"$@" 2> >(head -c 16384 >&2) | head -c ${BEHAVIOUR_MAX_BYTES + 1}; exit "\${PIPESTATUS[0]}"`;

export function textMatches(m: TextMatch | { contains?: string; regex?: string }, text: string): boolean {
  if (m.contains !== undefined) return text.includes(m.contains);
  return new RegExp(m.regex ?? "", "m").test(text);
}

/** One grader exec in the lab; a timeout or a failed exec is an `error` message (we could not look), with timedOut set for the first. */
async function run(target: GradeTarget, cmd: string[], timeoutMs: number): Promise<{ r?: ExecResult; error?: Bilingual; timedOut?: boolean }> {
  try {
    const r = await execBounded(target, cmd, timeoutMs, AS_GRADER);
    if (TIMED_OUT.has(r.exitCode)) return { error: say.behaviourTimedOut(Math.ceil(timeoutMs / 1000)), timedOut: true };
    return { r };
  } catch (error) {
    return { error: error instanceof ExecOutputLimitError ? say.outputOverLimit(Math.round(error.limitBytes / 1024)) : say.behaviourUnreadable((error as Error).message) };
  }
}

/** A pod that is not there or has nothing to look at yet: `fail` with what is missing, `error` on a simulated node. */
function podProblem(check: Check, pick: Exclude<PodPick, { ok: true }>, ref: PodRef): CheckResult {
  const b = base(check);
  switch (pick.problem) {
    case "noPod":
      return { ...b, status: "fail", message: say.nothingSelected({ kind: "Pod", name: ref.name, labels: ref.labels, namespace: ref.namespace }), found: say.countFoundText(0) };
    case "simulated":
      return { ...b, status: "error", message: say.needsRealPods() };
    case "noContainer":
      return { ...b, status: "fail", message: say.podNoContainer(say.objectText("Pod", pick.pod, ref.namespace), ref.container ?? "?", pick.containers) };
    case "notStarted":
      return { ...b, status: "fail", message: say.containerNotStarted(say.containerText(pick.pod, pick.container, ref.namespace), pick.reason), found: { en: code(pick.reason), ko: code(pick.reason) } };
    case "notRunning":
      return { ...b, status: "fail", message: say.containerNotRunning(say.containerText(pick.pod, pick.container, ref.namespace), pick.reason), found: { en: code(pick.reason), ko: code(pick.reason) } };
    case "noPrevious":
      return { ...b, status: "fail", message: say.containerNoPrevious(say.containerText(pick.pod, pick.container, ref.namespace)) };
  }
}

const code = say.code;

/** Judges logs that came back. Pure. */
export function judgeLogs(check: Check, container: Bilingual, text: string): CheckResult {
  const spec = check.logs!;
  const want = say.textMatchExpected(spec.match);
  const lines = text.split("\n").filter((l) => l.trim() !== "").length;
  const found = say.outputTail(text);
  if (textMatches(spec.match, text)) return { ...base(check), status: "pass", message: say.logsMatched(container, spec.previous, want), found };
  return { ...base(check), status: "fail", message: say.logsNoMatch(container, spec.previous, want, lines), expected: want, found };
}

const LOGS_GONE = /^unable to retrieve container logs for \S+\s*$/;

async function runLogs(check: Check, read: Read, target: GradeTarget, timeoutMs: number): Promise<CheckResult> {
  const spec = check.logs!;
  const pick = pickPod(read("Pod"), read("Node"), spec.pod, spec.previous ? "previous" : "logs");
  if (!pick.ok) return podProblem(check, pick, spec.pod);
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const cmd = [LAB_BIN.kubectl, "logs", "-n", pick.namespace, pick.pod, "-c", pick.container, `--tail=${spec.tail}`, `--limit-bytes=${BEHAVIOUR_MAX_BYTES}`, `--request-timeout=${seconds}s`];
  if (spec.previous) cmd.push("--previous");
  const { r, error } = await run(target, cmd, timeoutMs);
  if (error) return { ...base(check), status: "error", message: error };
  // The pod was read a moment ago; a kubectl that fails now met the kubelet or the API failing (or the pod just went away).
  if (r!.exitCode !== 0) return { ...base(check), status: "error", message: say.behaviourUnreadable(r!.stderr || r!.stdout) };
  // The kubelet answers this, with success, when the container's log file is gone (a crash
  // looping container's older run, collected as it restarts): nothing was read.
  if (LOGS_GONE.test(r!.stdout)) return { ...base(check), status: "error", message: say.behaviourUnreadable(r!.stdout) };
  return judgeLogs(check, say.containerText(pick.pod, pick.container, pick.namespace), r!.stdout);
}

/** What `kubectl exec` says when the command itself ran and exited non-zero. */
const TERMINATED = /command terminated with exit code (\d+)/;
/** The runtime could not start the program (not in the image). */
const NOT_FOUND = /executable file not found|no such file or directory/i;

/** Judges what `kubectl exec` returned. Pure. */
export function judgeExec(check: Check, container: Bilingual, r: ExecResult): CheckResult {
  const spec = check.exec!;
  const b = base(check);
  if (r.stdout.length > BEHAVIOUR_MAX_BYTES) return { ...b, status: "error", message: say.outputOverLimit(BEHAVIOUR_MAX_BYTES / 1024) };
  const terminated = TERMINATED.exec(r.stderr);
  let exitCode: number;
  if (r.exitCode === 0) exitCode = 0;
  else if (terminated) exitCode = Number(terminated[1]);
  else if (NOT_FOUND.test(r.stderr)) return { ...b, status: "fail", message: say.execNotFound(container, spec.command) };
  else return { ...b, status: "error", message: say.behaviourUnreadable(r.stderr || r.stdout || `kubectl exited with ${r.exitCode}`) };
  const found = say.outputTail(r.stdout);
  if (exitCode !== spec.exitCode) {
    return { ...b, status: "fail", message: say.execExitMismatch(container, spec.command, spec.exitCode, exitCode), expected: { en: `exit code ${spec.exitCode}`, ko: `종료 코드 ${spec.exitCode}` }, found: say.outputTail(`${r.stdout}\n${r.stderr.replace(TERMINATED, "")}`) };
  }
  if (spec.stdout && !textMatches(spec.stdout, r.stdout)) {
    const want = say.textMatchExpected(spec.stdout);
    return { ...b, status: "fail", message: say.execOutputNoMatch(container, spec.command, want), expected: want, found };
  }
  return { ...b, status: "pass", message: say.execPassed(container, spec.command, exitCode, spec.stdout ? say.textMatchExpected(spec.stdout) : undefined), found };
}

async function runExec(check: Check, read: Read, target: GradeTarget, timeoutMs: number): Promise<CheckResult> {
  const spec = check.exec!;
  const pick = pickPod(read("Pod"), read("Node"), spec.pod, "running");
  if (!pick.ok) return podProblem(check, pick, spec.pod);
  const limitMs = Math.min(timeoutMs, spec.timeoutSeconds * 1000);
  // argv all the way: bash runs "$@", never a line built from the check or the cluster.
  const cmd = [LAB_BIN.bash, "-c", BOUNDED, "kubelab-exec", LAB_BIN.kubectl, "exec", "-n", pick.namespace, pick.pod, "-c", pick.container, "--", ...spec.command];
  const { r, error, timedOut } = await run(target, cmd, limitMs);
  const container = say.containerText(pick.pod, pick.container, pick.namespace);
  if (error) return { ...base(check), status: "error", message: timedOut ? say.execTimedOut(container, spec.command, Math.ceil(limitMs / 1000)) : error };
  return judgeExec(check, container, r!);
}

// ---- http ----------------------------------------------------------------------------------

const ipSchema = z.union([z.ipv4(), z.ipv6()]);

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

/**
 * Where a request goes: its URL and, for a name, the address curl resolves it to (--resolve
 * host:port:ip); `started`, when the Service's newest endpoint pod started its containers.
 */
export type HttpAddress =
  | { ok: true; url: string; resolve?: string; to: Bilingual; started?: Date }
  | { ok: false; result: Omit<CheckResult, "id" | "title" | "hint"> };

/**
 * When the newest container of the Service's ready endpoint pods started (from the
 * EndpointSlices' pod references), or undefined when none says. Ready is not listening: with no
 * readiness probe a pod is ready as soon as its container runs, while the app in it may still be
 * copying files or initialising a database. Pure.
 */
export function newestEndpointStart(svc: KubeObject, read: Read): Date | undefined {
  const name = svc.metadata?.name;
  const ns = svc.metadata?.namespace ?? "default";
  const podNames = new Set<string>();
  for (const slice of read("EndpointSlice")) {
    if ((slice.metadata?.namespace ?? "default") !== ns || slice.metadata?.labels?.["kubernetes.io/service-name"] !== name) continue;
    for (const e of (Array.isArray(slice.endpoints) ? slice.endpoints : []) as { targetRef?: { kind?: string; name?: string } }[]) {
      if (e.targetRef?.kind === "Pod" && e.targetRef.name) podNames.add(e.targetRef.name);
    }
  }
  let newest: number | undefined;
  for (const pod of read("Pod")) {
    if ((pod.metadata?.namespace ?? "default") !== ns || !podNames.has(pod.metadata?.name ?? "")) continue;
    for (const c of (Array.isArray(pod.status?.containerStatuses) ? pod.status.containerStatuses : []) as { state?: { running?: { startedAt?: string } } }[]) {
      const at = Date.parse(c.state?.running?.startedAt ?? "");
      if (Number.isFinite(at) && (newest === undefined || at > newest)) newest = at;
    }
  }
  return newest === undefined ? undefined : new Date(newest);
}

/** The URL a request goes to, from the objects read: a Service's ClusterIP or the node's address and NodePort. Pure. */
export function httpAddress(spec: HttpSpec, read: Read): HttpAddress {
  const serviceName = spec.ingress ? spec.ingress.controller.service : spec.service!;
  const namespace = spec.ingress ? spec.ingress.controller.namespace : spec.namespace;
  const wantPort = spec.ingress ? spec.ingress.controller.port : spec.port;
  const svc = read("Service").find((s) => s.metadata?.name === serviceName && (s.metadata?.namespace ?? "default") === namespace);
  const svcText = say.objectText("Service", serviceName, namespace);
  if (!svc) return { ok: false, result: { status: "fail", message: say.nothingSelected({ kind: "Service", name: serviceName, namespace }), found: say.countFoundText(0) } };
  const ports = (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []) as ServicePort[];
  const port = wantPort === undefined ? ports[0] : ports.find((p) => (typeof wantPort === "number" ? p.port === wantPort : p.name === wantPort));
  if (!port || typeof port.port !== "number") return { ok: false, result: { status: "fail", message: say.servicePortMissing(svcText, wantPort ?? "?") } };
  const portText = String(wantPort ?? port.port);
  const to = spec.ingress
    ? say.requestTarget({ host: spec.ingress.host, path: spec.path })
    : say.requestTarget({ service: serviceName, namespace, port: portText, via: spec.via, path: spec.path });
  const bracket = (ip: string) => (ip.includes(":") ? `[${ip}]` : ip);
  const nodePort = !spec.ingress && spec.via === "nodePort";
  if (nodePort && typeof port.nodePort !== "number") {
    return { ok: false, result: { status: "fail", message: say.serviceNoNodePort(svcText, typeof svc.spec?.type === "string" ? svc.spec.type : "ClusterIP") } };
  }
  // No ready endpoint: say why from the objects (a selector that matches no pod, pods not
  // ready), as the endpoints check does, rather than whatever the packet met on its way.
  const endpoints = judgeEndpoints(svc, { gte: 1 }, read);
  if (!endpoints.ok) return { ok: false, result: { status: "fail", message: endpoints.message, expected: endpoints.expected, found: endpoints.found } };
  if (nodePort) {
    const address = nodeAddress(read("Node"));
    if (!address) return { ok: false, result: { status: "error", message: say.behaviourUnreadable("the node reports no InternalIP address") } };
    return { ok: true, url: `http://${bracket(address)}:${port.nodePort}${spec.path}`, to, started: newestEndpointStart(svc, read) };
  }
  const ip = svc.spec?.clusterIP;
  if (typeof ip !== "string" || ip === "None" || !ipSchema.safeParse(ip).success) return { ok: false, result: { status: "fail", message: say.serviceNoClusterIP(svcText) } };
  // Asked by name, as a client in a pod asks (curl http://web/): the name goes in Host and in
  // any redirect the app sends back, and curl resolves it to the ClusterIP as CoreDNS would.
  // An Ingress routes by its host, sent to the controller's Service the same way.
  const host = spec.ingress ? spec.ingress.host : serviceName;
  // Through an Ingress, the controller's pods answer first; how new the app is, it cannot say.
  return { ok: true, url: `http://${host}:${port.port}${spec.path}`, resolve: `${host}:${port.port}:${bracket(ip)}`, to, started: spec.ingress ? undefined : newestEndpointStart(svc, read) };
}

function nodeAddress(nodes: KubeObject[]): string | undefined {
  for (const n of nodes) {
    const addresses = (Array.isArray(n.status?.addresses) ? n.status.addresses : []) as { type?: string; address?: string }[];
    const ip = addresses.find((a) => a.type === "InternalIP")?.address;
    if (ip && ipSchema.safeParse(ip).success) return ip;
  }
  return undefined;
}

/** curl's answer: headers and the start of the body (-i), and on stderr whether it connected. */
export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Parses `curl -i` output: the last header block (after any 1xx or followed redirect), then the body. Pure. */
export function parseHttpAnswer(stdout: string): HttpAnswer | undefined {
  let rest = stdout;
  for (;;) {
    const end = rest.search(/\r?\n\r?\n/);
    const head = end < 0 ? rest : rest.slice(0, end);
    const statusLine = /^HTTP\/[\d.]+ (\d{3})/.exec(head);
    if (!statusLine) return undefined;
    const body = end < 0 ? "" : rest.slice(end).replace(/^\r?\n\r?\n/, "");
    const status = Number(statusLine[1]);
    // A 1xx, or a redirect curl followed (-L): the next header block is the answer that counts.
    if (end >= 0 && ((status >= 100 && status < 200) || (status >= 300 && status < 400 && /^HTTP\/[\d.]+ \d{3}/.test(body)))) {
      rest = body;
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of head.split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status, headers, body };
  }
}

/** Judges an answer against the check's status, header and body. Pure. */
export function judgeHttp(check: Check, to: Bilingual, answer: HttpAnswer): CheckResult {
  const spec = check.http!;
  const b = base(check);
  const found = say.httpFound(answer.status, answer.body);
  const want = Array.isArray(spec.status) ? spec.status : [spec.status];
  if (!want.includes(answer.status)) return { ...b, status: "fail", message: say.httpStatusMismatch(to, want, answer.status), expected: say.httpStatusExpected(want), found };
  const extra: Bilingual[] = [];
  if (spec.header) {
    const value = answer.headers.get(spec.header.name.toLowerCase());
    if (value === undefined) return { ...b, status: "fail", message: say.httpHeaderMissing(to, spec.header.name), found };
    if ((spec.header.contains !== undefined || spec.header.regex !== undefined) && !textMatches(spec.header, value)) {
      return { ...b, status: "fail", message: say.httpHeaderMismatch(to, spec.header.name, spec.header, value), found };
    }
    extra.push(say.httpHeaderClause(spec.header.name, value));
  }
  if (spec.body) {
    const wantBody = say.textMatchExpected(spec.body);
    if (!textMatches(spec.body, answer.body)) return { ...b, status: "fail", message: say.httpBodyNoMatch(to, wantBody), expected: wantBody, found };
    extra.push(say.httpBodyClause(wantBody));
  }
  return { ...b, status: "pass", message: say.httpAnswered(to, answer.status, extra), found };
}

/** Seconds curl waits for a connection (the whole answer: the check's timeoutSeconds). */
const HTTP_CONNECT_SECONDS = 3;

// $1 url, $2 --resolve entry ("" for none), $3 connect seconds, $4 total seconds, $5 "follow"
// to follow redirects (up to 5). stdout: the answer (-i: every header block, then the body),
// cut in the lab; stderr: curl's error and "kubelab-connect <seconds>" (0 when it never
// connected), which tells an unreachable address from a server that hung.
const HTTP_SCRIPT = `
url=$1 resolve=$2
args=(-sS -i --http1.1 -g --noproxy '*' --proto '=http' --proto-redir '=http' --connect-timeout "$3" --max-time "$4" -w '%{stderr}kubelab-connect %{time_connect}\\n')
[ -n "$resolve" ] && args+=(--resolve "$resolve")
[ "$5" = follow ] && args+=(-L --max-redirs 5)
curl "\${args[@]}" -- "$url" | head -c ${BEHAVIOUR_MAX_BYTES + 1}
exit "\${PIPESTATUS[0]}"
`;

async function runHttp(check: Check, read: Read, target: GradeTarget, timeoutMs: number): Promise<CheckResult> {
  const spec = check.http!;
  const address = httpAddress(spec, read);
  if (!address.ok) return { ...base(check), ...address.result };
  // curl's own --max-time ends the request first, so a slow app reads as "no answer", not as a lab that hung.
  const limitMs = Math.max(timeoutMs, (spec.timeoutSeconds + 1) * 1000);
  const { r, error } = await run(target, [LAB_BIN.bash, "-c", HTTP_SCRIPT, "kubelab-http", address.url, address.resolve ?? "", String(HTTP_CONNECT_SECONDS), String(spec.timeoutSeconds), spec.followRedirects ? "follow" : ""], limitMs);
  if (error) return { ...base(check), status: "error", message: error };
  const startedSecondsAgo = address.started ? Math.max(0, Math.round((Date.now() - address.started.getTime()) / 1000)) : undefined;
  return judgeCurl(check, address.to, r!, startedSecondsAgo);
}

/** Under this many seconds since its pods started, an app that does not answer may still be starting. */
export const APP_STARTING_SECONDS = 120;

/**
 * Judges what curl returned, by its exit code (man curl, EXIT CODES). A refusal or silence from
 * pods that started under APP_STARTING_SECONDS ago says so and to check again: a right answer
 * met too early is not a wrong one. Pure.
 */
export function judgeCurl(check: Check, to: Bilingual, r: ExecResult, startedSecondsAgo?: number): CheckResult {
  const result = judgeCurlExit(check, to, r);
  const unanswered = [7, 28, 52, 56].includes(r.exitCode);
  if (result.status !== "fail" || !unanswered || startedSecondsAgo === undefined || startedSecondsAgo >= APP_STARTING_SECONDS) return result;
  const note = say.appMayBeStarting(startedSecondsAgo);
  return { ...result, message: { en: `${result.message.en} ${note.en}`, ko: `${result.message.ko} ${note.ko}` } };
}

function judgeCurlExit(check: Check, to: Bilingual, r: ExecResult): CheckResult {
  const b = base(check);
  const connected = Number(/kubelab-connect ([\d.]+)/.exec(r.stderr)?.[1] ?? "0") > 0;
  const stderr = r.stderr.replace(/kubelab-connect [\d.]+\n?/, "");
  // 23: head stopped reading after BEHAVIOUR_MAX_BYTES; what came back is enough to judge.
  if (r.exitCode === 0 || (r.exitCode === 23 && r.stdout.length > BEHAVIOUR_MAX_BYTES)) {
    const answer = parseHttpAnswer(r.stdout.slice(0, BEHAVIOUR_MAX_BYTES));
    if (!answer) return { ...b, status: "fail", message: say.httpBrokenAnswer(to), found: say.outputTail(r.stdout.slice(0, 200)) };
    return judgeHttp(check, to, answer);
  }
  switch (r.exitCode) {
    case 7: // refused: no endpoint (kube-proxy rejects), or nothing listens on the target port
      return { ...b, status: "fail", message: say.httpRefused(to) };
    case 28: // timed out: after connecting, the app did not answer (fail); before, we could not reach it (error)
      return connected ? { ...b, status: "fail", message: say.httpNoAnswer(to, check.http!.timeoutSeconds) } : { ...b, status: "error", message: say.behaviourTimedOut(HTTP_CONNECT_SECONDS) };
    case 47: // more than 5 redirects
      return { ...b, status: "fail", message: say.httpTooManyRedirects(to) };
    case 52: // empty reply
    case 56: // connection reset
      return { ...b, status: "fail", message: say.httpBrokenAnswer(to) };
    default:
      return { ...b, status: "error", message: say.behaviourUnreadable(stderr || `curl exited with ${r.exitCode}`) };
  }
}

/** Runs a logs, exec or http check on the objects already read. */
export async function runBehaviourCheck(check: Check, read: Read, target: GradeTarget, timeoutMs: number): Promise<CheckResult> {
  if (target.profile === "sim" || !hasRealNodes(read("Node"))) return { ...base(check), status: "error", message: say.needsRealPods() };
  if (check.logs) return runLogs(check, read, target, timeoutMs);
  if (check.exec) return runExec(check, read, target, timeoutMs);
  return runHttp(check, read, target, timeoutMs);
}
