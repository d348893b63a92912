// Checks on behaviour (logs, exec, http), judged on what a node lab returns: the schema, which
// pod and container they look into and when there is nothing to look at yet, and how each
// answer (logs, `kubectl exec`'s exit and output, curl's exit and `-i` output) becomes pass,
// fail or error. The same checks run for real in test/integration/node/behaviour-checks.test.ts.
import { describe, expect, it } from "vitest";
import { APP_STARTING_SECONDS, httpAddress, judgeCurl, judgeExec, judgeHttp, judgeLogs, newestEndpointStart, parseHttpAnswer, runBehaviourCheck } from "@/sandbox/grader/behaviour";
import type { KubeObject } from "@/sandbox/grader/evaluate";
import { isPolled, kindsRead, selectorsOf } from "@/sandbox/grader/evaluate";
import { checkSchema } from "@/sandbox/grader/exercise-schema";
import { assertExercisesFitLab } from "@/app/_lib/lessons/exercise-lab";
import * as say from "@/sandbox/grader/messages";
import { pickPod } from "@/sandbox/grader/pods";
import { problemsOf } from "../support/message-rules";

const t = { ko: "제목", en: "Title" };
const check = (spec: Record<string, unknown>) => checkSchema.parse({ id: "c", title: t, hint: t, ...spec });
const realNode: KubeObject = { kind: "Node", metadata: { name: "minikube" }, status: { addresses: [{ type: "InternalIP", address: "192.168.49.2" }] } };
const kwokNode: KubeObject = { kind: "Node", metadata: { name: "minikube", annotations: { "kwok.x-k8s.io/node": "fake" } } };
type Status = Record<string, unknown>;
const pod = (name: string, status: Status, over: Partial<KubeObject> = {}): KubeObject => ({
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "web" }, creationTimestamp: "2026-12-05T02:00:00Z" },
  spec: { nodeName: "minikube", containers: [{ name: "web" }, { name: "side" }] },
  status: { phase: "Running", containerStatuses: [{ name: "web", ...status }, { name: "side", ready: true, restartCount: 0, state: { running: {} } }] },
  ...over,
});
const running = { ready: true, restartCount: 0, state: { running: {} } };
const ref = (over: Record<string, unknown> = {}) => check({ logs: { pod: { labels: { app: "web" }, ...over }, match: { contains: "x" } } }).logs!.pod;

