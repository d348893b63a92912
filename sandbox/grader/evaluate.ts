// Evaluates one select-check against objects already read from the cluster. Pure: no I/O,
// so every rule here is tested on recorded `kubectl get -o json` output.
import type { Check } from "@/sandbox/grader/exercise-schema";
import { isClusterScoped } from "./kinds";
import { judgeBackendsExist, judgeEndpoints, judgeMounts, judgePortReaches, judgeUpdatedInPlace, type Related, resolveEnv, resolveProbePort } from "./concepts";
import { readPath } from "./paths";
import { behaviourKinds } from "./pods";
import * as say from "./messages";
import type { Bilingual, CheckResult } from "./results";

/** The parts of a Kubernetes object the grader looks at. */
export interface KubeObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; generation?: number; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

type Selector = NonNullable<Check["select"]>;
type Expectation = NonNullable<Check["expect"]>[number];

export { readPath } from "./paths";

/** The objects a selector picks out of everything read for its kind. */
export function selectObjects(objects: KubeObject[], select: Selector): KubeObject[] {
  const clusterScoped = isClusterScoped(select.kind);
  return objects.filter((o) => {
    if (o.kind !== undefined && o.kind !== select.kind) return false;
    const meta = o.metadata ?? {};
    // An object without a namespace is cluster-scoped, whatever the selector's default says.
    if (!clusterScoped && meta.namespace !== undefined && meta.namespace !== select.namespace) return false;
    if (select.name !== undefined && meta.name !== select.name) return false;
    for (const [k, v] of Object.entries(select.labels ?? {})) if (meta.labels?.[k] !== v) return false;
    return true;
  });
}

/** The matchers of an expectation; a sameAs one reads the other objects (undefined: none to compare with). */
function matcherOf(e: Expectation, related: Related = () => []): say.Matcher[] | undefined {
  const out: say.Matcher[] = [];
  if (e.sameAs) {
    const { path, ...selector } = e.sameAs;
    const values = selectObjects(related(selector.kind), selector)
      .map((o) => readPath(o, path))
      .filter((v): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean");
    if (values.length === 0) return undefined;
    out.push({ op: "sameAs", values: [...new Set(values)], says: e.says });
  }
  if (e.exists !== undefined) out.push({ op: "exists", value: e.exists });
  if (e.equals !== undefined) out.push({ op: "equals", value: e.equals });
  if (e.oneOf !== undefined) out.push({ op: "oneOf", values: e.oneOf });
  if (e.regex !== undefined) out.push({ op: "regex", source: e.regex, says: e.says });
  if (e.gte !== undefined) out.push({ op: "gte", value: e.gte });
  if (e.lte !== undefined) out.push({ op: "lte", value: e.lte });
  return out;
}

/** Scalars compare by value, and a number equals its decimal string (targetPort: 80 vs "80"). */
function sameScalar(found: unknown, want: string | number | boolean): boolean {
  if (found === want) return true;
  if (found === null || found === undefined || typeof found === "object") return false;
  return String(found) === String(want);
}

function asNumber(found: unknown): number | undefined {
  if (typeof found === "number") return found;
  if (typeof found === "string" && found.trim() !== "" && Number.isFinite(Number(found))) return Number(found);
  return undefined;
}

export function matches(m: say.Matcher, found: unknown): boolean {
  const present = found !== undefined && found !== null;
  switch (m.op) {
    case "exists":
      return present === m.value;
    case "equals":
      return sameScalar(found, m.value);
    case "oneOf":
    case "sameAs":
      return m.values.some((v) => sameScalar(found, v));
    case "regex":
      return present && typeof found !== "object" && new RegExp(m.source).test(String(found));
    case "gte": {
      const n = asNumber(found);
      return n !== undefined && n >= m.value;
    }
    case "lte": {
      const n = asNumber(found);
      return n !== undefined && n <= m.value;
    }
  }
}

interface Verdict {
  ok: boolean;
  message: Bilingual;
  expected?: Bilingual;
  found?: Bilingual;
}

function fieldValue(object: KubeObject, path: string): unknown {
  const v = readPath(object, path);
  return v === undefined && say.zeroWhenMissing(path) ? 0 : v;
}

function conditionOf(object: KubeObject, type: string): { status?: string; reason?: string; message?: string } | undefined {
  const conditions = object.status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c) => (c as { type?: string }).type === type) as { status?: string; reason?: string; message?: string } | undefined;
}

