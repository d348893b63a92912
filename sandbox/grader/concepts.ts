// Checks on concepts rather than single fields, each judged the way Kubernetes itself decides:
// - an environment variable's value, resolved as the kubelet resolves it (envFrom sources in
//   order, then env entries; value, or valueFrom a ConfigMap or Secret key);
// - a Service's ready endpoints, and when there are none, why (no selector, a selector that
//   matches no pod, pods that are not ready, a port name no pod has);
// - a Service port reaching a container port, by number or by a name the pods resolve;
// - a container mounting a PersistentVolumeClaim (or a StatefulSet's claim template) at a
//   path, followed from the mount through the pod's volumes;
// - every backend of an Ingress being a Service that has the port it names;
// - a Deployment updated in place (its revision grew and the old ReplicaSet is still there),
//   which deleting and re-creating it cannot fake.
// Pure: they judge objects already read. Sentences live in messages.ts.
import type { KubeObject } from "./evaluate";
import * as say from "./messages";
import type { Bilingual } from "./results";

/** Objects of other kinds in the cluster read, for checks that look beyond their own object. */
export type Related = (kind: string) => KubeObject[];

export interface ConceptVerdict {
  ok: boolean;
  message: Bilingual;
  clause?: say.Clause;
  expected?: Bilingual;
  found?: Bilingual;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

function sameNamespace(objects: KubeObject[], namespace: string | undefined): KubeObject[] {
  return objects.filter((o) => (o.metadata?.namespace ?? "default") === (namespace ?? "default"));
}

/** The pod spec of a Pod, or the template of a workload. */
export function podSpecOf(object: KubeObject): Rec {
  const spec = rec(object.spec);
  if (object.kind === "Pod") return spec;
  if (object.kind === "CronJob") return rec(rec(rec(rec(rec(spec.jobTemplate).spec).template).spec));
  return rec(rec(spec.template).spec);
}

// ---- environment variables -----------------------------------------------------------------

export interface ResolvedEnv {
  /** The value the container would see; undefined when it would see none. */
  value?: string;
  source: "value" | "ConfigMap" | "Secret" | "field" | "none";
  /** The ConfigMap or Secret it comes from. */
  from?: string;
  key?: string;
  /** Why it has no value although something refers to one. */
  problem?: "noContainer" | "missingObject" | "missingKey";
}

function dataOf(object: KubeObject | undefined): Record<string, string> | undefined {
  if (!object) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(object.data))) out[k] = object.kind === "Secret" ? Buffer.from(String(v), "base64").toString("utf8") : String(v);
  if (object.kind === "Secret") for (const [k, v] of Object.entries(rec(object.stringData))) out[k] = String(v);
  return out;
}

export function resolveEnv(object: KubeObject, ref: { name: string; container?: string }, related: Related): ResolvedEnv {
  const spec = podSpecOf(object);
  const containers = list(spec.containers);
  const container = ref.container ? containers.find((c) => c.name === ref.container) : containers[0];
  if (!container) return { source: "none", problem: "noContainer" };
  const ns = object.metadata?.namespace;
  const find = (kind: string, name: unknown) => sameNamespace(related(kind), ns).find((o) => o.metadata?.name === name);
  let resolved: ResolvedEnv = { source: "none" };
  // envFrom first, in order (a later source wins), then env entries, which win over envFrom.
  for (const source of list(container.envFrom)) {
    const prefix = typeof source.prefix === "string" ? source.prefix : "";
    for (const [kind, refKey] of [["ConfigMap", "configMapRef"], ["Secret", "secretRef"]] as const) {
      const r = rec(source[refKey]);
      if (!r.name) continue;
      const data = dataOf(find(kind, r.name));
      if (!ref.name.startsWith(prefix)) continue;
      const key = ref.name.slice(prefix.length);
      if (data && key in data) resolved = { value: data[key], source: kind, from: String(r.name), key };
    }
  }
  const entry = list(container.env).filter((e) => e.name === ref.name).at(-1);
  if (!entry) return resolved;
  if (typeof entry.value === "string" || entry.valueFrom === undefined) return { value: typeof entry.value === "string" ? entry.value : "", source: "value" };
  const from = rec(entry.valueFrom);
  for (const [kind, refKey] of [["ConfigMap", "configMapKeyRef"], ["Secret", "secretKeyRef"]] as const) {
    const r = rec(from[refKey]);
    if (!r.name && !r.key) continue;
    const data = dataOf(find(kind, r.name));
    const base = { source: kind, from: String(r.name ?? ""), key: String(r.key ?? "") } as const;
    if (!data) return { ...base, problem: "missingObject" };
    if (!(String(r.key) in data)) return { ...base, problem: "missingKey" };
    return { ...base, value: data[String(r.key)] };
  }
  return { source: "field" };
}