describe("the schema of behaviour checks", () => {
  it("accepts a logs, an exec and an http check, with their defaults", () => {
    const logs = check({ logs: { pod: { name: "web-1" }, match: { regex: "^ready" } } });
    expect(logs.logs).toMatchObject({ previous: false, tail: 500, pod: { namespace: "default" } });
    const exec = check({ exec: { pod: { labels: { app: "web" }, container: "web" }, command: ["printenv", "MODE"], stdout: { contains: "prod" } } });
    expect(exec.exec).toMatchObject({ exitCode: 0, timeoutSeconds: 5 });
    const http = check({ http: { service: "web", body: { contains: "Welcome" } } });
    expect(http.http).toMatchObject({ via: "clusterIP", path: "/", status: 200, namespace: "default" });
    const ingress = check({ http: { ingress: { host: "shop.example.com" }, path: "/orders" } });
    expect(ingress.http!.ingress!.controller).toEqual({ service: "ingress-nginx-controller", namespace: "ingress-nginx", port: 80 });
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ["a shell line as an exec command", { exec: { pod: { name: "p" }, command: "cat /etc/x" } }, /array/i],
    ["an exec with an empty command", { exec: { pod: { name: "p" }, command: [] } }, /too small|>=1/i],
    ["a pod picked by nothing", { logs: { pod: { namespace: "default" }, match: { contains: "x" } } }, /names the pod \(name\) or picks it by labels/],
    ["a match with both contains and regex", { logs: { pod: { name: "p" }, match: { contains: "a", regex: "b" } } }, /exactly one of contains or regex/],
    ["a regex that does not compile", { logs: { pod: { name: "p" }, match: { regex: "(" } } }, /does not compile/],
    ["an http check with a service and an ingress", { http: { service: "web", ingress: { host: "a.example.com" } } }, /either service or ingress/],
    ["an http check with neither", { http: { path: "/" } }, /either service or ingress/],
    ["a path with a space", { http: { service: "web", path: "/a b" } }, /must start with \/ and hold no spaces/],
    ["a wildcard host", { http: { ingress: { host: "*.example.com" } } }, /host name/],
    ["logs and select together", { select: { kind: "Pod" }, count: { gte: 1 }, logs: { pod: { name: "p" }, match: { contains: "x" } } }, /exactly one of select .*, command, logs, exec or http/],
    ["an exec timeout beyond the grader's", { exec: { pod: { name: "p" }, command: ["sleep", "60"], timeoutSeconds: 60 } }, /20|too big/i],
  ];
  for (const [what, spec, words] of refused) {
    it(`refuses ${what}`, () => {
      const r = checkSchema.safeParse({ id: "c", title: t, hint: t, ...spec });
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.message).join(" | ")).toMatch(words);
    });
  }

  it("reads pods and nodes for logs and exec, Services and nodes for http", () => {
    expect(kindsRead(check({ logs: { pod: { name: "p" }, match: { contains: "x" } } }))).toEqual(["Pod", "Node"]);
    expect(kindsRead(check({ exec: { pod: { name: "p" }, command: ["true"] } }))).toEqual(["Pod", "Node"]);
    expect(kindsRead(check({ http: { service: "web" } }))).toEqual(["Node", "Service", "EndpointSlice", "Pod"]);
  });
});

describe("which pod and container a check looks into", () => {
  it("no pod: the learner has not made it", () => {
    expect(pickPod([], [realNode], ref(), "logs")).toEqual({ ok: false, problem: "noPod" });
    expect(pickPod([pod("web-1", running, { metadata: { name: "web-1", namespace: "other", labels: { app: "web" } } })], [realNode], ref(), "logs")).toEqual({ ok: false, problem: "noPod" });
  });

  it("prefers a ready pod, and the first container unless one is named", () => {
    const starting = pod("web-new", { ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }, { metadata: { name: "web-new", namespace: "default", labels: { app: "web" }, creationTimestamp: "2026-12-05T02:05:00Z" } });
    expect(pickPod([starting, pod("web-1", running)], [realNode], ref(), "running")).toMatchObject({ ok: true, pod: "web-1", container: "web" });
    expect(pickPod([pod("web-1", running)], [realNode], ref({ container: "side" }), "running")).toMatchObject({ ok: true, container: "side" });
  });

  it("a container not there, not started, not running, or never restarted: said as such", () => {
    expect(pickPod([pod("web-1", running)], [realNode], ref({ container: "db" }), "logs")).toEqual({ ok: false, problem: "noContainer", pod: "web-1", containers: ["web", "side"] });
    const creating = pod("web-1", { ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } });
    expect(pickPod([creating], [realNode], ref(), "logs")).toMatchObject({ ok: false, problem: "notStarted", reason: "ContainerCreating" });
    const pending = pod("web-1", {}, { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }] } });
    expect(pickPod([pending], [realNode], ref(), "logs")).toMatchObject({ ok: false, problem: "notStarted", reason: "Unschedulable" });
    const crashing = pod("web-1", { ready: false, restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1, reason: "Error" } } });
    expect(pickPod([crashing], [realNode], ref(), "running")).toMatchObject({ ok: false, problem: "notRunning", reason: "CrashLoopBackOff" });
    expect(pickPod([crashing], [realNode], ref(), "logs")).toMatchObject({ ok: true });
    expect(pickPod([crashing], [realNode], ref(), "previous")).toMatchObject({ ok: true });
    expect(pickPod([pod("web-1", running)], [realNode], ref(), "previous")).toMatchObject({ ok: false, problem: "noPrevious" });
  });

  it("a pod on a node kwok plays: nothing runs there", () => {
    expect(pickPod([pod("web-1", running)], [kwokNode], ref(), "logs")).toEqual({ ok: false, problem: "simulated", pod: "web-1" });
  });
});

