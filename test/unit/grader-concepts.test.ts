// The checks on concepts, on objects shaped like `kubectl get -o json` output: environment
// values resolved as the kubelet does, a Service's endpoints and why it has none, a port
// reaching a container port by number or name, and a Deployment updated in place. Each
// message is checked in both languages.
import { describe, expect, it } from "vitest";
import { type Check, checkSchema } from "@/sandbox/grader/exercise-schema";
import { evaluateSelectCheck, type KubeObject } from "@/sandbox/grader/evaluate";
import { resolveEnv } from "@/sandbox/grader/concepts";

const text = { ko: "제목", en: "Title" };
const check = (spec: Record<string, unknown>): Check => checkSchema.parse({ id: "c", title: text, hint: text, ...spec });
const b64 = (s: string) => Buffer.from(s).toString("base64");

const world: KubeObject[] = [
  { kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: { APP_MODE: "staging", HOST: "from-configmap" } },
  { kind: "Secret", metadata: { name: "db", namespace: "default" }, data: { password: b64("s3cret"), APP_MODE: b64("from-secret") } },
];
const related = (objects: KubeObject[]) => (kind: string) => objects.filter((o) => o.kind === kind);

function deployment(container: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { kind: "Deployment", metadata: { name: "web", namespace: "default", uid: "d-1", annotations: { "deployment.kubernetes.io/revision": "2" } }, spec: { template: { spec: { containers: [{ name: "app", ...container }] } } }, ...extra };
}

describe("environment values, resolved as the kubelet does", () => {
  it("reads value, a ConfigMap or Secret key, and envFrom, later sources winning and env over envFrom", () => {
    const d = deployment({
      envFrom: [{ configMapRef: { name: "settings" } }, { secretRef: { name: "db" } }],
      env: [{ name: "HOST", value: "plain" }, { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }],
    });
    const r = related(world);
    expect(resolveEnv(d, { name: "APP_MODE" }, r)).toMatchObject({ value: "from-secret", source: "Secret", from: "db" });
    expect(resolveEnv(d, { name: "HOST" }, r)).toMatchObject({ value: "plain", source: "value" });
    expect(resolveEnv(d, { name: "PASSWORD" }, r)).toMatchObject({ value: "s3cret", source: "Secret", key: "password" });
    expect(resolveEnv(d, { name: "NOPE" }, r)).toMatchObject({ source: "none" });
    expect(resolveEnv(deployment({ envFrom: [{ prefix: "MY_", configMapRef: { name: "settings" } }] }), { name: "MY_HOST" }, r)).toMatchObject({ value: "from-configmap" });
    expect(resolveEnv(deployment({ env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "gone", key: "x" } } }] }), { name: "X" }, r)).toMatchObject({ problem: "missingObject" });
  });

  it("says what the variable holds, where it comes from, and never a Secret's value", () => {
    const wrongHost = evaluateSelectCheck(
      check({ select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "HOST" }, equals: "wordpress-mysql" }] }),
      [deployment({ env: [{ name: "HOST", value: "localhost" }] })],
      related(world),
    );
    expect(wrongHost.message.en).toBe("Deployment `web`: environment variable `HOST` should be `wordpress-mysql`, but it is `localhost`.");
    expect(wrongHost.message.ko).toBe("디플로이먼트 `web`: 환경 변수 `HOST`가 `wordpress-mysql`이어야 하는데 지금은 `localhost`입니다.");
    const secretValue = evaluateSelectCheck(
      check({ select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "PASSWORD" }, equals: "other" }] }),
      [deployment({ env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }] })],
      related(world),
    );
    expect(JSON.stringify(secretValue)).not.toContain("s3cret");
    const plain = evaluateSelectCheck(
      check({ select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "PASSWORD" }, fromSecret: "db" }] }),
      [deployment({ env: [{ name: "PASSWORD", value: "s3cret" }] })],
      related(world),
    );
    expect(plain.status).toBe("fail");
    expect(plain.message.ko).toBe("디플로이먼트 `web`: 환경 변수 `PASSWORD`는 시크릿 `db`에서 와야 하는데 지금은 값이 직접 적혀 있습니다.");
    const fromRef = evaluateSelectCheck(
      check({ select: { kind: "Deployment", name: "web" }, expect: [{ env: { name: "PASSWORD" }, fromSecret: "db" }] }),
      [deployment({ env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }] })],
      related(world),
    );
    expect(fromRef.status).toBe("pass");
    expect(fromRef.message.en).toBe("Deployment `web`: environment variable `PASSWORD` comes from Secret `db`.");
  });
});


