// Which pod and container a logs or exec check looks into, and whether there is anything to
// look at yet, judged from objects already read (`kubectl get pods,nodes -o json`). Pure, so
// each state a learner's pod can be in is tested on recorded objects: no pod (the learner has
// not made it: `fail`), a pod whose container has not started or has no previous run (`fail`,
// saying so), a pod on a simulated node (`error`: kwok runs no containers, so there is
// nothing to look at, whatever the learner did).
import type { z } from "zod";
import type { podRefSchema } from "./exercise-schema";
import type { KubeObject } from "./evaluate";

export type PodRef = z.infer<typeof podRefSchema>;

/** The annotation kwok puts on the nodes it plays (profile `sim`). */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { running?: object; waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

const annotations = (o: KubeObject) => (o.metadata?.annotations ?? {}) as Record<string, string>;

/** A node kwok plays: it runs no container, so no log, exec or request reaches a pod on it. */
export function isSimulatedNode(node: KubeObject): boolean {
  return KWOK_NODE_ANNOTATION in annotations(node);
}

/** True when the cluster has a real node (a kubelet with a container runtime), so pods really run. */
export function hasRealNodes(nodes: KubeObject[]): boolean {
  return nodes.some((n) => !isSimulatedNode(n));
}

function matchesRef(pod: KubeObject, ref: PodRef): boolean {
  const meta = pod.metadata ?? {};
  if (meta.namespace !== undefined && meta.namespace !== ref.namespace) return false;
  if (ref.name !== undefined && meta.name !== ref.name) return false;
  for (const [k, v] of Object.entries(ref.labels ?? {})) if (meta.labels?.[k] !== v) return false;
  // A pod being deleted is going away: a Deployment's new pod is the one to look into.
  return meta.deletionTimestamp === undefined;
}

const statusesOf = (pod: KubeObject) => (Array.isArray(pod.status?.containerStatuses) ? (pod.status.containerStatuses as ContainerStatus[]) : []);
const containersOf = (pod: KubeObject) => (Array.isArray(pod.spec?.containers) ? (pod.spec.containers as { name?: string }[]) : []);

/** Ready pods first, then running ones, then the newest: the pod `kubectl logs deploy/x` would also pick. */
function rank(pod: KubeObject): number[] {
  const ready = statusesOf(pod).length > 0 && statusesOf(pod).every((s) => s.ready) ? 0 : 1;
  const running = pod.status?.phase === "Running" ? 0 : 1;
  const created = Date.parse(String(pod.metadata?.creationTimestamp ?? "")) || 0;
  return [ready, running, -created];
}

function byRank(a: KubeObject, b: KubeObject): number {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return String(a.metadata?.name).localeCompare(String(b.metadata?.name));
}

export type PodPick =
  | { ok: true; pod: string; namespace: string; container: string; node?: string }
  /** No pod matches: the learner has not made it (or it has other labels). */
  | { ok: false; problem: "noPod" }
  /** The pod has no container of that name (`containers` lists those it has). */
  | { ok: false; problem: "noContainer"; pod: string; containers: string[] }
  /** The container has not started: Pending, ContainerCreating, ImagePullBackOff... */
  | { ok: false; problem: "notStarted"; pod: string; container: string; reason: string }
  /** `previous` was asked for, and the container has not restarted. */
  | { ok: false; problem: "noPrevious"; pod: string; container: string }
  /** The container has stopped: exec needs it running. */
  | { ok: false; problem: "notRunning"; pod: string; container: string; reason: string }
  /** The pod is on a node kwok plays (profile `sim`). */
  | { ok: false; problem: "simulated"; pod: string };

/**
 * The pod and container a check looks into. `need` says what must be there: `logs` (the
 * container has run: current logs exist once it started), `previous` (it has restarted at
 * least once) or `running` (exec needs a running container).
 */
export function pickPod(pods: KubeObject[], nodes: KubeObject[], ref: PodRef, need: "logs" | "previous" | "running"): PodPick {
  const matching = pods.filter((p) => p.kind === undefined || p.kind === "Pod").filter((p) => matchesRef(p, ref)).sort(byRank);
  if (matching.length === 0) return { ok: false, problem: "noPod" };
  // Among several pods (a Deployment's), the first that has what the check needs.
  let first: PodPick | undefined;
  for (const pod of matching) {
    const pick = judgePod(pod, nodes, ref, need);
    if (pick.ok) return pick;
    first ??= pick;
  }
  return first!;
}

function judgePod(pod: KubeObject, nodes: KubeObject[], ref: PodRef, need: "logs" | "previous" | "running"): PodPick {
  const name = pod.metadata?.name ?? "?";
  const nodeName = typeof pod.spec?.nodeName === "string" ? pod.spec.nodeName : undefined;
  const node = nodes.find((n) => n.metadata?.name === nodeName);
  if (node && isSimulatedNode(node)) return { ok: false, problem: "simulated", pod: name };
  const names = containersOf(pod).map((c) => c.name ?? "");
  const container = ref.container ?? names[0];
  if (container === undefined || !names.includes(container)) return { ok: false, problem: "noContainer", pod: name, containers: names };
  const status = statusesOf(pod).find((s) => s.name === container);
  const waiting = status?.state?.waiting?.reason;
  const restarts = status?.restartCount ?? 0;
  if (need === "previous") {
    if (restarts > 0 || status?.lastState?.terminated) return { ok: true, pod: name, namespace: ref.namespace, container, node: nodeName };
    if (!status || (waiting && !status.lastState?.terminated && !status.state?.terminated)) return { ok: false, problem: "notStarted", pod: name, container, reason: notStartedReason(pod, waiting) };
    return { ok: false, problem: "noPrevious", pod: name, container };
  }
  const started = status !== undefined && (status.state?.running !== undefined || status.state?.terminated !== undefined || restarts > 0 || status.lastState?.terminated !== undefined);
  if (!started) return { ok: false, problem: "notStarted", pod: name, container, reason: notStartedReason(pod, waiting) };
  if (need === "running" && status.state?.running === undefined) {
    return { ok: false, problem: "notRunning", pod: name, container, reason: status.state?.waiting?.reason ?? status.state?.terminated?.reason ?? "Terminated" };
  }
  return { ok: true, pod: name, namespace: ref.namespace, container, node: nodeName };
}

/** Why a container has not started, as `kubectl get pods` says it: ContainerCreating, ErrImagePull, Pending (Unschedulable)... */
function notStartedReason(pod: KubeObject, waiting: string | undefined): string {
  if (waiting) return waiting;
  const conditions = Array.isArray(pod.status?.conditions) ? (pod.status.conditions as { type?: string; status?: string; reason?: string }[]) : [];
  const scheduled = conditions.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False") return scheduled.reason ?? "Unschedulable";
  return typeof pod.status?.phase === "string" ? pod.status.phase : "Pending";
}

/** The kinds a logs, exec or http check reads before it looks: pods and nodes, and Services for a request. */
export function behaviourKinds(check: { logs?: unknown; exec?: unknown; http?: unknown }): string[] {
  if (check.http) return ["Node", "Service", "EndpointSlice", "Pod"];
  if (check.logs || check.exec) return ["Pod", "Node"];
  return [];
}