const num = (v: unknown, fallback = 0) => (typeof v === "number" ? v : fallback);

/** Where a Deployment, StatefulSet or DaemonSet still is short of a finished rollout (kubectl rollout status's rules). */
export function rolloutGap(object: KubeObject): { gap?: say.RolloutGap; desired: number; summary: Bilingual } {
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const generation = num(object.metadata?.generation);
  const observed = num(status.observedGeneration, -1);
  if (object.kind === "DaemonSet") {
    const desired = num(status.desiredNumberScheduled);
    const updated = num(status.updatedNumberScheduled);
    const available = num(status.numberAvailable);
    const summary = say.rolloutFoundText(updated, available, desired);
    if (observed < generation) return { gap: { reason: "notObserved" }, desired, summary };
    if (updated < desired) return { gap: { reason: "updating", updated, desired }, desired, summary };
    if (available < desired) return { gap: { reason: "unavailable", available, desired }, desired, summary };
    return { desired, summary };
  }
  const desired = num(spec.replicas, 1);
  const updated = num(status.updatedReplicas);
  const total = num(status.replicas);
  const available = num(object.kind === "StatefulSet" ? status.readyReplicas : status.availableReplicas);
  const summary = say.rolloutFoundText(updated, available, total);
  if (observed < generation) return { gap: { reason: "notObserved" }, desired, summary };
  if (object.kind === "Deployment") {
    const progressing = conditionOf(object, "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded") return { gap: { reason: "stuck", detail: progressing.message ?? progressing.reason }, desired, summary };
  }
  if (updated < desired) return { gap: { reason: "updating", updated, desired }, desired, summary };
  if (object.kind === "Deployment" && total > updated) return { gap: { reason: "oldReplicas", old: total - updated }, desired, summary };
  if (available < desired) return { gap: { reason: "unavailable", available, desired }, desired, summary };
  if (object.kind === "StatefulSet" && status.updateRevision !== undefined && status.updateRevision !== status.currentRevision) {
    return { gap: { reason: "revision" }, desired, summary };
  }
  return { desired, summary };
}

/** Secret data is the learner's own, but a message never repeats it. */
function isSecretValue(object: KubeObject, path: string): boolean {
  return object.kind === "Secret" && /^(data|stringData)\b/.test(path);
}

/**
 * The objects a check looks at, as selectors: its select, the pod a logs or exec check looks
 * into, the Service an http check asks. For the course rule that each lesson's objects are its
 * own (test/integration/content/course.test.ts).
 */
export function selectorsOf(check: Check): Selector[] {
  if (check.select) return [check.select];
  const pod = check.logs?.pod ?? check.exec?.pod;
  if (pod) return [{ kind: "Pod", name: pod.name, labels: pod.labels, namespace: pod.namespace }];
  if (check.http?.service) return [{ kind: "Service", name: check.http.service, namespace: check.http.namespace }];
  return [];
}

/**
 * A check whose answer can change with no object changing (a command's, a container's logs or
 * output, an HTTP answer): live checking polls it, since no watch sees it change.
 */
export function isPolled(check: Check): boolean {
  return check.command !== undefined || check.logs !== undefined || check.exec !== undefined || check.http !== undefined;
}

/** The kinds a check reads besides its own: a Service's pods and endpoints, env sources, ReplicaSets. */
export function kindsRead(check: Check): string[] {
  if (!check.select) return behaviourKinds(check);
  const kinds = [check.select.kind];
  if (check.endpoints) kinds.push("Pod", "EndpointSlice");
  if (check.portReaches) kinds.push("Pod");
  if (check.updatedInPlace) kinds.push("ReplicaSet");
  if (check.backendsExist) kinds.push("Service");
  if (check.expect?.some((e) => e.env)) kinds.push("ConfigMap", "Secret");
  for (const e of check.expect ?? []) if (e.sameAs) kinds.push(e.sameAs.kind);
  return [...new Set(kinds)];
}