// ---- probe ports -----------------------------------------------------------------------------

const PROBE_PORT = /^(.*\.containers\[[^\]]+\])\.(?:livenessProbe|readinessProbe|startupProbe)\.(?:httpGet|tcpSocket)\.port$/;

/**
 * A probe's port may name one of its container's ports (`port: http`); the kubelet then probes
 * that port's number. For a path to such a port holding a name, the number it resolves to
 * (`resolved` undefined when the container has no port of that name); undefined for any
 * other path or value.
 */
export function resolveProbePort(object: KubeObject, path: string, found: unknown, read: (o: unknown, p: string) => unknown): { name: string; resolved?: number } | undefined {
  const m = path.match(PROBE_PORT);
  if (!m || typeof found !== "string" || /^\d+$/.test(found)) return undefined;
  const container = rec(read(object, m[1]!));
  const port = list(container.ports).find((p) => p.name === found);
  return { name: found, resolved: typeof port?.containerPort === "number" ? port.containerPort : undefined };
}

// ---- Services ------------------------------------------------------------------------------

function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podReady(pod: KubeObject): boolean {
  return list(rec(pod.status).conditions).some((c) => c.type === "Ready" && c.status === "True");
}

/** What a Service port's targetPort is in each selected pod: the number it names, or undefined. */
function resolveTargetPort(targetPort: unknown, pod: KubeObject): number | undefined {
  if (typeof targetPort === "number") return targetPort;
  if (typeof targetPort === "string" && /^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of list(podSpecOf(pod).containers)) for (const p of list(c.ports)) if (p.name === targetPort && typeof p.containerPort === "number") return p.containerPort;
  return undefined;
}

function countOk(c: { equals?: number; gte?: number; lte?: number }, n: number): boolean {
  return (c.equals === undefined || n === c.equals) && (c.gte === undefined || n >= c.gte) && (c.lte === undefined || n <= c.lte);
}

export function judgeEndpoints(service: KubeObject, want: { equals?: number; gte?: number; lte?: number }, related: Related): ConceptVerdict {
  const name = service.metadata?.name ?? "?";
  const ns = service.metadata?.namespace;
  const who = say.objectText("Service", name, ns);
  const slices = sameNamespace(related("EndpointSlice"), ns).filter((s) => s.metadata?.labels?.["kubernetes.io/service-name"] === name);
  const ready = new Set<string>();
  for (const slice of slices) for (const e of list(slice.endpoints)) if (rec(e.conditions).ready !== false) for (const a of Array.isArray(e.addresses) ? e.addresses : []) ready.add(String(a));
  const expected = say.countExpectedText(want);
  const found = say.countFoundText(ready.size);
  if (countOk(want, ready.size)) return { ok: true, message: say.endpointsReady(who, ready.size), clause: say.endpointsReadyClause(ready.size) };

  const selector = rec(rec(service.spec).selector) as Record<string, string>;
  if (Object.keys(selector).length === 0) return { ok: false, message: say.endpointsNoSelector(who), expected, found };
  const pods = sameNamespace(related("Pod"), ns).filter((p) => selectorMatches(selector, p.metadata?.labels));
  if (pods.length === 0) {
    const nearby = sameNamespace(related("Pod"), ns)
      .map((p) => p.metadata?.labels ?? {})
      .flatMap((labels) => Object.keys(selector).filter((k) => k in labels).map((k) => `${k}=${labels[k]}`));
    return { ok: false, message: say.endpointsSelectorMatchesNothing(who, selector, [...new Set(nearby)].slice(0, 3)), expected, found };
  }
  const notReady = pods.filter((p) => !podReady(p)).map((p) => p.metadata?.name ?? "?");
  if (notReady.length > 0 && ready.size < pods.length) return { ok: false, message: say.endpointsPodsNotReady(who, pods.length, notReady), expected, found };
  const port = list(rec(service.spec).ports)[0];
  if (port && typeof port.targetPort === "string" && !/^\d+$/.test(port.targetPort) && pods.every((p) => resolveTargetPort(port.targetPort, p) === undefined)) {
    return { ok: false, message: say.targetPortNameUnknown(who, String(port.targetPort)), expected, found };
  }
  return { ok: false, message: say.endpointsTooFew(who, ready.size, pods.length, expected), expected, found };
}

