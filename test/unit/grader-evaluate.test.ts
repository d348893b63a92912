// The grader's rules on objects recorded from a real lab (`kubectl get deployments.apps,pods,
// services,configmaps,namespaces,nodes -A -o json`, managed fields dropped): a Deployment web
// of 3 replicas in the middle of a rollout to an image that does not exist, a Deployment api
// of 2 in namespace shop, a NodePort Service web, a ConfigMap app-config.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Check, checkSchema } from "@/sandbox/grader/exercise-schema";
import { evaluateSelectCheck, type KubeObject, readPath, rolloutGap, selectObjects } from "@/sandbox/grader/evaluate";

const items = (JSON.parse(readFileSync("test/fixtures/grader/cluster-list.json", "utf8")) as { items: KubeObject[] }).items;
const ofKind = (kind: string) => items.filter((o) => o.kind === kind);
const web = ofKind("Deployment").find((d) => d.metadata?.name === "web")!;

const text = { ko: "제목", en: "Title" };
function check(spec: Record<string, unknown>): Check {
  return checkSchema.parse({ id: "c", title: text, hint: text, ...spec });
}
function grade(spec: Record<string, unknown>, objects?: KubeObject[]) {
  const c = check(spec);
  return evaluateSelectCheck(c, objects ?? ofKind(c.select!.kind));
}
/** The same Deployment with its rollout finished. */
function finished(replicas: number): KubeObject {
  return {
    ...web,
    metadata: { ...web.metadata, generation: 4 },
    spec: { ...web.spec, replicas },
    status: { observedGeneration: 4, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

describe("reading the cluster's objects", () => {
  it("follows dotted paths with indexes, and says undefined for what is absent", () => {
    expect(readPath(web, "spec.template.spec.containers[0].image")).toBe("nginx:9.99-missing");
    expect(readPath(web, "spec.template.spec.containers[3].image")).toBeUndefined();
    expect(readPath(web, "metadata.labels.app")).toBe("web");
    expect(readPath(web, "spec.replicas.nope")).toBeUndefined();
  });

  it("selects by kind, namespace, name and labels, ignoring the namespace for cluster-scoped kinds", () => {
    const sel = (s: Record<string, unknown>) => selectObjects(items, check({ select: s, count: { gte: 0 } }).select!).map((o) => o.metadata?.name);
    expect(sel({ kind: "Deployment" })).toEqual(["d1", "web"]);
    expect(sel({ kind: "Deployment", namespace: "shop" })).toEqual(["api"]);
    expect(sel({ kind: "Pod", labels: { app: "web" } })).toHaveLength(4);
    expect(sel({ kind: "Pod", labels: { app: "web", "pod-template-hash": "7dfc69bd6" } })).toEqual(["web-7dfc69bd6-85dfk"]);
    expect(sel({ kind: "Node", name: "minikube" })).toEqual(["minikube"]);
    expect(sel({ kind: "Namespace", name: "shop" })).toEqual(["shop"]);
  });
});

describe("field expectations", () => {
  it("pass with a message that says what was found", () => {
    const r = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.replicas", equals: 3 }, { path: "metadata.labels.app", equals: "web" }] });
    expect(r.status).toBe("pass");
    expect(r.message.en).toBe("Deployment `web`: 3 replicas and label `app` is `web`.");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 레플리카는 3개이고, `app` 레이블은 `web`입니다.");
  });

  it("fail with the expected and found numbers, in both languages", () => {
    const r = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "status.readyReplicas", gte: 4 }] });
    expect(r).toMatchObject({ status: "fail", expected: { en: "at least 4", ko: "4개 이상" }, found: { en: "3", ko: "3개" } });
    expect(r.message.en).toBe("Deployment `web`: expected at least 4 ready replicas, found 3.");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 준비된 레플리카가 4개 이상이어야 하는데 3개입니다.");
    const exact = grade({ select: { kind: "Deployment", name: "api", namespace: "shop" }, expect: [{ path: "status.readyReplicas", equals: 4 }] });
    expect(exact.message.en).toBe("Deployment `api` in namespace `shop`: expected 4 ready replicas, found 2.");
    expect(exact.message.ko).toBe("`shop` 네임스페이스의 디플로이먼트 `api`: 준비된 레플리카가 4개여야 하는데 2개입니다.");
  });

  it("name fields from the table, a container by its name only when the pod has several, and an unknown field by its key, never its path", () => {
    const image = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[0].image", equals: "nginx:1.25" }] });
    expect(image.message.en).toBe("Deployment `web`: image should be `nginx:1.25`, but it is `nginx:9.99-missing`.");
    expect(image.message.ko).toBe("디플로이먼트 `web`: 이미지가 `nginx:1.25`여야 하는데 지금은 `nginx:9.99-missing`입니다.");
    const two: KubeObject = { ...web, spec: { ...web.spec, template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }, { name: "log", image: "busybox" }] } } } };
    const second = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[1].image", equals: "busybox:1.36" }] }, [two]);
    expect(second.message.ko).toBe("디플로이먼트 `web`: 컨테이너 `log`의 이미지가 `busybox:1.36`이어야 하는데 지금은 `busybox`입니다.");
    expect(second.message.en).toBe("Deployment `web`: image of container `log` should be `busybox:1.36`, but it is `busybox`.");
    const type = grade({ select: { kind: "Service", name: "web" }, expect: [{ path: "spec.type", equals: "LoadBalancer" }] });
    expect(type.message.ko).toBe("서비스 `web`: 타입이 `LoadBalancer`여야 하는데 지금은 `NodePort`입니다.");
    const generic = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.revisionHistoryLimit", lte: 5 }] });
    expect(generic.message.en).toBe("Deployment `web`: revision history limit should be at most `5`, but it is `10`.");
    expect(generic.message.ko).toBe("디플로이먼트 `web`: 보관할 리비전 수가 `5` 이하여야 하는데 지금은 `10`입니다.");
    const unknown = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[0].securityContext.runAsUser", equals: 1000 }] });
    expect(unknown.message.ko).toBe("디플로이먼트 `web`: `runAsUser` 필드가 `1000`이어야 하는데 설정되어 있지 않습니다.");
  });

  it("compare a number with its string form (targetPort 80 vs \"80\")", () => {
    expect(grade({ select: { kind: "Service", name: "web" }, expect: [{ path: "spec.ports[0].targetPort", equals: "80" }] }).status).toBe("pass");
    expect(grade({ select: { kind: "Service", name: "web" }, expect: [{ path: "spec.ports[0].port", oneOf: [80, 8080] }] }).status).toBe("pass");
    const node = grade({ select: { kind: "Service", name: "web" }, expect: [{ path: "spec.ports[0].nodePort", gte: 30000 }, { path: "spec.ports[0].nodePort", lte: 32767 }] });
    expect(node.status).toBe("pass");
  });

  it("match regular expressions and one-of lists", () => {
    const re = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[0].image", regex: "^nginx:1\\.2[0-9]$" }] });
    expect(re.status).toBe("fail");
    expect(re.message.en).toBe("Deployment `web`: image should match `^nginx:1\\.2[0-9]$`, but it is `nginx:9.99-missing`.");
    const said = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[0].image", regex: "^nginx:1\\.2[0-9]$", says: { en: "an nginx 1.2x image", ko: "nginx 1.2x 이미지" } }] });
    expect(said.message.en).toBe("Deployment `web`: image should be an nginx 1.2x image, but it is `nginx:9.99-missing`.");
    expect(said.message.ko).toBe("디플로이먼트 `web`: 이미지가 nginx 1.2x 이미지여야 하는데 지금은 `nginx:9.99-missing`입니다.");
    const one = grade({ select: { kind: "Service", name: "web" }, expect: [{ path: "spec.type", oneOf: ["ClusterIP", "LoadBalancer"] }] });
    expect(one.message.en).toBe("Service `web`: type should be one of `ClusterIP`, `LoadBalancer`, but it is `NodePort`.");
    expect(one.message.ko).toBe("서비스 `web`: 타입은 `ClusterIP`, `LoadBalancer` 중 하나여야 하는데 지금은 `NodePort`입니다.");
  });

  it("treat exists: false as absent, and exists: true as present", () => {
    const cm = { select: { kind: "ConfigMap", name: "app-config" } };
    expect(grade({ ...cm, expect: [{ path: "data.mode", exists: true }] }).status).toBe("pass");
    expect(grade({ ...cm, expect: [{ path: "data.debug", exists: false }] }).status).toBe("pass");
    const unwanted = grade({ ...cm, expect: [{ path: "data.mode", exists: false }] });
    expect(unwanted).toMatchObject({ status: "fail", found: { en: "`prod`", ko: "`prod`" } });
    expect(unwanted.message.ko).toBe("컨피그맵 `app-config`: `mode` 키가 없어야 하는데 설정되어 있습니다(`prod`).");
    const missing = grade({ ...cm, expect: [{ path: "data.debug", exists: true }] });
    expect(missing.message.en).toBe("ConfigMap `app-config`: key `debug` is not set.");
    expect(missing.message.ko).toBe("컨피그맵 `app-config`: `debug` 키가 설정되어 있지 않습니다.");
  });

  it("read replica counts Kubernetes leaves out as zero", () => {
    const scaledDown: KubeObject = { ...web, spec: { ...web.spec, replicas: 0 }, status: { observedGeneration: 3 } };
    expect(grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "status.readyReplicas", equals: 0 }] }, [scaledDown]).status).toBe("pass");
    const absent = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.paused", equals: true }] });
    expect(absent.message.en).toBe("Deployment `web`: field `paused` should be `true`, but it is not set.");
    expect(absent.message.ko).toBe("디플로이먼트 `web`: `paused` 필드가 `true`여야 하는데 설정되어 있지 않습니다.");
  });

  it("apply to every selected object and name the first one that misses", () => {
    const pods = grade({ select: { kind: "Pod", labels: { app: "web" } }, expect: [{ path: "status.phase", equals: "Running" }] });
    expect(pods.status).toBe("fail");
    expect(pods.message.en).toBe("Pod `web-7dfc69bd6-85dfk`: phase should be `Running`, but it is `Pending`.");
    expect(pods.message.ko).toBe("파드 `web-7dfc69bd6-85dfk`: 단계가 `Running`이어야 하는데 지금은 `Pending`입니다.");
    const all = grade({ select: { kind: "Pod", labels: { app: "web", "pod-template-hash": "bd8fbc657" } }, expect: [{ path: "status.phase", equals: "Running" }] });
    expect(all.status).toBe("pass");
    expect(all.message.en).toBe("All 3 Pods with labels `app=web,pod-template-hash=bd8fbc657` in namespace `default`: phase is `Running`.");
    expect(all.message.ko).toBe("`default` 네임스페이스의 레이블이 `app=web,pod-template-hash=bd8fbc657`인 파드 3개 모두: 단계는 `Running`입니다.");
  });
});