/** An env expectation: the variable's value as the container would see it, and where it comes from. */
function judgeEnv(e: Expectation, object: KubeObject, who: Bilingual, related: Related): { miss?: Verdict; clause?: say.Clause } {
  const ref = e.env!;
  const field = say.envName(ref.name, ref.container);
  const r = resolveEnv(object, ref, related);
  if (r.problem === "noContainer") return { miss: { ok: false, message: say.envNoContainer(who, ref.container) } };
  if (r.problem) return { miss: { ok: false, message: say.envSourceMissing(who, field, r.source as "ConfigMap" | "Secret", r.from ?? "?", r.key ?? "?", r.problem), found: say.showValue(undefined) } };
  const wantFrom = e.fromSecret !== undefined ? ({ kind: "Secret", name: e.fromSecret } as const) : e.fromConfigMap !== undefined ? ({ kind: "ConfigMap", name: e.fromConfigMap } as const) : undefined;
  if (wantFrom && (r.source !== wantFrom.kind || r.from !== wantFrom.name)) {
    return { miss: { ok: false, message: say.envWrongSource(who, field, wantFrom, r), expected: { en: `from ${wantFrom.kind} ${say.code(wantFrom.name)}`, ko: `${wantFrom.kind === "Secret" ? "시크릿" : "컨피그맵"} ${say.code(wantFrom.name)}에서` } } };
  }
  const secret = r.source === "Secret";
  const matchers = matcherOf(e, related);
  if (!matchers) return { miss: { ok: false, message: say.sameAsNothing(who, field, e.sameAs!) } };
  for (const m of matchers) {
    if (!matches(m, r.value)) {
      const shown = secret && r.value !== undefined ? say.HIDDEN : say.showValue(r.value);
      return { miss: { ok: false, message: say.fieldMismatch(who, field, m, r.value, { secret }), expected: say.matcherExpectedText(m), found: shown } };
    }
  }
  const first = matchers[0];
  if (first) return { clause: say.fieldSatisfied("env", field, first, r.value, { secret }) };
  return { clause: say.envFromClause(field, wantFrom!.kind, wantFrom!.name) };
}