export function judgePortReaches(service: KubeObject, want: { port: number; containerPort: number }, related: Related): ConceptVerdict {
  const ns = service.metadata?.namespace;
  const who = say.objectText("Service", service.metadata?.name ?? "?", ns);
  const expected = { en: String(want.containerPort), ko: String(want.containerPort) };
  const port = list(rec(service.spec).ports).find((p) => p.port === want.port);
  if (!port) return { ok: false, message: say.servicePortMissing(who, want.port), expected, found: say.showValue(undefined) };
  const targetPort = port.targetPort ?? port.port;
  const named = typeof targetPort === "string" && !/^\d+$/.test(targetPort);
  if (!named) {
    const n = Number(targetPort);
    if (n === want.containerPort) return { ok: true, message: say.portReachesMessage(who, want.port, n), clause: say.portReachesClause(want.port, n) };
    return { ok: false, message: say.portReachesWrong(who, want.port, want.containerPort, String(n)), expected, found: say.showValue(n) };
  }
  const selector = rec(rec(service.spec).selector) as Record<string, string>;
  const pods = sameNamespace(related("Pod"), ns).filter((p) => Object.keys(selector).length > 0 && selectorMatches(selector, p.metadata?.labels));
  if (pods.length === 0) return { ok: false, message: say.portNameUnresolved(who, want.port, String(targetPort)), expected, found: say.showValue(targetPort) };
  const resolved = pods.map((p) => resolveTargetPort(targetPort, p));
  if (resolved.every((n) => n === want.containerPort)) return { ok: true, message: say.portReachesMessage(who, want.port, want.containerPort, String(targetPort)), clause: say.portReachesClause(want.port, want.containerPort, String(targetPort)) };
  const other = resolved.find((n) => n !== want.containerPort);
  if (other === undefined) return { ok: false, message: say.targetPortNameUnknown(who, String(targetPort)), expected, found: say.showValue(targetPort) };
  return { ok: false, message: say.portReachesWrong(who, want.port, want.containerPort, `${targetPort} → ${other}`), expected, found: say.showValue(other) };
}

// ---- Deployments ---------------------------------------------------------------------------

const revisionOf = (o: KubeObject) => Number(rec(o.metadata?.annotations)["deployment.kubernetes.io/revision"] ?? 0);

export function judgeUpdatedInPlace(deployment: KubeObject, want: { revision: number }, related: Related): ConceptVerdict {
  const who = say.objectText("Deployment", deployment.metadata?.name ?? "?", deployment.metadata?.namespace);
  const revision = revisionOf(deployment);
  const uid = rec(deployment.metadata).uid;
  const owned = sameNamespace(related("ReplicaSet"), deployment.metadata?.namespace).filter((rs) => list(rec(rs.metadata).ownerReferences).some((r) => r.uid === uid));
  const older = owned.filter((rs) => revisionOf(rs) < revision);
  const expected = say.revisionExpected(want.revision);
  const found = say.revisionFound(revision);
  if (revision < want.revision) return { ok: false, message: say.notUpdatedInPlace(who, revision, want.revision), expected, found };
  if (older.length === 0) return { ok: false, message: say.noOldReplicaSet(who, revision), expected, found };
  return { ok: true, message: say.updatedInPlaceMessage(who, revision), clause: say.updatedInPlaceClause(revision) };
}

// ---- volumes -------------------------------------------------------------------------------

/** What a pod's volume of this name is: a claim, a StatefulSet's claim template, another kind, or nothing. */
export type VolumeSource = { type: "claim" | "template" | "configMap" | "secret"; name: string } | { type: "other"; kind: string } | { type: "none" };

/** What a mounts check wants at its path. */
export type WantedVolume = { type: "claim" | "configMap" | "secret"; name: string };

function volumeSource(object: KubeObject, volumeName: string): VolumeSource {
  const volume = list(podSpecOf(object).volumes).find((v) => v.name === volumeName);
  if (volume) {
    const claim = rec(volume.persistentVolumeClaim).claimName;
    if (typeof claim === "string") return { type: "claim", name: claim };
    const configMap = rec(volume.configMap).name;
    if (typeof configMap === "string") return { type: "configMap", name: configMap };
    const secret = rec(volume.secret).secretName;
    if (typeof secret === "string") return { type: "secret", name: secret };
    return { type: "other", kind: Object.keys(volume).find((k) => k !== "name") ?? "?" };
  }
  if (object.kind === "StatefulSet" && list(rec(object.spec).volumeClaimTemplates).some((t) => rec(t.metadata).name === volumeName)) return { type: "template", name: volumeName };
  return { type: "none" };
}