describe("judging what came back", () => {
  const web = say.containerText("web-1", "web");

  it("logs: pass when they show the text, fail with their last lines when not", () => {
    const c = check({ logs: { pod: { name: "web-1" }, match: { regex: "^listening on :80$" } } });
    expect(judgeLogs(c, web, "starting\nlistening on :80\n").status).toBe("pass");
    const miss = judgeLogs(c, web, `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n")}\n`);
    expect(miss.status).toBe("fail");
    expect(miss.message.en).toContain("the last 40 lines");
    expect(miss.found).toEqual({ en: "`line 37` ⏎ `line 38` ⏎ `line 39`", ko: "`line 37` ⏎ `line 38` ⏎ `line 39`" });
    expect(judgeLogs(c, web, "").message.ko).toContain("로그가 비어 있습니다");
    // A /proc file's NULs or a terminal colour never reach the card.
    expect(say.outputTail("sleep\u00003600\u0000\u001b[31mred")).toEqual({ en: "`sleep 3600 [31mred`", ko: "`sleep 3600 [31mred`" });
    expect(problemsOf(miss)).toEqual([]);
  });

  it("exec: the command's own exit code, its output, a program that is not there, and kubectl failing", () => {
    const c = check({ exec: { pod: { name: "web-1" }, command: ["printenv", "MODE"], stdout: { contains: "prod" } } });
    expect(judgeExec(c, web, { exitCode: 0, stdout: "prod\n", stderr: "" }).status).toBe("pass");
    const wrong = judgeExec(c, web, { exitCode: 0, stdout: "dev\n", stderr: "" });
    expect(wrong).toMatchObject({ status: "fail", found: { en: "`dev`" } });
    const exit = judgeExec(c, web, { exitCode: 1, stdout: "", stderr: "command terminated with exit code 1\n" });
    expect(exit.status).toBe("fail");
    expect(exit.message.en).toContain("should exit with 0, but it exited with 1");
    const missing = judgeExec(c, web, { exitCode: 1, stdout: "", stderr: 'error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "x": OCI runtime exec failed: exec failed: unable to start container process: exec: "printenv": executable file not found in $PATH: unknown' });
    expect(missing.status).toBe("fail");
    expect(missing.message.en).toContain("has no such program");
    // kubectl itself failed (the kubelet did not answer): we could not look.
    const broken = judgeExec(c, web, { exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection: container not found (\"web\")" });
    expect(broken.status).toBe("error");
    const huge = judgeExec(c, web, { exitCode: 141, stdout: "x".repeat(64 * 1024 + 1), stderr: "" });
    expect(huge.status).toBe("error");
    for (const r of [wrong, exit, missing, broken, huge]) expect(problemsOf(r)).toEqual([]);
  });

  it("http: parses curl -i, skipping a 100 Continue", () => {
    const a = parseHttpAnswer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n<html>404</html>");
    expect(a).toEqual({ status: 404, headers: new Map([["server", "nginx"], ["content-type", "text/html"]]), body: "<html>404</html>" });
    expect(parseHttpAnswer("garbage")).toBeUndefined();
    // Redirects curl followed (-L): the last answer counts; a redirect not followed is the answer.
    const followed = parseHttpAnswer("HTTP/1.1 301 Moved Permanently\r\nLocation: http://web/docs/\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\ndocs");
    expect(followed).toMatchObject({ status: 200, body: "docs" });
    expect(parseHttpAnswer("HTTP/1.1 302 Found\r\nLocation: /wp-admin/install.php\r\n\r\n<p>moved</p>")).toMatchObject({ status: 302, body: "<p>moved</p>" });
  });

  it("http: status, one header and the body, each failing with what came back", () => {
    const to = say.requestTarget({ service: "web", namespace: "default", port: "80", via: "clusterIP", path: "/" });
    const c = check({ http: { service: "web", header: { name: "Content-Type", contains: "text/html" }, body: { contains: "Welcome to nginx!" } } });
    const answer = (status: number, headers: [string, string][], body: string) => ({ status, headers: new Map(headers), body });
    expect(judgeHttp(c, to, answer(200, [["content-type", "text/html"]], "<h1>Welcome to nginx!</h1>")).status).toBe("pass");
    const status = judgeHttp(c, to, answer(503, [], "<h1>503 Service Temporarily Unavailable</h1>"));
    expect(status).toMatchObject({ status: "fail", expected: { en: "HTTP `200`" }, found: { en: "HTTP `503`, body `<h1>503 Service Temporarily Unavailable</h1>`" } });
    const header = judgeHttp(c, to, answer(200, [], "Welcome to nginx!"));
    expect(header.message.en).toContain("has no `Content-Type` header");
    const headerValue = judgeHttp(c, to, answer(200, [["content-type", "application/json"]], "Welcome to nginx!"));
    expect(headerValue.message.en).toContain("should contain `text/html`, but it is `application/json`");
    const body = judgeHttp(c, to, answer(200, [["content-type", "text/html"]], "It works!"));
    expect(body).toMatchObject({ status: "fail", found: { en: "HTTP `200`, body `It works!`" } });
    for (const r of [status, header, headerValue, body]) expect(problemsOf(r)).toEqual([]);
  });

  it("http: an HTML answer is shown by its title and text, not its markup", () => {
    const wordpressDown = `<!DOCTYPE html>\n<html dir='ltr'>\n<head>\n\t<meta name="viewport" content="width=device-width, initial-scale=1.0">\n\t<title>Database Error</title>\n\t<style type="text/css">\n\t\thtml { background: #f1f1f1; }\n${"\t\t.x { color: red; }\n".repeat(60)}\t</style>\n</head>\n<body id="error-page">\n\t<div class="wp-die-message"><h1>Error establishing a database connection</h1></div></body>\n</html>`;
    expect(say.httpFound(500, wordpressDown).en).toBe("HTTP `500`, a page titled `Database Error` that reads `Error establishing a database connection`");
    expect(say.httpFound(500, wordpressDown).ko).toContain("`Error establishing a database connection`");
    const install = "<!DOCTYPE html><html><head><title>WordPress &rsaquo; Installation</title><script>var x = '<b>';</script></head><body><p>Welcome &amp; hello</p></body></html>";
    expect(say.httpFound(200, install).en).toBe("HTTP `200`, a page titled `WordPress › Installation` that reads `Welcome & hello`");
    // Not HTML: the start of the body as it came.
    expect(say.httpFound(200, "orders api\n").en).toBe("HTTP `200`, body `orders api`");
    expect(say.httpFound(200, "").en).toBe("HTTP `200`, empty body");
  });

  it("http: curl's exits: refused and a hung app fail, an unreachable address or a curl that broke is an error", () => {
    const c = check({ http: { service: "web" } });
    const to = say.requestTarget({ service: "web", path: "/" });
    expect(judgeCurl(c, to, { exitCode: 7, stdout: "", stderr: "curl: (7) Failed to connect\nkubelab-connect 0.000000\n" }).status).toBe("fail");
    expect(judgeCurl(c, to, { exitCode: 28, stdout: "", stderr: "curl: (28) Operation timed out\nkubelab-connect 0.000912\n" })).toMatchObject({ status: "fail", message: { en: expect.stringContaining("got no answer within 5 s") } });
    expect(judgeCurl(c, to, { exitCode: 28, stdout: "", stderr: "curl: (28) Connection timed out\nkubelab-connect 0.000000\n" }).status).toBe("error");
    // A check that allows a slow first page says its own limit.
    const slow = check({ http: { service: "web", timeoutSeconds: 15 } });
    expect(judgeCurl(slow, to, { exitCode: 28, stdout: "", stderr: "curl: (28) Operation timed out\nkubelab-connect 0.0009\n" }).message.en).toContain("got no answer within 15 s");
    expect(() => check({ http: { service: "web", timeoutSeconds: 60 } })).toThrow();
    expect(judgeCurl(c, to, { exitCode: 52, stdout: "", stderr: "curl: (52) Empty reply from server\nkubelab-connect 0.001\n" }).status).toBe("fail");
    expect(judgeCurl(c, to, { exitCode: 47, stdout: "", stderr: "curl: (47) Maximum (5) redirects followed\nkubelab-connect 0.001\n" })).toMatchObject({ status: "fail", message: { en: expect.stringContaining("redirected more than 5 times") } });
    expect(judgeCurl(c, to, { exitCode: 127, stdout: "", stderr: "bash: curl: command not found\n" }).status).toBe("error");
    expect(judgeCurl(c, to, { exitCode: 0, stdout: "HTTP/1.1 200 OK\r\n\r\nhi", stderr: "kubelab-connect 0.001\n" }).status).toBe("pass");
    // A body longer than the grader reads: head stopped curl (23); the start is enough to judge.
    expect(judgeCurl(c, to, { exitCode: 23, stdout: `HTTP/1.1 200 OK\r\n\r\n${"x".repeat(70_000)}`, stderr: "curl: (23) Failure writing output\nkubelab-connect 0.001\n" }).status).toBe("pass");
  });

  it("http: pods that started a moment ago and do not answer yet: the learner is told to check again, in both languages", () => {
    const c = check({ http: { service: "web" } });
    const to = say.requestTarget({ service: "web", path: "/" });
    const refused = { exitCode: 7, stdout: "", stderr: "curl: (7) Failed to connect\nkubelab-connect 0.000000\n" };
    const silent = { exitCode: 28, stdout: "", stderr: "curl: (28) Operation timed out\nkubelab-connect 0.0009\n" };
    for (const r of [refused, silent]) {
      const young = judgeCurl(c, to, r, 12);
      expect(young.status).toBe("fail");
      expect(young.message.en).toContain("started only 12 s ago");
      expect(young.message.ko).toContain("12초");
      expect(judgeCurl(c, to, r, APP_STARTING_SECONDS).message.en).not.toContain("started only");
      expect(judgeCurl(c, to, r).message.en).not.toContain("started only");
    }
    // An answer that came back is judged on its own: a young app that answers 500 is not "starting".
    expect(judgeCurl(c, to, { exitCode: 0, stdout: "HTTP/1.1 500 Oops\r\n\r\n", stderr: "kubelab-connect 0.001\n" }, 3).message.en).not.toContain("started only");
  });

  it("http: the newest start among the Service's endpoint pods, from the slices' pod references", () => {
    const svc: KubeObject = { kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.96.0.20", ports: [{ port: 80 }] } };
    const slice: KubeObject = { kind: "EndpointSlice", metadata: { name: "web-x", namespace: "default", labels: { "kubernetes.io/service-name": "web" } }, endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true }, targetRef: { kind: "Pod", name: "web-a" } }, { addresses: ["10.244.0.6"], conditions: { ready: true }, targetRef: { kind: "Pod", name: "web-b" } }] };
    const pod = (name: string, startedAt: string, namespace = "default"): KubeObject => ({ kind: "Pod", metadata: { name, namespace }, status: { containerStatuses: [{ state: { running: { startedAt } } }] } });
    const pods = [pod("web-a", "2026-12-06T10:00:00Z"), pod("web-b", "2026-12-06T10:05:00Z"), pod("other", "2026-12-06T11:00:00Z"), pod("web-b", "2026-12-06T11:30:00Z", "elsewhere")];
    const read = (k: string) => (k === "EndpointSlice" ? [slice] : k === "Pod" ? pods : []);
    expect(newestEndpointStart(svc, read)?.toISOString()).toBe("2026-12-06T10:05:00.000Z");
    expect(newestEndpointStart(svc, (k) => (k === "EndpointSlice" ? [slice] : []))).toBeUndefined();
  });

  it("http: the address from the objects read: ClusterIP (with the name as Host), NodePort on the node, the ingress controller with the host", () => {
    const svc: KubeObject = { kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { type: "NodePort", clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "admin", port: 9000, nodePort: 30900 }] } };
    const controller: KubeObject = { kind: "Service", metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" }, spec: { clusterIP: "10.96.0.50", ports: [{ name: "http", port: 80 }] } };
    const slice = (service: string, namespace: string): KubeObject => ({ kind: "EndpointSlice", metadata: { name: `${service}-x`, namespace, labels: { "kubernetes.io/service-name": service } }, endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true } }] });
    const slices = [slice("web", "default"), slice("ingress-nginx-controller", "ingress-nginx")];
    const read = (k: string) => (k === "Service" ? [svc, controller] : k === "Node" ? [realNode] : k === "EndpointSlice" ? slices : []);
    expect(httpAddress(check({ http: { service: "web" } }).http!, read)).toMatchObject({ ok: true, url: "http://web:80/", resolve: "web:80:10.96.0.20" });
    expect(httpAddress(check({ http: { service: "web", port: "admin", path: "/metrics" } }).http!, read)).toMatchObject({ ok: true, url: "http://web:9000/metrics", resolve: "web:9000:10.96.0.20" });
    expect(httpAddress(check({ http: { service: "web", via: "nodePort" } }).http!, read)).toEqual({ ok: true, url: "http://192.168.49.2:30080/", to: expect.anything() });
    expect(httpAddress(check({ http: { ingress: { host: "shop.example.com" }, path: "/orders" } }).http!, read)).toMatchObject({ ok: true, url: "http://shop.example.com:80/orders", resolve: "shop.example.com:80:10.96.0.50" });
    expect(httpAddress(check({ http: { service: "api" } }).http!, read)).toMatchObject({ ok: false, result: { status: "fail", message: { en: "There is no Service named `api` in namespace `default`." } } });
    expect(httpAddress(check({ http: { service: "web", port: 8080 } }).http!, read)).toMatchObject({ ok: false, result: { status: "fail" } });
    // No ready endpoint: said from the objects, as the endpoints check says it.
    const noEndpoints = (k: string) => (k === "Service" ? [{ ...svc, spec: { ...svc.spec, selector: { app: "wbe" } } }] : k === "Pod" ? [{ kind: "Pod", metadata: { name: "web-1", namespace: "default", labels: { app: "web" } } }] : k === "Node" ? [realNode] : []);
    expect(httpAddress(check({ http: { service: "web" } }).http!, noEndpoints)).toMatchObject({ ok: false, result: { status: "fail", message: { en: expect.stringContaining("its selector `app=wbe` matches no pod") } } });
    const clusterIPOnly = (k: string) => (k === "Service" ? [{ ...svc, spec: { clusterIP: "10.96.0.20", ports: [{ port: 80 }] } }] : k === "EndpointSlice" ? slices : [realNode]);
    expect(httpAddress(check({ http: { service: "web", via: "nodePort" } }).http!, clusterIPOnly)).toMatchObject({ ok: false, result: { status: "fail", message: { en: expect.stringContaining("`ClusterIP`") } } });
    const headless = (k: string) => (k === "Service" ? [{ ...svc, spec: { clusterIP: "None", ports: [{ port: 80 }] } }] : k === "EndpointSlice" ? slices : [realNode]);
    expect(httpAddress(check({ http: { service: "web" } }).http!, headless)).toMatchObject({ ok: false, result: { status: "fail" } });
  });
});

