// The grader's checks on behaviour (logs, exec, http) and list-item field paths on a real
// `node` lab: ONE lab for the file (a start costs a core for ~15 s). The learner's objects are
// made as the learner, in the lab's shell; each check is graded through the Docker provider
// exactly as the Check button grades it, and must pass on the right state and fail, with the
// words that say why, on a wrong one.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NODE_SETTLE_MS } from "@/sandbox/grader/prove";
import { gradeExercise, gradeTarget } from "@/sandbox/grader/engine";
import { startLiveChecks } from "@/sandbox/grader/live";
import type { ResultsDocument } from "@/sandbox/grader/results";
import { type Check, checkSchema, type Exercise } from "@/sandbox/grader/exercise-schema";
import type { DocumentCheck } from "@/sandbox/grader/results";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";
import { problemsOf } from "../../support/message-rules";

const node = useNodeLab("behaviour-it");
const { ok } = node;
const t = { ko: "확인", en: "Check" };

function check(id: string, spec: Record<string, unknown>): Check {
  return checkSchema.parse({ id, title: t, hint: t, ...spec });
}

/** Grades one check as the Check button does (the provider's exec, the grader's account). */
async function grade(spec: Record<string, unknown>): Promise<DocumentCheck> {
  const exercise: Exercise = { id: "behaviour", title: t, task: t, checks: [check("c", spec)], solve: "true" };
  const doc = await gradeExercise({ lessonId: "behaviour", exercise }, gradeTarget(node.provider, node.lab));
  const c = doc.checks[0]!;
  if (process.env.G17_DEBUG) console.log(JSON.stringify({ spec, status: c.status, message: c.message.en, found: c.found?.en }));
  // Every card these checks produce reads as a person wrote it, in both languages.
  expect(problemsOf(c)).toEqual([]);
  return c;
}

const until = <T>(what: string, fn: () => Promise<T | false | null | undefined>) => waitFor(what, fn, { timeoutMs: 150_000 });

/** The learner's objects; a set-up that fails fails every test with its reason (a failing beforeAll alone only skips them). */
async function makeObjects(): Promise<void> {
  await ok(
    `kubectl create deployment shop --image=nginx:1.25 && kubectl expose deployment shop --port=80 --type=NodePort
kubectl create service clusterip lonely --tcp=80:80
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: envpod}
spec:
  containers:
  - name: main
    image: busybox:1.36
    env: [{name: MODE, value: prod}, {name: LEVEL, value: "3"}]
    command: ["sh", "-c", "echo \\"mode is $MODE\\"; exec sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "echo 'boom: /etc/app/config.yaml is missing'; exit 3"]
---
apiVersion: v1
kind: Pod
metadata: {name: nopull}
spec:
  containers:
  - name: app
    image: nginx:1.999
EOF
minikube addons enable ingress
kubectl create deployment echo --image=kicbase/echo-server:1.0 && kubectl expose deployment echo --port=80 --target-port=8080
kubectl create ingress shop --class=nginx --rule="shop.example.com/orders*=echo:80"
kubectl rollout status deployment/shop --timeout=120s
kubectl rollout status deployment/echo --timeout=120s
kubectl wait --for=condition=Ready pod/envpod --timeout=120s`,
    180_000,
  );
  // The crashing container restarts (so it has previous logs); the missing image never pulls.
  await until("crasher to restart", async () => Number((await ok("kubectl get pod crasher -o jsonpath='{.status.containerStatuses[0].restartCount}'")).trim() || 0) >= 1);
  await until("nopull to fail its pull", async () => /ErrImagePull|ImagePullBackOff/.test(await ok("kubectl get pod nopull -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'")));
  // nginx answers by ClusterIP once kube-proxy has the endpoint.
  const ip = (await ok("kubectl get svc shop -o jsonpath='{.spec.clusterIP}'")).trim();
  await until("nginx by ClusterIP", async () => (await node.sh(`curl -s -m 3 http://${ip}/`)).out.includes("Welcome to nginx!"));
}