const samePath = (a: unknown, b: string) => typeof a === "string" && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

export function judgeMounts(object: KubeObject, spec: { claim?: string; configMap?: string; secret?: string; path: string; container?: string }): ConceptVerdict {
  const want: WantedVolume & { path: string; container?: string } = {
    ...(spec.claim !== undefined ? { type: "claim", name: spec.claim } : spec.configMap !== undefined ? { type: "configMap", name: spec.configMap } : { type: "secret", name: spec.secret ?? "?" }),
    path: spec.path,
    container: spec.container,
  };
  const who = say.objectText(object.kind ?? "?", object.metadata?.name ?? "?", object.metadata?.namespace);
  const containers = list(podSpecOf(object).containers);
  const container = want.container ? containers.find((c) => c.name === want.container) : containers[0];
  // A StatefulSet's claims usually come from its claim templates; name the wanted one so.
  const wanted: say.MountSource = want.type === "claim" && object.kind === "StatefulSet" ? { type: "template", name: want.name } : want;
  const expected = say.mountExpected(wanted, want.path);
  if (!container) return { ok: false, message: say.envNoContainer(who, want.container), expected, found: say.showValue(undefined) };
  const name = String(container.name ?? "?");
  const mounts = list(container.volumeMounts);
  const mount = mounts.find((m) => samePath(m.mountPath, want.path));
  if (!mount) {
    const elsewhere = mounts.map((m) => ({ path: String(m.mountPath), source: volumeSource(object, String(m.name)) }));
    return { ok: false, message: say.mountMissing(who, name, want.path, elsewhere), expected, found: say.mountFoundText(undefined) };
  }
  const source = volumeSource(object, String(mount.name));
  const found = say.mountFoundText({ volume: String(mount.name), source });
  const sameKind = source.type === want.type || (want.type === "claim" && source.type === "template");
  if (sameKind && "name" in source && source.name === want.name) {
    const clause = say.mountClause(name, want.path, source);
    return { ok: true, message: { en: `${who.en}: ${clause.en}.`, ko: `${who.ko}: ${clause.ko.end}.` }, clause };
  }
  return { ok: false, message: say.mountWrongSource(who, name, want.path, String(mount.name), source, wanted), expected, found };
}

// ---- Ingress backends ----------------------------------------------------------------------

export function judgeBackendsExist(ingress: KubeObject, related: Related): ConceptVerdict {
  const who = say.objectText("Ingress", ingress.metadata?.name ?? "?", ingress.metadata?.namespace);
  const spec = rec(ingress.spec);
  const routes: { where?: string; backend: Rec }[] = [];
  if (spec.defaultBackend) routes.push({ backend: rec(spec.defaultBackend) });
  for (const rule of list(spec.rules)) for (const p of list(rec(rule.http).paths)) routes.push({ where: `${typeof rule.host === "string" ? rule.host : "*"}${typeof p.path === "string" ? p.path : "/"}`, backend: rec(p.backend) });
  const services = sameNamespace(related("Service"), ingress.metadata?.namespace);
  const expected = say.backendsExpected();
  if (routes.length === 0) return { ok: false, message: say.ingressNoBackends(who), expected, found: say.countFoundText(0) };
  for (const { where, backend } of routes) {
    const svc = rec(backend.service);
    if (typeof svc.name !== "string") continue; // a resource backend, not a Service
    const service = services.find((s) => s.metadata?.name === svc.name);
    if (!service) return { ok: false, message: say.ingressBackendMissing(who, where, svc.name), expected, found: say.backendFoundText(svc.name) };
    const port = rec(svc.port);
    const ports = list(rec(service.spec).ports);
    const has = typeof port.number === "number" ? ports.some((p) => p.port === port.number) : typeof port.name === "string" ? ports.some((p) => p.name === port.name) : true;
    if (!has) {
      const wanted = String(port.number ?? port.name);
      const offered = ports.map((p) => (typeof p.name === "string" && p.name ? `${p.name} ${p.port}` : String(p.port)));
      return { ok: false, message: say.ingressBackendNoPort(who, where, svc.name, wanted, offered), expected, found: say.backendFoundText(svc.name, wanted) };
    }
  }
  const n = new Set(routes.map((r) => rec(r.backend.service).name).filter((x) => typeof x === "string")).size;
  const clause = say.backendsExistClause(n);
  return { ok: true, message: { en: `${who.en}: ${clause.en}.`, ko: `${who.ko}: ${clause.ko.end}.` }, clause };
}