describe("in a lab whose node is simulated (profile sim)", () => {
  // This target's exec throws: it proves that a sim lab is answered before anything is run
  // there (a real sim lab gives the same answer in test/integration/grader/engine.test.ts).
  const noExec = { exec: () => Promise.reject(new Error("nothing may run")) };
  for (const spec of [{ logs: { pod: { name: "web-1" }, match: { contains: "x" } } }, { exec: { pod: { name: "web-1" }, command: ["true"] } }, { http: { service: "web" } }]) {
    it(`${Object.keys(spec)[0]}: error, needs a lab with real pods, never fail`, async () => {
      const read = (k: string) => (k === "Node" ? [kwokNode] : k === "Pod" ? [pod("web-1", running)] : []);
      for (const target of [noExec, { ...noExec, profile: "sim" as const }]) {
        const r = await runBehaviourCheck(check(spec), read, target, 5000);
        expect(r.status).toBe("error");
        expect(r.message).toEqual(say.needsRealPods());
      }
      // Even with no pod there: the learner could not make one that runs.
      const r = await runBehaviourCheck(check(spec), (k) => (k === "Node" ? [kwokNode] : []), noExec, 5000);
      expect(r.status).toBe("error");
    });
  }
});

describe("a lesson whose exercises look at running containers", () => {
  const exercise = (checks: Record<string, unknown>[]) => ({ id: "serve", checks: checks.map((c, i) => check({ ...c, id: `c${i}` })) });
  it("must ask for a node lab: lessons:check names the check", () => {
    const ex = [exercise([{ select: { kind: "Pod" }, count: { gte: 1 } }, { http: { service: "web" } }])];
    expect(() => assertExercisesFitLab("content/lessons/20-web/ko.mdx", "sim", ex)).toThrow(/content\/lessons\/20-web\/ko\.mdx: lab: check serve\/c1 looks at running containers .* set lab: node/);
    expect(() => assertExercisesFitLab("ko.mdx", "node", ex)).not.toThrow();
    expect(() => assertExercisesFitLab("ko.mdx", "sim", [exercise([{ select: { kind: "Pod" }, count: { gte: 1 } }])])).not.toThrow();
  });
});