describe("selection", () => {
  it("fails when nothing is selected, naming what was looked for", () => {
    const r = grade({ select: { kind: "Deployment", name: "frontend" }, expect: [{ path: "spec.replicas", equals: 1 }] });
    expect(r).toMatchObject({ status: "fail", found: { en: "0", ko: "0개" } });
    expect(r.message.en).toBe("There is no Deployment named `frontend` in namespace `default`.");
    expect(r.message.ko).toBe("`default` 네임스페이스에 디플로이먼트 `frontend`가 없습니다.");
    const byLabel = grade({ select: { kind: "Pod", labels: { app: "db" }, namespace: "shop" }, condition: { type: "Ready" } });
    expect(byLabel.message.en).toBe("There is no Pod with labels `app=db` in namespace `shop`.");
    expect(byLabel.message.ko).toBe("`shop` 네임스페이스에 레이블이 `app=db`인 파드가 없습니다.");
    const node = grade({ select: { kind: "Node", name: "worker" }, condition: { type: "Ready" } });
    expect(node.message.en).toBe("There is no Node named `worker`.");
    expect(node.message.ko).toBe("클러스터에 노드 `worker`가 없습니다.");
  });

  it("counts objects, and a count of zero means absent", () => {
    const r = grade({ select: { kind: "Pod", labels: { app: "web" } }, count: { equals: 3 } });
    expect(r).toMatchObject({ status: "fail", expected: { en: "3", ko: "3개" }, found: { en: "4", ko: "4개" } });
    expect(r.message.en).toBe("Expected 3 Pods with labels `app=web` in namespace `default`, found 4.");
    expect(r.message.ko).toBe("`default` 네임스페이스에 레이블이 `app=web`인 파드가 3개여야 하는데 4개입니다.");
    const gone = grade({ select: { kind: "Deployment", name: "frontend" }, count: { equals: 0 } });
    expect(gone.status).toBe("pass");
    expect(gone.message.ko).toBe("`default` 네임스페이스에 디플로이먼트 `frontend`가 없습니다. 그래야 합니다.");
    const still = grade({ select: { kind: "Deployment", name: "d1" }, count: { equals: 0 } });
    expect(still.status).toBe("fail");
    const range = grade({ select: { kind: "Pod", namespace: "shop" }, count: { gte: 3, lte: 5 } });
    expect(range.message.ko).toBe("`shop` 네임스페이스에 파드가 3개 이상 5개 이하여야 하는데 2개입니다.");
  });
});

