// Every sentence the grader can say, of every check kind, in both languages, read by the rules
// a learner's card keeps (test/support/message-rules.ts): no script, no newline, no `[0]`-style
// or dotted path, no JSON, nothing cut off, no English words on a Korean card. The course test
// (grader-messages.test.ts) reads the messages the course's own checks produce; this one
// calls each message of sandbox/grader/messages.ts in each of its branches, with values that
// tempt a careless sentence (a multi-line script, a path, a JSON document), and fails when
// messages.ts gains a message this table does not sample.
import { describe, expect, it } from "vitest";
import type { Bilingual } from "@/sandbox/grader/results";
import * as say from "@/sandbox/grader/messages";
import { evaluateSelectCheck, type KubeObject } from "@/sandbox/grader/evaluate";
import { checkSchema } from "@/sandbox/grader/exercise-schema";
import { problemsOf } from "../support/message-rules";

const web = say.objectText("Deployment", "web", "default");
const shop = say.objectText("Service", "shop", "shop");
const field = say.fieldName("spec.replicas");
const probePort = say.fieldName("spec.template.spec.containers[name=web].livenessProbe.httpGet.port");
const envField = say.envName("MODE", "web");
const SCRIPT = "set -e\nkubectl get deploy web -o json | jq '.spec.template.spec.containers[0].env'\nexit 1";
const JSON_DOC = '{"apiVersion":"v1","kind":"Status","message":"deployments.apps \\"web\\" not found","code":404}';

const matchers: say.Matcher[] = [
  { op: "equals", value: 3 },
  { op: "equals", value: "nginx:1.27" },
  { op: "equals", value: true },
  { op: "oneOf", values: ["IfNotPresent", "Always"] },
  { op: "regex", source: "^wordpress:", says: { en: "a WordPress image", ko: "WordPress 이미지" } },
  { op: "regex", source: "^v[0-9]+$" },
  { op: "sameAs", values: ["v1.31.0"] },
  { op: "sameAs", values: ["kube-scheduler-a", "kube-scheduler-b"] },
  { op: "sameAs", values: ["v1.31.0"], says: { en: "the version the node's `kubelet` reports", ko: "노드의 `kubelet`이 보고하는 버전" } },
  { op: "gte", value: 2 },
  { op: "lte", value: 5 },
  { op: "exists", value: true },
  { op: "exists", value: false },
];
const foundValues: unknown[] = [undefined, null, 2, "latest", SCRIPT, JSON_DOC, ["a", "b"], { app: "web" }, { httpGet: { path: "/", port: 80 } }, [], {}];
const clauseTexts = (c: say.Clause): Bilingual[] => [{ en: c.en, ko: c.ko.and }, { en: c.en, ko: c.ko.end }];
const selections: say.SelectionText[] = [
  { kind: "Deployment", name: "web", namespace: "default" },
  { kind: "Pod", namespace: "shop", labels: { app: "api-debug", quarantine: "true" } },
  { kind: "Node", name: "minikube", namespace: "default" },
  { kind: "Ingress", namespace: "default" },
];
const counts: say.CountBounds[] = [{ equals: 0 }, { equals: 1 }, { equals: 3 }, { gte: 2 }, { lte: 4 }, { gte: 1, lte: 3 }];
const gaps: say.RolloutGap[] = [
  { reason: "notObserved" },
  { reason: "stuck", detail: 'ReplicaSet "web-5d8f" has timed out progressing.' },
  { reason: "updating", updated: 1, desired: 3 },
  { reason: "oldReplicas", old: 2 },
  { reason: "unavailable", available: 1, desired: 3 },
  { reason: "revision" },
];
const sources: say.MountSource[] = [{ type: "claim", name: "old-pages" }, { type: "template", name: "store" }, { type: "configMap", name: "site-pages" }, { type: "secret", name: "tls" }, { type: "other", kind: "emptyDir" }, { type: "other", kind: "hostPath" }, { type: "none" }];