const service = (selector: Record<string, string>, targetPort: number | string = 9898): KubeObject => ({
  kind: "Service",
  metadata: { name: "shop", namespace: "default" },
  spec: { selector, ports: [{ port: 80, targetPort }] },
});
const pod = (name: string, labels: Record<string, string>, ready: boolean, portName = "http"): KubeObject => ({
  kind: "Pod",
  metadata: { name, namespace: "default", labels },
  spec: { containers: [{ name: "app", ports: [{ name: portName, containerPort: 9898 }] }] },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const slice = (addresses: string[]): KubeObject => ({
  kind: "EndpointSlice",
  metadata: { name: "shop-4gfl4", namespace: "default", labels: { "kubernetes.io/service-name": "shop" } },
  endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
});

describe("a Service's endpoints", () => {
  const endpoints = (svc: KubeObject, others: KubeObject[]) => evaluateSelectCheck(check({ select: { kind: "Service", name: "shop" }, endpoints: { ready: { gte: 2 } } }), [svc], related(others));

  it("names the selector that matches no pod, and the labels the pods have, never a generated slice name or a path", () => {
    const r = endpoints(service({ app: "shp" }), [pod("shop-1", { app: "shop" }, true), slice([])]);
    expect(r.status).toBe("fail");
    expect(r.message.en).toBe("Service `shop` has no endpoints: its selector `app=shp` matches no pod (the pods here have `app=shop`).");
    expect(r.message.ko).toBe("서비스 `shop`에 엔드포인트가 없습니다. 셀렉터 `app=shp`에 맞는 파드가 없습니다. 이 네임스페이스의 파드에는 `app=shop` 레이블이 있습니다.");
    expect(r.message.en).not.toMatch(/4gfl4|\[\d\]/);
  });

  it("names the pods that are not ready", () => {
    const r = endpoints(service({ app: "shop" }), [pod("shop-1", { app: "shop" }, true), pod("shop-2", { app: "shop" }, false), slice(["10.0.0.1"])]);
    expect(r.message.ko).toBe("서비스 `shop`: 셀렉터에 맞는 파드 2개 중 1개가 준비되지 않았습니다(`shop-2`). 준비되지 않은 파드에는 트래픽이 가지 않습니다.");
  });

  it("passes with enough ready endpoints", () => {
    const r = endpoints(service({ app: "shop" }), [pod("shop-1", { app: "shop" }, true), pod("shop-2", { app: "shop" }, true), slice(["10.0.0.1", "10.0.0.2"])]);
    expect(r.status).toBe("pass");
    expect(r.message.en).toBe("Service `shop`: 2 ready endpoints.");
    expect(r.message.ko).toBe("서비스 `shop`: 준비된 엔드포인트가 2개 있습니다.");
  });
});

describe("a port reaching a container port", () => {
  const reaches = (svc: KubeObject, pods: KubeObject[]) => evaluateSelectCheck(check({ select: { kind: "Service", name: "shop" }, portReaches: { port: 80, containerPort: 9898 } }), [svc], related(pods));

  it("accepts the number and a name the pods resolve to it", () => {
    expect(reaches(service({ app: "shop" }, 9898), []).status).toBe("pass");
    const named = reaches(service({ app: "shop" }, "http"), [pod("shop-1", { app: "shop" }, true)]);
    expect(named.status).toBe("pass");
    expect(named.message.ko).toBe("서비스 `shop`: `80` 포트는 포트 이름 `http`를 거쳐 컨테이너 포트 `9898`에 닿습니다.");
  });

  it("refuses another number and a name no pod has, saying which", () => {
    expect(reaches(service({ app: "shop" }, 80), []).message.en).toBe("Service `shop`: port `80` should reach container port `9898`, but its target port is `80`.");
    expect(reaches(service({ app: "shop" }, "web"), [pod("shop-1", { app: "shop" }, true)]).message.en).toBe("Service `shop`: its target port `web` names no port of the pods it selects.");
  });
});

describe("a Deployment updated in place", () => {
  const inPlace = (d: KubeObject, replicaSets: KubeObject[]) => evaluateSelectCheck(check({ select: { kind: "Deployment", name: "web" }, updatedInPlace: { revision: 2 } }), [d], related(replicaSets));
  const rs = (revision: string, owner = "d-1"): KubeObject => ({ kind: "ReplicaSet", metadata: { name: `web-${revision}`, namespace: "default", annotations: { "deployment.kubernetes.io/revision": revision }, ownerReferences: [{ uid: owner }] } as KubeObject["metadata"] });

  it("passes with a grown revision and the old ReplicaSet kept", () => {
    const r = inPlace(deployment({}), [rs("1"), rs("2")]);
    expect(r.status).toBe("pass");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 제자리에서 리비전 2로 업데이트되어 이전 레플리카셋이 남아 있습니다.");
  });

  it("refuses a Deployment deleted and created again (revision 1, or old ReplicaSets of another owner)", () => {
    const fresh = deployment({}, { metadata: { name: "web", namespace: "default", uid: "d-2", annotations: { "deployment.kubernetes.io/revision": "1" } } });
    expect(inPlace(fresh, [rs("1", "d-2")]).message.en).toBe("Deployment `web` is at revision 1; updated in place it would be at revision 2 or later.");
    const recreatedThenPatched = deployment({}, { metadata: { name: "web", namespace: "default", uid: "d-2", annotations: { "deployment.kubernetes.io/revision": "2" } } });
    expect(inPlace(recreatedThenPatched, [rs("1", "d-1"), rs("2", "d-2")]).status).toBe("fail");
  });
});

describe("a probe port given by name", () => {
  // The kubelet probes the number a container port of that name has (`port: http`), so a
  // check that wants port 80 accepts the name of the container's port 80 as it accepts 80.
  const portCheck = check({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[0].livenessProbe.httpGet.port", equals: 80 }] });
  const withProbe = (port: number | string, ports: Record<string, unknown>[] = [{ name: "http", containerPort: 80 }]) =>
    evaluateSelectCheck(portCheck, [deployment({ ports, livenessProbe: { httpGet: { path: "/", port } } })]);

  it("accepts the name of the container's port with that number, saying both", () => {
    const r = withProbe("http");
    expect(r.status).toBe("pass");
    expect(r.message.en).toBe("Deployment `web`: liveness probe port is `http` (port `80`).");
    expect(r.message.ko).toBe("디플로이먼트 `web`: 활성 프로브의 포트는 `http`(`80`번 포트)입니다.");
    expect(withProbe(80).status).toBe("pass");
  });

  it("refuses a name for another port, and a name the container has no port for, saying which", () => {
    const other = withProbe("admin", [{ name: "http", containerPort: 80 }, { name: "admin", containerPort: 9000 }]);
    expect(other.status).toBe("fail");
    expect(other.message.en).toBe("Deployment `web`: liveness probe port should be `80`, but it is `admin` (port `9000`).");
    expect(other.message.ko).toBe("디플로이먼트 `web`: 활성 프로브의 포트가 `80`이어야 하는데 지금은 `admin`(`9000`번 포트)입니다.");
    const unknown = withProbe("web");
    expect(unknown.status).toBe("fail");
    expect(unknown.message.en).toBe("Deployment `web`: liveness probe port should be `80`, but it is `web`, a name no port of the container has.");
    expect(unknown.message.ko).toBe("디플로이먼트 `web`: 활성 프로브의 포트가 `80`이어야 하는데 지금은 컨테이너에 없는 포트 이름 `web`입니다.");
  });

  it("looks the name up in the probed container, not another one", () => {
    const d = deployment({}, { spec: { template: { spec: { containers: [{ name: "side", ports: [{ name: "http", containerPort: 80 }] }, { name: "app", ports: [{ name: "http", containerPort: 8080 }], livenessProbe: { httpGet: { port: "http" } } }] } } } });
    const byName = check({ select: { kind: "Deployment", name: "web" }, expect: [{ path: "spec.template.spec.containers[name=app].livenessProbe.httpGet.port", equals: 80 }] });
    expect(evaluateSelectCheck(byName, [d]).status).toBe("fail");
  });
});

describe("a container mounting a claim", () => {
  const mountsCheck = (kind: string, claim: string, path: string) => check({ select: { kind, name: "wiki" }, mounts: { claim, path } });
  const wiki = (volumes: Record<string, unknown>[], mounts: Record<string, unknown>[], extra: Record<string, unknown> = {}): KubeObject => ({
    kind: "Deployment",
    metadata: { name: "wiki", namespace: "default" },
    spec: { ...extra, template: { spec: { volumes, containers: [{ name: "nginx", volumeMounts: mounts }] } } },
  });

  it("follows the mount through the pod's volumes to the claim, whatever the volume is called or where it is listed", () => {
    const d = wiki([{ name: "config", configMap: { name: "site" } }, { name: "pages", persistentVolumeClaim: { claimName: "wiki-pages" } }], [{ name: "config", mountPath: "/etc/nginx/conf.d" }, { name: "pages", mountPath: "/usr/share/nginx/html/" }]);
    const r = evaluateSelectCheck(mountsCheck("Deployment", "wiki-pages", "/usr/share/nginx/html"), [d]);
    expect(r.status).toBe("pass");
    expect(r.message.en).toBe("Deployment `wiki`: container `nginx` mounts PersistentVolumeClaim `wiki-pages` at `/usr/share/nginx/html`.");
    expect(r.message.ko).toBe("디플로이먼트 `wiki`: 컨테이너 `nginx`는 `/usr/share/nginx/html`에 퍼시스턴트볼륨클레임 `wiki-pages`를 마운트합니다.");
  });

  it("says what is mounted instead: nothing at that path, or a volume that is not the claim", () => {
    const nothing = evaluateSelectCheck(mountsCheck("Deployment", "wiki-pages", "/usr/share/nginx/html"), [wiki([{ name: "pages", persistentVolumeClaim: { claimName: "wiki-pages" } }], [{ name: "pages", mountPath: "/data" }])]);
    expect(nothing.status).toBe("fail");
    expect(nothing.message.en).toBe("Deployment `wiki`: container `nginx` mounts nothing at `/usr/share/nginx/html` (it mounts PersistentVolumeClaim `wiki-pages` at `/data`).");
    expect(nothing.message.ko).toBe("디플로이먼트 `wiki`: 컨테이너 `nginx`가 `/usr/share/nginx/html`에 아무것도 마운트하지 않습니다. 지금은 `/data`에 퍼시스턴트볼륨클레임 `wiki-pages`를 마운트합니다.");
    const emptyDir = evaluateSelectCheck(mountsCheck("Deployment", "wiki-pages", "/usr/share/nginx/html"), [wiki([{ name: "pages", emptyDir: {} }], [{ name: "pages", mountPath: "/usr/share/nginx/html" }])]);
    expect(emptyDir.message.en).toBe("Deployment `wiki`: container `nginx` mounts volume `pages` at `/usr/share/nginx/html`, but that volume is an `emptyDir` volume, not PersistentVolumeClaim `wiki-pages`.");
    expect(emptyDir.message.ko).toBe("디플로이먼트 `wiki`: 컨테이너 `nginx`가 `/usr/share/nginx/html`에 볼륨 `pages`를 마운트하지만, 그 볼륨은 퍼시스턴트볼륨클레임 `wiki-pages`가 아니라 `emptyDir` 볼륨입니다.");
    expect(emptyDir.found).toEqual({ en: "volume `pages`: an `emptyDir` volume", ko: "볼륨 `pages`: `emptyDir` 볼륨" });
    const otherClaim = evaluateSelectCheck(mountsCheck("Deployment", "wiki-pages", "/usr/share/nginx/html"), [wiki([{ name: "pages", persistentVolumeClaim: { claimName: "old-pages" } }], [{ name: "pages", mountPath: "/usr/share/nginx/html" }])]);
    expect(otherClaim.message.en).toContain("but that volume is PersistentVolumeClaim `old-pages`, not PersistentVolumeClaim `wiki-pages`");
  });

  it("in a StatefulSet, resolves a mount to its claim template", () => {
    const ss = (templateName: string): KubeObject => ({
      kind: "StatefulSet",
      metadata: { name: "wiki", namespace: "default" },
      spec: { volumeClaimTemplates: [{ metadata: { name: templateName } }], template: { spec: { containers: [{ name: "redis", volumeMounts: [{ name: templateName, mountPath: "/data" }] }] } } },
    });
    const ok = evaluateSelectCheck(mountsCheck("StatefulSet", "data", "/data"), [ss("data")]);
    expect(ok.status).toBe("pass");
    expect(ok.message.ko).toBe("스테이트풀셋 `wiki`: 컨테이너 `redis`는 `/data`에 볼륨 클레임 템플릿 `data`를 마운트합니다.");
    const other = evaluateSelectCheck(mountsCheck("StatefulSet", "data", "/data"), [ss("store")]);
    expect(other.message.en).toBe("StatefulSet `wiki`: container `redis` mounts volume `store` at `/data`, but that volume is volume claim template `store`, not volume claim template `data`.");
  });
});

describe("a container mounting a ConfigMap or a Secret", () => {
  const site = (volume: Record<string, unknown>): KubeObject => ({
    kind: "Deployment",
    metadata: { name: "site", namespace: "default" },
    spec: { template: { spec: { volumes: [{ name: "html", ...volume }], containers: [{ name: "nginx", volumeMounts: [{ name: "html", mountPath: "/usr/share/nginx/html" }] }] } } },
  });
  const pages = check({ select: { kind: "Deployment", name: "site" }, mounts: { configMap: "site-pages", path: "/usr/share/nginx/html" } });

  it("passes the ConfigMap's volume, whatever the volume is called", () => {
    const r = evaluateSelectCheck(pages, [site({ configMap: { name: "site-pages" } })]);
    expect(r.status).toBe("pass");
    expect(r.message.ko).toBe("디플로이먼트 `site`: 컨테이너 `nginx`는 `/usr/share/nginx/html`에 컨피그맵 `site-pages`를 마운트합니다.");
  });

  it("refuses a Secret or another ConfigMap there, saying which", () => {
    const secret = evaluateSelectCheck(pages, [site({ secret: { secretName: "site-pages" } })]);
    expect(secret.status).toBe("fail");
    expect(secret.message.en).toBe("Deployment `site`: container `nginx` mounts volume `html` at `/usr/share/nginx/html`, but that volume is Secret `site-pages`, not ConfigMap `site-pages`.");
    expect(secret.message.ko).toBe("디플로이먼트 `site`: 컨테이너 `nginx`가 `/usr/share/nginx/html`에 볼륨 `html`을 마운트하지만, 그 볼륨은 컨피그맵 `site-pages`가 아니라 시크릿 `site-pages`입니다.");
    expect(evaluateSelectCheck(pages, [site({ configMap: { name: "old-pages" } })]).status).toBe("fail");
  });

  it("needs exactly one of claim, configMap or secret", () => {
    expect(() => check({ select: { kind: "Deployment", name: "site" }, mounts: { configMap: "a", secret: "b", path: "/x" } })).toThrow(/exactly one/);
    expect(() => check({ select: { kind: "Deployment", name: "site" }, mounts: { path: "/x" } })).toThrow(/exactly one/);
  });
});

describe("an Ingress whose backends exist", () => {
  const portal = (backends: { host: string; service: string; port: { number?: number; name?: string } }[], defaultBackend?: Record<string, unknown>): KubeObject => ({
    kind: "Ingress",
    metadata: { name: "portal", namespace: "default" },
    spec: { ...(defaultBackend ? { defaultBackend } : {}), rules: backends.map((b) => ({ host: b.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: b.service, port: b.port } } }] } })) },
  });
  const svc = (name: string, ports: Record<string, unknown>[]): KubeObject => ({ kind: "Service", metadata: { name, namespace: "default" }, spec: { ports } });
  const services = [svc("docs", [{ port: 80 }]), svc("status", [{ name: "http", port: 5678 }])];
  const backends = (ingress: KubeObject, others = services) => evaluateSelectCheck(check({ select: { kind: "Ingress", name: "portal" }, backendsExist: true }), [ingress], related(others));

  it("passes Services that exist with the port named, by number or by name", () => {
    const r = backends(portal([{ host: "docs.example.com", service: "docs", port: { number: 80 } }, { host: "status.example.com", service: "status", port: { name: "http" } }]));
    expect(r.status).toBe("pass");
    expect(r.message.en).toBe("Ingress `portal`: every backend is an existing Service port (2 Services).");
    expect(r.message.ko).toBe("인그레스 `portal`: 백엔드 서비스 2개와 그 포트가 모두 있습니다.");
  });

  it("names the route and the Service that does not exist, or the port it does not have", () => {
    const missing = backends(portal([{ host: "docs.example.com", service: "doc", port: { number: 80 } }]));
    expect(missing.status).toBe("fail");
    expect(missing.message.en).toBe("Ingress `portal` sends requests for `docs.example.com/` to Service `doc`, which does not exist.");
    expect(missing.message.ko).toBe("인그레스 `portal`은 `docs.example.com/` 요청을 서비스 `doc`으로 보내는데, 그런 서비스가 없습니다.");
    const noPort = backends(portal([{ host: "status.example.com", service: "status", port: { number: 80 } }]));
    expect(noPort.message.en).toBe("Ingress `portal` sends requests for `status.example.com/` to port `80` of Service `status`, which has no such port (it has `http 5678`).");
    expect(noPort.message.ko).toBe("인그레스 `portal`은 `status.example.com/` 요청을 서비스 `status`의 `80` 포트로 보내는데, 그 서비스에는 그런 포트가 없습니다(있는 포트: `http 5678`).");
    const defaultGone = backends(portal([], { service: { name: "fallback", port: { number: 80 } } }));
    expect(defaultGone.message.en).toBe("Ingress `portal` sends requests no rule matches to Service `fallback`, which does not exist.");
    expect(backends(portal([])).message.en).toBe("Ingress `portal` names no backend: it sends requests nowhere.");
  });
});