describe("conditions and rollouts", () => {
  it("check a condition's status and report its reason", () => {
    expect(grade({ select: { kind: "Deployment", name: "web" }, condition: { type: "Available" } }).status).toBe("pass");
    const r = grade({ select: { kind: "Deployment", name: "web" }, condition: { type: "Available", status: "False" } });
    expect(r.message.en).toBe("Deployment `web`: the `Available` condition should be `False`, but it is `True` (reason: `MinimumReplicasAvailable`).");
    expect(r.message.ko).toBe("디플로이먼트 `web`: `Available` 컨디션이 `False`여야 하는데 지금은 `True`입니다(사유: `MinimumReplicasAvailable`).");
    const missing = grade({ select: { kind: "Deployment", name: "web" }, condition: { type: "ReplicaFailure" } });
    expect(missing.message.ko).toBe("디플로이먼트 `web`: 아직 `ReplicaFailure` 컨디션이 보고되지 않았습니다.");
  });

  it("see a rollout stuck on a missing image as unfinished", () => {
    const r = grade({ select: { kind: "Deployment", name: "web" }, rolloutComplete: true });
    expect(r.status).toBe("fail");
    expect(r.message.en).toBe("Deployment `web`: the rollout is in progress: 1 of 3 replicas updated.");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 롤아웃이 진행 중입니다. 레플리카 3개 중 1개가 업데이트되었습니다.");
    expect(r.found).toEqual({ en: "1 updated, 3 available, 4 in total", ko: "업데이트 1개, 사용 가능 3개, 전체 4개" });
  });

  it("require the new generation observed, no old replicas and all available", () => {
    expect(rolloutGap(finished(3)).gap).toBeUndefined();
    const unseen = { ...finished(3), metadata: { ...web.metadata, generation: 5 } };
    expect(rolloutGap(unseen).gap).toEqual({ reason: "notObserved" });
    const old = finished(3);
    old.status = { ...old.status, replicas: 5 };
    expect(rolloutGap(old).gap).toEqual({ reason: "oldReplicas", old: 2 });
    const slow = finished(3);
    slow.status = { ...slow.status, availableReplicas: 1 };
    expect(rolloutGap(slow).gap).toEqual({ reason: "unavailable", available: 1, desired: 3 });
    const pass = grade({ select: { kind: "Deployment", name: "web" }, rolloutComplete: true }, [finished(3)]);
    expect(pass.message.en).toBe("Deployment `web`: the rollout is complete, all 3 replicas updated and available.");
    expect(pass.message.ko).toBe("디플로이먼트 `web`: 롤아웃이 끝나 레플리카 3개가 모두 업데이트되어 사용 가능합니다.");
  });

  it("check StatefulSets by ready replicas and revision", () => {
    const sts: KubeObject = {
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "default", generation: 2 },
      spec: { replicas: 3 },
      status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, currentRevision: "db-1", updateRevision: "db-2" },
    };
    expect(rolloutGap(sts).gap).toEqual({ reason: "revision" });
    expect(rolloutGap({ ...sts, status: { ...sts.status, currentRevision: "db-2" } }).gap).toBeUndefined();
    expect(rolloutGap({ ...sts, status: { ...sts.status, readyReplicas: 1, currentRevision: "db-2" } }).gap).toEqual({ reason: "unavailable", available: 1, desired: 3 });
  });

  it("are refused by the schema on kinds that have no rollout", () => {
    expect(checkSchema.safeParse({ id: "c", title: text, hint: text, select: { kind: "Service" }, rolloutComplete: true }).success).toBe(false);
  });
});

describe("keys with dots", () => {
  it("are read in brackets, and named like any label or annotation", () => {
    const tagged: KubeObject = { ...web, metadata: { ...web.metadata, annotations: { "kubernetes.io/change-cause": "image nginx:1.25" } } };
    expect(readPath(tagged, 'metadata.annotations["kubernetes.io/change-cause"]')).toBe("image nginx:1.25");
    const r = grade({ select: { kind: "Deployment", name: "web" }, expect: [{ path: 'metadata.annotations["kubernetes.io/change-cause"]', regex: "1\\.26" }] }, [tagged]);
    expect(r.message.en).toBe("Deployment `web`: change cause (`kubernetes.io/change-cause`) should match `1\\.26`, but it is `image nginx:1.25`.");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 변경 사유(`kubernetes.io/change-cause` 어노테이션)가 `1\\.26` 패턴에 맞는 값이어야 하는데 지금은 `image nginx:1.25`입니다.");
    expect(checkSchema.safeParse({ id: "c", title: text, hint: text, select: { kind: "Pod" }, expect: [{ path: 'metadata.labels["a.b', exists: true }] }).success).toBe(false);
  });
});