/** Each message function of messages.ts, with the arguments that reach each of its branches. */
const samples: Record<string, () => Bilingual[]> = {
  objectText: () => [web, shop, say.objectText("Node", "minikube", undefined), say.objectText("PersistentVolume", "pv-1", "default")],
  nothingSelected: () => selections.map(say.nothingSelected),
  unknownKind: () => [say.unknownKind("Widget")],
  countExpectedText: () => counts.map(say.countExpectedText),
  countFoundText: () => [0, 1, 12].map(say.countFoundText),
  countMismatch: () => selections.flatMap((s) => counts.flatMap((c) => [0, 2].map((n) => say.countMismatch(s, c, n)))),
  countMatched: () => selections.flatMap((s) => [0, 1, 3].map((n) => say.countMatched(s, n))),
  matcherExpectedText: () => matchers.flatMap((m) => [say.matcherExpectedText(m), say.matcherExpectedText(m, "count"), say.matcherExpectedText(m, "seconds")]),
  sameAsNothing: () => selections.map((s) => say.sameAsNothing(web, say.fieldName("data.kubelet"), s)),
  namedPortValue: () => [say.namedPortValue("http", 80), say.namedPortValue("web", undefined)],
  fieldMismatch: () =>
    matchers.flatMap((m) =>
      foundValues.flatMap((v) => [
        say.fieldMismatch(web, field, m, v),
        say.fieldMismatch(web, say.fieldName("status.readyReplicas"), m, v),
        say.fieldMismatch(web, say.fieldName("spec.template.spec.containers[name=web].livenessProbe.periodSeconds"), m, v),
        say.fieldMismatch(web, envField, m, v, { secret: true }),
        say.fieldMismatch(web, probePort, m, v, { shown: say.namedPortValue("admin", 9000) }),
      ]),
    ),
  fieldSatisfied: () =>
    matchers.flatMap((m) =>
      [3, "nginx:1.27", { a: 1 }].flatMap((v) => [
        ...clauseTexts(say.fieldSatisfied("spec.replicas", field, m, v)),
        ...clauseTexts(say.fieldSatisfied("metadata.name", say.fieldName("metadata.name"), m, v)),
        ...clauseTexts(say.fieldSatisfied("env", envField, m, v, { secret: true })),
        ...clauseTexts(say.fieldSatisfied("x", probePort, m, v, { shown: say.namedPortValue("http", 80) })),
      ]),
    ),
  conditionExpectedText: () => [say.conditionExpectedText("Available", "True")],
  conditionMissing: () => [say.conditionMissing(web, "Available")],
  conditionMismatch: () => [say.conditionMismatch(web, "Ready", "True", "False"), say.conditionMismatch(web, "Ready", "True", "False", "ContainersNotReady")],
  conditionSatisfied: () => clauseTexts(say.conditionSatisfied("Ready", "True")),
  rolloutIncomplete: () => gaps.map((g) => say.rolloutIncomplete(web, g)),
  rolloutExpectedText: () => [say.rolloutExpectedText(3)],
  rolloutFoundText: () => [say.rolloutFoundText(1, 2, 3)],
  rolloutComplete: () => clauseTexts(say.rolloutComplete(3)),
  allSatisfied: () => [
    say.allSatisfied(web, []),
    say.allSatisfied(web, [say.fieldSatisfied("metadata.name", say.fieldName("metadata.name"), { op: "equals", value: "web" }, "web")]),
    say.allSatisfied(web, [say.rolloutComplete(3), say.conditionSatisfied("Available", "True"), say.endpointsReadyClause(2)]),
  ],
  manySatisfied: () => selections.flatMap((s) => [say.manySatisfied(s, 3, []), say.manySatisfied(s, 2, [say.rolloutComplete(1), say.fieldSatisfied("spec.replicas", field, { op: "equals", value: 1 }, 1)])]),
  commandFoundText: () => [say.commandFoundText(SCRIPT), say.commandFoundText(`first\n${"x".repeat(400)}`), say.commandFoundText("v1.31.0\n")].filter((b): b is Bilingual => b !== undefined),
  fillFound: () => [
    say.fillFound({ en: "Key `kubelet` holds {found}.", ko: "`kubelet` 키(지금: {found})." }, say.commandFoundText(SCRIPT)),
    say.fillFound({ en: "Key `kubelet` holds {found}.", ko: "`kubelet` 키(지금: {found})." }, undefined),
  ],
  commandPassed: () => [say.commandPassed()],
  commandFailed: () => [say.commandFailed(1), say.commandFailed(2)],
  commandTimedOut: () => [say.commandTimedOut(8)],
  labUnreadable: () => [say.labUnreadable(SCRIPT), say.labUnreadable(JSON_DOC), say.labUnreadable("")],
  checkNotRun: () => [say.checkNotRun()],
  setupFailed: () => [say.setupFailed(1, SCRIPT), say.setupFailed(127, "")],
  setupNotRun: () => [say.setupNotRun(`exec failed: container gone\n${SCRIPT}`), say.setupNotRun(JSON_DOC), say.setupNotRun("")],
  envName: () => [say.envName("MODE"), say.envName("MODE", "web")],
  envSourceMissing: () => (["ConfigMap", "Secret"] as const).flatMap((k) => (["missingObject", "missingKey"] as const).map((p) => say.envSourceMissing(web, envField, k, "settings", "mode", p))),
  envNoContainer: () => [say.envNoContainer(web, "web"), say.envNoContainer(web, undefined)],
  envWrongSource: () =>
    [{ source: "value" }, { source: "ConfigMap", from: "other" }, { source: "Secret", from: "db" }, { source: "none" }].flatMap((f) =>
      (["ConfigMap", "Secret"] as const).map((kind) => say.envWrongSource(web, envField, { kind, name: "settings" }, f)),
    ),
  envFromClause: () => [...clauseTexts(say.envFromClause(envField, "Secret", "db")), ...clauseTexts(say.envFromClause(envField, "ConfigMap", "settings"))],
  endpointsReady: () => [say.endpointsReady(shop, 1), say.endpointsReady(shop, 3)],
  endpointsReadyClause: () => [...clauseTexts(say.endpointsReadyClause(1)), ...clauseTexts(say.endpointsReadyClause(2))],
  endpointsNoSelector: () => [say.endpointsNoSelector(shop)],
  endpointsSelectorMatchesNothing: () => [say.endpointsSelectorMatchesNothing(shop, { app: "shp" }, []), say.endpointsSelectorMatchesNothing(shop, { app: "shp", tier: "web" }, ["app=shop", "tier=web"])],
  endpointsPodsNotReady: () => [say.endpointsPodsNotReady(shop, 1, ["shop-1"]), say.endpointsPodsNotReady(shop, 5, ["a", "b", "c", "d"])],
  endpointsTooFew: () => counts.map((c) => say.endpointsTooFew(shop, 1, 2, say.countExpectedText(c))),
  targetPortNameUnknown: () => [say.targetPortNameUnknown(shop, "http"), say.targetPortNameUnknown(shop, "web")],
  servicePortMissing: () => [say.servicePortMissing(shop, 80)],
  portReachesMessage: () => [say.portReachesMessage(shop, 80, 8080), say.portReachesMessage(shop, 80, 8080, "http")],
  portReachesClause: () => [...clauseTexts(say.portReachesClause(80, 8080)), ...clauseTexts(say.portReachesClause(80, 8080, "web"))],
  portReachesWrong: () => [say.portReachesWrong(shop, 80, 8080, "80"), say.portReachesWrong(shop, 80, 8080, "admin → 9000")],
  portNameUnresolved: () => [say.portNameUnresolved(shop, 80, "http")],
  mountExpected: () => sources.map((s) => say.mountExpected(s, "/usr/share/nginx/html")),
  mountFoundText: () => [say.mountFoundText(undefined), ...sources.map((source) => say.mountFoundText({ volume: "pages", source }))],
  mountMissing: () => [say.mountMissing(web, "nginx", "/data", []), ...sources.map((source) => say.mountMissing(web, "nginx", "/data", [{ path: "/tmp", source }])), say.mountMissing(web, "nginx", "/data", sources.map((source, i) => ({ path: `/m${i}`, source })))],
  mountWrongSource: () => sources.flatMap((source) => sources.slice(0, 4).map((wanted) => say.mountWrongSource(web, "nginx", "/usr/share/nginx/html", "pages", source, wanted))),
  mountClause: () => sources.slice(0, 4).flatMap((s) => clauseTexts(say.mountClause("nginx", "/data", s))),
  backendsExpected: () => [say.backendsExpected()],
  backendFoundText: () => [say.backendFoundText("docs"), say.backendFoundText("docs", "8080"), say.backendFoundText("docs", "http")],
  ingressNoBackends: () => [say.ingressNoBackends(say.objectText("Ingress", "portal", "default"))],
  ingressBackendMissing: () => [undefined, "docs.example.com/", "*/api"].map((w) => say.ingressBackendMissing(say.objectText("Ingress", "portal", "shop"), w, "doc")),
  ingressBackendNoPort: () => [[], ["80"], ["http 80", "admin 9000", "a 1", "b 2", "c 3"]].map((offered) => say.ingressBackendNoPort(say.objectText("Ingress", "portal", "default"), "docs.example.com/", "docs", "8080", offered)),
  backendsExistClause: () => [...clauseTexts(say.backendsExistClause(1)), ...clauseTexts(say.backendsExistClause(2))],
  revisionExpected: () => [say.revisionExpected(2)],
  revisionFound: () => [say.revisionFound(1)],
  notUpdatedInPlace: () => [say.notUpdatedInPlace(web, 1, 2)],
  noOldReplicaSet: () => [say.noOldReplicaSet(web, 2), say.noOldReplicaSet(web, 3)],
  updatedInPlaceMessage: () => [say.updatedInPlaceMessage(web, 2), say.updatedInPlaceMessage(web, 3)],
  updatedInPlaceClause: () => clauseTexts(say.updatedInPlaceClause(4)),
  outputTooLarge: () => [say.outputTooLarge(4 * 1024 * 1024)],
  needsRealPods: () => [say.needsRealPods()],
  containerText: () => [say.containerText("web-5d8f", "web"), say.containerText("web-5d8f", "web", "shop")],
  podNoContainer: () => [say.podNoContainer(say.objectText("Pod", "reader", "default"), "side", ["web"]), say.podNoContainer(say.objectText("Pod", "reader", "default"), "side", [])],
  containerNotStarted: () => ["ContainerCreating", "ImagePullBackOff", "Unschedulable", "Pending"].map((r) => say.containerNotStarted(say.containerText("web-1", "web"), r)),
  containerNotRunning: () => ["CrashLoopBackOff", "Completed"].map((r) => say.containerNotRunning(say.containerText("web-1", "web"), r)),
  containerNoPrevious: () => [say.containerNoPrevious(say.containerText("web-1", "web"))],
  textMatchExpected: () => [say.textMatchExpected({ contains: "ready to serve" }), say.textMatchExpected({ regex: "^listening on :80(80)?$" }), say.textMatchExpected({ regex: "x", says: { en: "the greeting", ko: "인사말" } })],
  outputTail: () => [say.outputTail(""), say.outputTail('10.244.0.1 - - [05/Dec/2026:02:11:09 +0000] "GET / HTTP/1.1" 200 615\nstarting server on :8080'), say.outputTail(JSON_DOC), say.outputTail(`a\r\n${"y".repeat(500)}\nlast`), say.outputTail("sleep\u00003600\u0000\u001b[31mred")],
  logsMatched: () => [true, false].flatMap((p) => [say.logsMatched(say.containerText("web-1", "web"), p, say.textMatchExpected({ contains: "ready" })), say.logsMatched(say.containerText("web-1", "web"), p, { en: "the greeting", ko: "인사말" })]),
  logsNoMatch: () => [true, false].flatMap((p) => [0, 1, 40].map((n) => say.logsNoMatch(say.containerText("web-1", "web"), p, say.textMatchExpected({ regex: "^started$" }), n))),
  commandText: () => [say.commandText(["cat", "/etc/config/message"]), say.commandText(["sh", "-c", SCRIPT]), say.commandText(["x".repeat(300)]), say.commandText(["printenv", "MODE"]), say.commandText(["grep", "-q", "hello world", "/data/x"])],
  execPassed: () => [say.execPassed(say.containerText("reader", "app"), ["cat", "/etc/config/message"], 0), say.execPassed(say.containerText("reader", "app"), ["printenv", "MODE"], 0, say.textMatchExpected({ contains: "prod" })), say.execPassed(say.containerText("reader", "app"), ["false"], 1)],
  execExitMismatch: () => [say.execExitMismatch(say.containerText("reader", "app"), ["test", "-f", "/data/ok"], 0, 1), say.execExitMismatch(say.containerText("reader", "app"), ["sh", "-c", SCRIPT], 0, 127)],
  execOutputNoMatch: () => [say.execOutputNoMatch(say.containerText("reader", "app"), ["printenv", "MODE"], say.textMatchExpected({ contains: "prod" })), say.execOutputNoMatch(say.containerText("reader", "app"), ["cat", "/x"], { en: "the greeting", ko: "인사말" })],
  execNotFound: () => [say.execNotFound(say.containerText("reader", "app"), ["curl", "localhost"])],
  execTimedOut: () => [say.execTimedOut(say.containerText("reader", "app"), ["sleep", "30"], 2), say.execTimedOut(say.containerText("reader", "app"), ["sh", "-c", SCRIPT], 5)],
  behaviourTimedOut: () => [say.behaviourTimedOut(5)],
  behaviourUnreadable: () => [say.behaviourUnreadable(SCRIPT), say.behaviourUnreadable(JSON_DOC), say.behaviourUnreadable("")],
  outputOverLimit: () => [say.outputOverLimit(64)],
  requestTarget: () => [
    say.requestTarget({ service: "web", namespace: "default", port: "80", via: "clusterIP", path: "/" }),
    say.requestTarget({ service: "web", namespace: "shop", port: "http", via: "nodePort", path: "/orders" }),
    say.requestTarget({ service: "web", path: "/" }),
    say.requestTarget({ host: "shop.example.com", path: "/orders" }),
  ],
  httpFound: () => [say.httpFound(200, "<html>\n<head><title>Welcome to nginx!</title>"), say.httpFound(404, ""), say.httpFound(500, JSON_DOC), say.httpFound(200, "z".repeat(500))],
  httpStatusExpected: () => [say.httpStatusExpected([200]), say.httpStatusExpected([301, 302])],
  httpAnswered: () => {
    const to = say.requestTarget({ service: "web", namespace: "default", port: "80", via: "clusterIP", path: "/" });
    return [say.httpAnswered(to, 200, []), say.httpAnswered(to, 404, [say.httpHeaderClause("Content-Type", "text/html")]), say.httpAnswered(to, 200, [say.httpHeaderClause("X-Mode", "y".repeat(200)), say.httpBodyClause(say.textMatchExpected({ contains: "Welcome" }))])];
  },
  httpStatusMismatch: () => [[200], [301, 302]].flatMap((w) => [200, 404, 503].map((g) => say.httpStatusMismatch(say.requestTarget({ host: "shop.example.com", path: "/" }), w, g))),
  httpHeaderClause: () => [say.httpHeaderClause("Content-Type", "text/html; charset=utf-8")],
  httpHeaderMissing: () => [say.httpHeaderMissing(say.requestTarget({ service: "web", path: "/" }), "X-Mode")],
  httpHeaderMismatch: () => [say.httpHeaderMismatch(say.requestTarget({ service: "web", path: "/" }), "Content-Type", { contains: "json" }, "text/html"), say.httpHeaderMismatch(say.requestTarget({ service: "web", path: "/" }), "X-Mode", { regex: "^prod$" }, "x".repeat(200))],
  httpBodyClause: () => [say.httpBodyClause(say.textMatchExpected({ contains: "Welcome" }))],
  httpBodyNoMatch: () => [say.httpBodyNoMatch(say.requestTarget({ service: "web", path: "/" }), say.textMatchExpected({ regex: "Welcome to (nginx|WordPress)" }))],
  httpRefused: () => [say.httpRefused(say.requestTarget({ service: "web", via: "nodePort", port: "80", path: "/" }))],
  httpNoAnswer: () => [say.httpNoAnswer(say.requestTarget({ service: "web", path: "/" }), 5)],
  httpBrokenAnswer: () => [say.httpBrokenAnswer(say.requestTarget({ host: "shop.example.com", path: "/" }))],
  appMayBeStarting: () => [say.appMayBeStarting(12)],
  httpTooManyRedirects: () => [say.httpTooManyRedirects(say.requestTarget({ service: "web", port: "80", path: "/" }))],
  serviceNoClusterIP: () => [say.serviceNoClusterIP(shop)],
  serviceNoNodePort: () => [say.serviceNoNodePort(shop, "ClusterIP"), say.serviceNoNodePort(shop, "ExternalName")],
  showValue: () => foundValues.flatMap((v) => [say.showValue(v), say.showValue(v, "count"), say.showValue(v, "seconds")]),
};