/** Every field, condition and rollout expectation of a check on one object; the first miss decides. */
function judgeObject(check: Check, object: KubeObject, related: Related): { miss?: Verdict; satisfied: say.Clause[] } {
  const meta = object.metadata ?? {};
  const who = say.objectText(check.select!.kind, meta.name ?? "?", meta.namespace);
  const satisfied: say.Clause[] = [];
  for (const e of check.expect ?? []) {
    if (e.env) {
      const judged = judgeEnv(e, object, who, related);
      if (judged.miss) return { miss: judged.miss, satisfied };
      satisfied.push(judged.clause!);
      continue;
    }
    const path = e.path!;
    const raw = fieldValue(object, path);
    // A probe port that names a container port is judged by the number the kubelet probes.
    const named = resolveProbePort(object, path, raw, readPath);
    const found = named?.resolved ?? raw;
    const field = say.fieldName(path, object);
    const secret = isSecretValue(object, path);
    const shownAs = named ? say.namedPortValue(named.name, named.resolved) : undefined;
    const matchers = matcherOf(e, related);
    if (!matchers) return { miss: { ok: false, message: say.sameAsNothing(who, field, e.sameAs!) }, satisfied };
    for (const m of matchers) {
      if (!matches(m, found)) {
        const shown = shownAs ?? (secret && found !== undefined && found !== null ? say.HIDDEN : say.showValue(found, field.unit));
        return { miss: { ok: false, message: say.fieldMismatch(who, field, m, found, { secret, shown: shownAs }), expected: say.matcherExpectedText(m, field.unit), found: shown }, satisfied };
      }
    }
    satisfied.push(say.fieldSatisfied(path, field, matchers[0]!, found, { secret, shown: shownAs }));
  }
  if (check.condition) {
    const { type, status: want } = check.condition;
    const c = conditionOf(object, type);
    const expected = say.conditionExpectedText(type, want);
    if (!c) return { miss: { ok: false, message: say.conditionMissing(who, type), expected, found: { en: "not reported", ko: "보고되지 않음" } }, satisfied };
    if (c.status !== want) {
      return { miss: { ok: false, message: say.conditionMismatch(who, type, want, c.status ?? "?", c.reason), expected, found: say.conditionExpectedText(type, c.status ?? "?") }, satisfied };
    }
    satisfied.push(say.conditionSatisfied(type, want));
  }
  if (check.rolloutComplete) {
    const r = rolloutGap(object);
    if (r.gap) return { miss: { ok: false, message: say.rolloutIncomplete(who, r.gap), expected: say.rolloutExpectedText(r.desired), found: r.summary }, satisfied };
    satisfied.push(say.rolloutComplete(r.desired));
  }
  for (const concept of [
    check.endpoints && (() => judgeEndpoints(object, check.endpoints!.ready, related)),
    check.portReaches && (() => judgePortReaches(object, check.portReaches!, related)),
    check.updatedInPlace && (() => judgeUpdatedInPlace(object, check.updatedInPlace!, related)),
    check.mounts && (() => judgeMounts(object, check.mounts!)),
    check.backendsExist && (() => judgeBackendsExist(object, related)),
  ]) {
    if (!concept) continue;
    const v = concept();
    if (!v.ok) return { miss: { ok: false, message: v.message, expected: v.expected, found: v.found }, satisfied };
    satisfied.push(v.clause!);
  }
  return { satisfied };
}

function countOk(c: say.CountBounds, n: number): boolean {
  return (c.equals === undefined || n === c.equals) && (c.gte === undefined || n >= c.gte) && (c.lte === undefined || n <= c.lte);
}

/**
 * Evaluates a select-check. `objects` are all objects read of the check's kind; `related`
 * gives those of the other kinds it reads (kindsRead).
 */
export function evaluateSelectCheck(check: Check, objects: KubeObject[], related: Related = () => []): CheckResult {
  const select = check.select;
  if (!select) throw new Error(`check ${check.id} has no select`);
  const base = { id: check.id, title: check.title, hint: check.hint };
  const selected = selectObjects(objects, select);
  const parts: Bilingual[] = [];

  if (check.count) {
    if (!countOk(check.count, selected.length)) {
      return { ...base, status: "fail", message: say.countMismatch(select, check.count, selected.length), expected: say.countExpectedText(check.count), found: say.countFoundText(selected.length) };
    }
    parts.push(say.countMatched(select, selected.length));
  }
  const perObject = check.expect || check.condition || check.rolloutComplete || check.endpoints || check.portReaches || check.updatedInPlace || check.mounts || check.backendsExist;
  if (!perObject) return { ...base, status: "pass", message: parts[0]!, found: say.countFoundText(selected.length) };
  if (selected.length === 0) {
    // A count that allows zero was already satisfied; per-object expectations then hold for none.
    if (check.count && countOk(check.count, 0)) return { ...base, status: "pass", message: parts[0]!, found: say.countFoundText(0) };
    return { ...base, status: "fail", message: say.nothingSelected(select), found: say.countFoundText(0) };
  }
  let satisfied: say.Clause[] = [];
  for (const object of selected) {
    const judged = judgeObject(check, object, related);
    if (judged.miss) return { ...base, status: "fail", message: judged.miss.message, expected: judged.miss.expected, found: judged.miss.found };
    satisfied = judged.satisfied;
  }
  const message =
    selected.length === 1
      ? say.allSatisfied(say.objectText(select.kind, selected[0]!.metadata?.name ?? "?", selected[0]!.metadata?.namespace), satisfied)
      : say.manySatisfied(select, selected.length, satisfied);
  return { ...base, status: "pass", message };
}