describe("checks on behaviour in a node lab", () => {
  let setupFailure: unknown;
  beforeAll(async () => {
    if (!node.lab) return; // the start failed; useNodeLab fails every test with its reason
    await makeObjects().catch((error: unknown) => (setupFailure = error));
  }, 400_000);
  beforeEach(() => {
    if (setupFailure) throw setupFailure;
  });

  describe("http", () => {
    it("passes on nginx's page by ClusterIP, with its Content-Type header, and says what came back", async () => {
      const c = await grade({ http: { service: "shop", header: { name: "Content-Type", contains: "text/html" }, body: { contains: "Welcome to nginx!" } } });
      expect(c.status).toBe("pass");
      expect(c.message.en).toContain("answered HTTP `200`");
      expect(c.message.en).toContain("header `Content-Type` is `text/html`");
      expect(c.found?.en).toMatch(/^HTTP `200`, a page titled `Welcome to nginx!` that reads `If you see this page/);
    });

    it("passes through the NodePort on the node's address", async () => {
      const c = await grade({ http: { service: "shop", via: "nodePort", body: { regex: "<title>Welcome to nginx!</title>" } } });
      expect(c.status).toBe("pass");
      expect(c.message.en).toContain("on the node port of Service `shop`");
    });

    it("fails on a wrong body, showing the start of the body that came back", async () => {
      const c = await grade({ http: { service: "shop", body: { contains: "Welcome to WordPress" } } });
      expect(c.status).toBe("fail");
      expect(c.message.en).toContain("should show the text `Welcome to WordPress`, but its body does not");
      expect(c.found?.en).toContain("Welcome to nginx!");
    });

    it("fails on a missing header", async () => {
      const c = await grade({ http: { service: "shop", header: { name: "X-Mode" } } });
      expect(c.status).toBe("fail");
      expect(c.message.en).toContain("has no `X-Mode` header");
      expect(c.message.ko).toContain("`X-Mode` 헤더가 없습니다");
    });

    it("fails on a wrong status, and passes when that status is the one expected", async () => {
      const wrong = await grade({ http: { service: "shop", path: "/no-such-page" } });
      expect(wrong.status).toBe("fail");
      expect(wrong.message.en).toContain("should answer HTTP `200`, but it answered HTTP `404`");
      expect((await grade({ http: { service: "shop", path: "/no-such-page", status: 404 } })).status).toBe("pass");
    });

    it("fails on a Service with no endpoints, saying why; fails on a Service that is not there", async () => {
      // `kubectl create service clusterip lonely` selects app=lonely, which no pod has.
      const lonely = await grade({ http: { service: "lonely" } });
      expect(lonely.status).toBe("fail");
      expect(lonely.message.en).toContain("Service `lonely` has no endpoints: its selector `app=lonely` matches no pod");
      const none = await grade({ http: { service: "nothere" } });
      expect(none.status).toBe("fail");
      expect(none.message.en).toBe("There is no Service named `nothere` in namespace `default`.");
      const noNodePort = await grade({ http: { service: "lonely", via: "nodePort" } });
      expect(noNodePort.status).toBe("fail");
      expect(noNodePort.message.en).toContain("its type is `ClusterIP`");
    });

    it("asks by the Service's name: the app's redirect to that name is followed when asked, and judged as is when not", async () => {
      const pod = (await ok("kubectl get pods -l app=shop -o jsonpath='{.items[0].metadata.name}'")).trim();
      await ok(`kubectl exec ${pod} -- sh -c 'mkdir -p /usr/share/nginx/html/docs && echo "the docs page" > /usr/share/nginx/html/docs/index.html'`);
      // nginx answers /docs with a 301 to http://shop/docs/: the name the request was sent with.
      const moved = await grade({ http: { service: "shop", path: "/docs" } });
      expect(moved.status).toBe("fail");
      expect(moved.message.en).toContain("should answer HTTP `200`, but it answered HTTP `301`");
      const followed = await grade({ http: { service: "shop", path: "/docs", followRedirects: true, body: { contains: "the docs page" } } });
      expect(followed.status).toBe("pass");
    });

    it("sends an Ingress host and path through the ingress addon's controller to the Service its rule names", async () => {
      // The real controller of `minikube addons enable ingress` routes shop.example.com/orders
      // to the echo server, which answers with the request it got: the path and Host the
      // grader sent, and the X-Forwarded-* headers the controller added on the way.
      const c = await waitFor("the controller to route shop.example.com/orders", async () => {
        const r = await grade({ http: { ingress: { host: "shop.example.com" }, path: "/orders", body: { regex: "GET /orders[\\s\\S]*Host: shop\\.example\\.com[\\s\\S]*X-Forwarded-For: " } } });
        return r.status === "pass" && r;
      }, { timeoutMs: 60_000 });
      expect(c.message.en).toContain("`http://shop.example.com/orders` through the ingress controller");
      // A path the Ingress has no rule for is the controller's 404, not the echo server's answer.
      const miss = await grade({ http: { ingress: { host: "shop.example.com" }, path: "/cart" } });
      expect(miss.status).toBe("fail");
      expect(miss.message.en).toContain("should answer HTTP `200`, but it answered HTTP `404`");
      // So is a host no rule names.
      expect((await grade({ http: { ingress: { host: "blog.example.com" }, path: "/orders", status: 404 } })).status).toBe("pass");
    });
  });

  describe("logs", () => {
    it("passes on a container's logs, fails with their last lines when the text is not there", async () => {
      expect((await grade({ logs: { pod: { name: "envpod" }, match: { contains: "mode is prod" } } })).status).toBe("pass");
      const c = await grade({ logs: { pod: { name: "envpod" }, match: { regex: "^mode is dev$" } } });
      expect(c.status).toBe("fail");
      expect(c.found?.en).toBe("`mode is prod`");
      expect(c.message.en).toContain("but their one line does not show it");
    });

    it("reads the crashed container's previous logs; a container that never restarted has none", async () => {
      // Right after a restart the kubelet may answer "unable to retrieve container logs" for
      // the run it is collecting: that is an error (we could not look), and a later look passes.
      // On a loaded host that lasted over 60 s once in CI (35 s here under 14 busy loops): the
      // window is a node lab's settle time (prove.ts), and a timeout says what the grader said.
      const seen: string[] = [];
      const c = await waitFor("the previous run's logs", async () => {
        const r = await grade({ logs: { pod: { name: "crasher" }, previous: true, match: { contains: "config.yaml is missing" } } });
        seen.push(`${r.status}: ${r.message.en}`);
        return r.status === "pass" && r;
      }, { timeoutMs: NODE_SETTLE_MS }).catch((error: Error) => {
        throw new Error(`${error.message}; the grader said, in order:\n${[...new Set(seen)].join("\n")}`);
      });
      expect(seen.filter((s) => !s.startsWith("pass") && !s.startsWith("error: Not checked: no answer came back from your lab (`unable to retrieve container logs"))).toEqual([]);
      expect(c.message.en).toContain("from before its last restart");
      const none = await grade({ logs: { pod: { name: "envpod" }, previous: true, match: { contains: "x" } } });
      expect(none.status).toBe("fail");
      expect(none.message.en).toContain("has not restarted, so it has no logs of a previous run");
    });

    it("picks a Deployment's pod by labels; a missing pod and a pod that never started fail, saying which", async () => {
      await ok("for i in 1 2 3; do curl -s -o /dev/null -m 3 http://$(kubectl get svc shop -o jsonpath='{.spec.clusterIP}')/from-the-test; done");
      expect((await grade({ logs: { pod: { labels: { app: "shop" } }, match: { regex: '"GET /from-the-test HTTP/1.1" 404' } } })).status).toBe("pass");
      const missing = await grade({ logs: { pod: { name: "ghost" }, match: { contains: "x" } } });
      expect(missing.status).toBe("fail");
      expect(missing.message.en).toBe("There is no Pod named `ghost` in namespace `default`.");
      const pull = await grade({ logs: { pod: { name: "nopull" }, match: { contains: "x" } } });
      expect(pull.status).toBe("fail");
      expect(pull.message.en).toMatch(/has not started yet \(`(ErrImagePull|ImagePullBackOff)`\)/);
    });
  });

  describe("exec", () => {
    it("passes when the command prints what is expected, as argv with no shell", async () => {
      const c = await grade({ exec: { pod: { name: "envpod" }, command: ["cat", "/proc/1/cmdline"], stdout: { contains: "sleep" } } });
      expect(c.status).toBe("pass");
      expect(c.message.en).toContain("`cat /proc/1/cmdline` in the container `main` of Pod `envpod` exited with 0 and printed the text `sleep`");
      const env = await grade({ exec: { pod: { name: "envpod" }, command: ["sh", "-c", "echo $MODE"], stdout: { regex: "^prod$" } } });
      expect(env.status).toBe("pass");
      expect(env.found?.en).toBe("`prod`");
      // An argument with shell characters reaches the program as one argument, never a shell.
      const literal = await grade({ exec: { pod: { name: "envpod" }, command: ["echo", "$(id -u); rm -rf /"], stdout: { contains: "$(id -u); rm -rf /" } } });
      expect(literal.status).toBe("pass");
    });

    it("fails on a non-zero exit with the code, on output that does not match, and on a program the image lacks", async () => {
      const exit = await grade({ exec: { pod: { name: "envpod" }, command: ["test", "-f", "/data/ready"] } });
      expect(exit.status).toBe("fail");
      expect(exit.message.en).toContain("`test -f /data/ready` in the container `main` of Pod `envpod` should exit with 0, but it exited with 1");
      const output = await grade({ exec: { pod: { name: "envpod" }, command: ["sh", "-c", "echo $MODE"], stdout: { regex: "^dev$" } } });
      expect(output.status).toBe("fail");
      expect(output.found?.en).toBe("`prod`");
      const missing = await grade({ exec: { pod: { name: "envpod" }, command: ["curl", "localhost"] } });
      expect(missing.status).toBe("fail");
      expect(missing.message.en).toContain("has no such program");
    });

    it("fails on a container that is not running, and on a missing container", async () => {
      const crashed = await grade({ exec: { pod: { name: "nopull" }, command: ["true"] } });
      expect(crashed.status).toBe("fail");
      expect(crashed.message.en).toMatch(/has not started yet/);
      const noContainer = await grade({ exec: { pod: { name: "envpod", container: "web" }, command: ["true"] } });
      expect(noContainer.status).toBe("fail");
      expect(noContainer.message.en).toBe("Pod `envpod` has no container `web` (it has `main`).");
    });

    it("a command that runs past its time is an error (we could not look), never a fail", async () => {
      const c = await grade({ exec: { pod: { name: "envpod" }, command: ["sleep", "30"], timeoutSeconds: 2 } });
      expect(c.status).toBe("error");
      expect(c.message.en).toBe("Not checked: `sleep 30` in the container `main` of Pod `envpod` did not finish within 2 s.");
    });
  });

  describe("field paths with list items by field", () => {
    it("reads an env value of a named container of the real pod, passing and failing", async () => {
      const pass = await grade({ select: { kind: "Pod", name: "envpod" }, expect: [{ path: "spec.containers[name=main].env[name=MODE].value", equals: "prod" }] });
      expect(pass.status).toBe("pass");
      const fail = await grade({ select: { kind: "Pod", name: "envpod" }, expect: [{ path: "spec.containers[name=main].env[name=LEVEL].value", equals: 5 }] });
      expect(fail.status).toBe("fail");
      expect(fail.message.en).toContain("`LEVEL`");
      expect(fail.found?.en).toBe("`3`");
    });
  });

  describe("live checking", () => {
    it("re-grades an exec check on its own when only a file in the container changed (no object changes)", async () => {
      // A quiet cluster, so that only the poll can notice: the crash-looping and back-off pods
      // would otherwise change every few seconds, and any watched change re-grades.
      await ok("kubectl delete pod crasher nopull --wait=true --timeout=120s", 150_000);
      const exercise: Exercise = { id: "ready-file", title: t, task: t, checks: [check("ready", { exec: { pod: { name: "envpod" }, command: ["test", "-f", "/tmp/ready"] } })], solve: "true" };
      const docs: ResultsDocument[] = [];
      const live = startLiveChecks({ lessonId: "behaviour", exercises: [exercise], target: gradeTarget(node.provider, node.lab), onResults: (d) => docs.push(d) });
      try {
        await waitFor("the first grade, failing", async () => docs.at(-1)?.outcome === "fail");
        // Touches a file in the container: no Kubernetes object changes, so only the poll sees it.
        await ok("kubectl exec envpod -- touch /tmp/ready");
        await waitFor("the poll to grade it passing", async () => docs.at(-1)?.outcome === "pass", { timeoutMs: 60_000 });
      } finally {
        await live.stop();
        await ok("kubectl exec envpod -- rm -f /tmp/ready");
      }
    });
  });
});