/** Exports of messages.ts that are not sentences: helpers and the field-name table (tested in the course test). */
const NOT_SENTENCES = new Set(["code", "zeroWhenMissing", "fieldName", "HIDDEN"]);

describe("every message the grader has", () => {
  it("is sampled here (a new message in messages.ts needs its samples in this table)", () => {
    const exported = Object.keys(say).filter((k) => !NOT_SENTENCES.has(k));
    expect(exported.filter((k) => !(k in samples)).sort()).toEqual([]);
  });

  for (const [name, sample] of Object.entries(samples)) {
    it(`${name} reads as a person wrote it, in Korean and English`, () => {
      const texts = sample();
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.flatMap((t) => problemsOf({ message: t })).map((p) => `${name}: ${p}`)).toEqual([]);
    });
  }
});

// The same rules on whole results of each check kind, judged from objects as `kubectl get -o
// json` prints them, failing and passing: what the card shows is the message with its
// expected and found values.
describe("every check kind, failing and passing", () => {
  const t = { ko: "제목", en: "Title" };
  const check = (spec: Record<string, unknown>) => checkSchema.parse({ id: "c", title: t, hint: t, ...spec });
  const related = (objects: KubeObject[]) => (kind: string) => objects.filter((o) => o.kind === kind);
  const deployment = (over: Record<string, unknown> = {}): KubeObject => ({
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", uid: "d-1", generation: 2, annotations: { "deployment.kubernetes.io/revision": "2" } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 80 }], env: [{ name: "MODE", value: "dev" }] }] } } },
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }] },
    ...over,
  });
  const pod = (ready: boolean, labels = { app: "web" }): KubeObject => ({ kind: "Pod", metadata: { name: `web-${ready}`, namespace: "default", labels }, spec: { containers: [{ name: "web", ports: [{ name: "http", containerPort: 80 }] }] }, status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
  const service = (targetPort: unknown, selector: Record<string, string> | undefined = { app: "web" }): KubeObject => ({ kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { ...(selector ? { selector } : {}), ports: [{ port: 80, targetPort }] } });
  const slice = (n: number): KubeObject => ({ kind: "EndpointSlice", metadata: { name: "web-x1", namespace: "default", labels: { "kubernetes.io/service-name": "web" } }, endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: { ready: true } })) });
  const rs = (revision: string, owner = "d-1"): KubeObject => ({ kind: "ReplicaSet", metadata: { name: `web-${revision}`, namespace: "default", annotations: { "deployment.kubernetes.io/revision": revision }, ownerReferences: [{ uid: owner }] } as KubeObject["metadata"] });

  const cases: [string, Record<string, unknown>, KubeObject[], KubeObject[]][] = [
    ["count, none", { select: { kind: "Deployment", labels: { app: "web" } }, count: { gte: 1 } }, [], []],
    ["count, too many", { select: { kind: "Deployment" }, count: { equals: 0 } }, [deployment()], []],
    ["expect, a field", { select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[name=web].image", equals: "nginx:1.28" }] }, [deployment()], []],
    ["expect, a count field", { select: { kind: "Deployment", name: "web" }, expect: [{ path: "status.readyReplicas", equals: 3 }] }, [deployment()], []],
    ["expect, passing", { select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.replicas", equals: 3 }, { path: "metadata.name", equals: "web" }] }, [deployment()], []],
    ["expect, a probe port by name", { select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[name=web].livenessProbe.httpGet.port", equals: 8080 }] }, [deployment({ spec: { template: { spec: { containers: [{ name: "web", ports: [{ name: "http", containerPort: 80 }], livenessProbe: { httpGet: { port: "http" } } }] } } } })], []],
    ["expect, env from the wrong place", { select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "MODE", container: "web" }, fromConfigMap: "settings" }] }, [deployment()], []],
    ["expect, env from a missing key", { select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "MODE" }, equals: "prod" }] }, [deployment({ spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "mode" } } }] }] } } } })], [{ kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: {} }]],
    ["expect, env no container", { select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "MODE", container: "side" }, equals: "prod" }] }, [deployment()], []],
    ["condition, mismatch", { select: { kind: "Deployment", name: "web" }, condition: { type: "Available" } }, [deployment()], []],
    ["condition, missing", { select: { kind: "Deployment", name: "web" }, condition: { type: "Progressing" } }, [deployment()], []],
    ["rolloutComplete", { select: { kind: "Deployment", name: "web" }, rolloutComplete: true }, [deployment()], []],
    ["endpoints, no selector", { select: { kind: "Service", name: "web" }, endpoints: {} }, [service(80, undefined)], []],
    ["endpoints, selector matches nothing", { select: { kind: "Service", name: "web" }, endpoints: {} }, [service(80, { app: "wbe" })], [pod(true)]],
    ["endpoints, pods not ready", { select: { kind: "Service", name: "web" }, endpoints: {} }, [service(80)], [pod(false), slice(0)]],
    ["endpoints, port name unknown", { select: { kind: "Service", name: "web" }, endpoints: {} }, [service("admin")], [pod(true), slice(0)]],
    ["endpoints, too few", { select: { kind: "Service", name: "web" }, endpoints: { ready: { equals: 3 } } }, [service(80)], [pod(true), slice(1)]],
    ["endpoints, passing", { select: { kind: "Service", name: "web" }, endpoints: {} }, [service(80)], [pod(true), slice(1)]],
    ["portReaches, another number", { select: { kind: "Service", name: "web" }, portReaches: { port: 80, containerPort: 8080 } }, [service(80)], [pod(true)]],
    ["portReaches, no such port", { select: { kind: "Service", name: "web" }, portReaches: { port: 443, containerPort: 80 } }, [service(80)], [pod(true)]],
    ["portReaches, a name with no pod", { select: { kind: "Service", name: "web" }, portReaches: { port: 80, containerPort: 80 } }, [service("http")], []],
    ["portReaches, a name for another port", { select: { kind: "Service", name: "web" }, portReaches: { port: 80, containerPort: 8080 } }, [service("http")], [pod(true)]],
    ["portReaches, passing by name", { select: { kind: "Service", name: "web" }, portReaches: { port: 80, containerPort: 80 } }, [service("http")], [pod(true)]],
    ["updatedInPlace, revision 1", { select: { kind: "Deployment", name: "web" }, updatedInPlace: { revision: 2 } }, [deployment({ metadata: { name: "web", namespace: "default", uid: "d-1" } })], []],
    ["updatedInPlace, no old ReplicaSet", { select: { kind: "Deployment", name: "web" }, updatedInPlace: { revision: 2 } }, [deployment()], [rs("2")]],
    ["updatedInPlace, passing", { select: { kind: "Deployment", name: "web" }, updatedInPlace: { revision: 2 } }, [deployment()], [rs("1"), rs("2")]],
    ["mounts, nothing there", { select: { kind: "Deployment", name: "web" }, mounts: { claim: "data", path: "/data" } }, [deployment()], []],
    ["mounts, an emptyDir", { select: { kind: "Deployment", name: "web" }, mounts: { claim: "data", path: "/data" } }, [deployment({ spec: { template: { spec: { volumes: [{ name: "d", emptyDir: {} }], containers: [{ name: "web", volumeMounts: [{ name: "d", mountPath: "/data" }] }] } } } })], []],
    ["mounts, a ConfigMap where a Secret belongs", { select: { kind: "Deployment", name: "web" }, mounts: { secret: "tls", path: "/etc/tls" } }, [deployment({ spec: { template: { spec: { volumes: [{ name: "t", configMap: { name: "tls" } }], containers: [{ name: "web", volumeMounts: [{ name: "t", mountPath: "/etc/tls" }] }] } } } })], []],
    ["mounts, passing", { select: { kind: "Deployment", name: "web" }, mounts: { claim: "data", path: "/data" } }, [deployment({ spec: { template: { spec: { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }], containers: [{ name: "web", volumeMounts: [{ name: "d", mountPath: "/data" }] }] } } } })], []],
    ["backendsExist, a missing Service", { select: { kind: "Ingress", name: "portal" }, backendsExist: true }, [{ kind: "Ingress", metadata: { name: "portal", namespace: "default" }, spec: { rules: [{ host: "docs.example.com", http: { paths: [{ path: "/", backend: { service: { name: "doc", port: { number: 80 } } } }] } }] } }], []],
    ["many objects, passing", { select: { kind: "Pod", labels: { app: "web" } }, count: { gte: 2 }, expect: [{ path: "metadata.labels.app", equals: "web" }] }, [pod(true), { ...pod(false), metadata: { name: "web-2", namespace: "default", labels: { app: "web" } } }], []],
  ];

  for (const [name, spec, objects, others] of cases) {
    it(`${name}: the card reads as a person wrote it`, () => {
      const r = evaluateSelectCheck(check(spec), objects, related(others));
      expect(problemsOf(r)).toEqual([]);
    });
  }
});