describe("the configuration kubectl apply recorded", () => {
  // kubectl apply keeps what it applied as JSON in an annotation; a path reads into it, so
  // "the file was applied with 5 replicas" is a field check, not a script.
  const applied = check({
    select: { kind: "Deployment", name: "catalog" },
    expect: [
      { path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]', exists: true },
      { path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"].spec.replicas', equals: 5 },
    ],
  });
  const catalog = (annotation?: string): KubeObject => ({ kind: "Deployment", metadata: { name: "catalog", namespace: "default", annotations: annotation === undefined ? {} : { "kubectl.kubernetes.io/last-applied-configuration": annotation } } });

  it("says when nothing was applied, and what replicas the applied configuration holds", () => {
    const never = evaluateSelectCheck(applied, [catalog()]);
    expect(never.message.en).toBe("Deployment `catalog`: the last applied configuration (the annotation `kubectl apply` leaves) is not set.");
    expect(never.message.ko).toBe("디플로이먼트 `catalog`: 마지막으로 적용한 구성(`kubectl apply`가 남기는 어노테이션)이 설정되어 있지 않습니다.");
    const two = evaluateSelectCheck(applied, [catalog(`${JSON.stringify({ kind: "Deployment", spec: { replicas: 2 } })}\n`)]);
    expect(two.message.en).toBe("Deployment `catalog`: expected 5 replicas in the last applied configuration, found 2.");
    expect(two.message.ko).toBe("디플로이먼트 `catalog`: 마지막으로 적용한 구성의 레플리카가 5개여야 하는데 2개입니다.");
    expect(evaluateSelectCheck(applied, [catalog(JSON.stringify({ spec: { replicas: 5 } }))]).status).toBe("pass");
    expect(evaluateSelectCheck(applied, [catalog("not json {")]).status).toBe("fail");
  });
});

describe("a value equal to a field of another object", () => {
  const facts = (data: Record<string, string>): KubeObject => ({ kind: "ConfigMap", metadata: { name: "cluster-facts", namespace: "default" }, data } as KubeObject);
  const node: KubeObject = { kind: "Node", metadata: { name: "minikube" }, status: { nodeInfo: { kubeletVersion: "v1.31.0" } } };
  const schedulers: KubeObject[] = ["kube-scheduler-minikube", "kube-scheduler-m02"].map((name) => ({ kind: "Pod", metadata: { name, namespace: "kube-system", labels: { component: "kube-scheduler" } } }));
  const says = { en: "the version the node's `kubelet` reports", ko: "노드의 `kubelet`이 보고하는 버전" };
  const kubelet = check({ select: { kind: "ConfigMap", name: "cluster-facts" }, expect: [{ path: "data.kubelet", sameAs: { kind: "Node", name: "minikube", path: "status.nodeInfo.kubeletVersion" }, says }] });
  const scheduler = check({ select: { kind: "ConfigMap", name: "cluster-facts" }, expect: [{ path: "data.scheduler", sameAs: { kind: "Pod", namespace: "kube-system", labels: { component: "kube-scheduler" }, path: "metadata.name" } }] });

  it("compares with what the other object holds now, saying what is meant rather than giving the answer away", () => {
    expect(evaluateSelectCheck(kubelet, [facts({ kubelet: "v1.31.0" })], related([node])).status).toBe("pass");
    const wrong = evaluateSelectCheck(kubelet, [facts({ kubelet: "1.31.0" })], related([node]));
    expect(wrong.status).toBe("fail");
    expect(wrong.message.en).toBe("ConfigMap `cluster-facts`: key `kubelet` should be the version the node's `kubelet` reports, but it is `1.31.0`.");
    expect(wrong.message.ko).toBe("컨피그맵 `cluster-facts`: `kubelet` 키가 노드의 `kubelet`이 보고하는 버전이어야 하는데 지금은 `1.31.0`입니다.");
    expect(JSON.stringify(wrong)).not.toContain("v1.31.0");
  });

  it("accepts any of several objects the selector picks, and says when there is none", () => {
    expect(evaluateSelectCheck(scheduler, [facts({ scheduler: "kube-scheduler-m02" })], related(schedulers)).status).toBe("pass");
    expect(evaluateSelectCheck(scheduler, [facts({ scheduler: "kube-scheduler" })], related(schedulers)).message.en).toBe(
      "ConfigMap `cluster-facts`: key `scheduler` should be one of `kube-scheduler-minikube`, `kube-scheduler-m02`, but it is `kube-scheduler`.",
    );
    const none = evaluateSelectCheck(kubelet, [facts({ kubelet: "v1.31.0" })], related([]));
    expect(none.status).toBe("fail");
    expect(none.message.en).toBe("ConfigMap `cluster-facts`: key `kubelet` cannot be compared. There is no Node named `minikube`.");
    expect(none.message.ko).toBe("컨피그맵 `cluster-facts`: `kubelet` 키는 비교할 대상이 없습니다. 클러스터에 노드 `minikube`가 없습니다.");
  });
});