describe("live checking", () => {
  it("polls checks on behaviour as it polls commands: logs, output and answers change with no object changing", () => {
    expect(isPolled(check({ logs: { pod: { name: "p" }, match: { contains: "x" } } }))).toBe(true);
    expect(isPolled(check({ exec: { pod: { name: "p" }, command: ["true"] } }))).toBe(true);
    expect(isPolled(check({ http: { service: "web" } }))).toBe(true);
    expect(isPolled(check({ command: "true", says: { fail: t } }))).toBe(true);
    expect(isPolled(check({ select: { kind: "Pod" }, count: { gte: 1 } }))).toBe(false);
  });
});

describe("the objects a check looks at (the course rule: each lesson's objects are its own)", () => {
  it("are its select, the pod a logs or exec check looks into, the Service an http check asks", () => {
    expect(selectorsOf(check({ select: { kind: "Deployment", name: "web" }, count: { gte: 1 } }))).toEqual([{ kind: "Deployment", name: "web", namespace: "default" }]);
    expect(selectorsOf(check({ logs: { pod: { labels: { app: "web" }, namespace: "shop" }, match: { contains: "x" } } }))).toEqual([{ kind: "Pod", name: undefined, labels: { app: "web" }, namespace: "shop" }]);
    expect(selectorsOf(check({ exec: { pod: { name: "reader" }, command: ["true"] } }))).toEqual([{ kind: "Pod", name: "reader", labels: undefined, namespace: "default" }]);
    expect(selectorsOf(check({ http: { service: "web", namespace: "shop" } }))).toEqual([{ kind: "Service", name: "web", namespace: "shop" }]);
    expect(selectorsOf(check({ http: { ingress: { host: "a.example.com" } } }))).toEqual([]);
    expect(selectorsOf(check({ command: "true", says: { fail: t } }))).toEqual([]);
  });
});
