// A walkthrough of the course's five source articles (../shared/seeds/) in one real node lab:
// the commands each article runs, typed as the learner in the lab's shell, and what minikube
// would show for them. Manifests are the articles' own (test/fixtures/seeds/).
//
// Where an article leaves something to the reader, the test fills it in the smallest way and
// says so: 002 never shows its Spring Boot app's Dockerfile, so a small Python server built
// FROM a catalogued image stands in for it; 003's `gcr.io/PROJECT_ID/...` names a project of
// the reader's, here `kubelab-demo`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("source-articles");
const { sh, ok } = node;
const until = <T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 240_000) => waitFor(what, check, { timeoutMs });

/** Writes one of the articles' manifests into the learner's home, as they would save it. */
const save = (name: string) =>
  ok(`cat >${name} <<'EOF'\n${readFileSync(new URL(`../../fixtures/seeds/${name}`, import.meta.url), "utf8")}EOF`);

/** curl as the learner; the body, or false while nothing answers. */
const curl = async (url: string, flags = "") => {
  const r = await sh(`curl -s -m 5 ${flags} ${url}`);
  return r.code === 0 && r.out.length > 0 && r.out;
};

/** Runs a command in the background while `then` runs, and its output (the command is stopped). */
const beside = (background: string, then: string) =>
  ok(`${background} >bg.log 2>&1 & bg=$!; ${then}; status=$?; kill $bg 2>/dev/null; wait $bg 2>/dev/null; echo "--- background:"; cat bg.log; exit $status`, 90_000);

describe("the course's source articles, walked through in a node lab", () => {
  it("000: minikube's version, status and ip, then WordPress + MariaDB from the article's manifest, opened with minikube service", async () => {
    const version = await ok("minikube version");
    expect(version).toMatch(/^minikube version: kubelab-node/m);
    expect(version).toMatch(/^node: a real kubelet v1\.\d+\.\d+, containerd:\/\/2\.\S+ and runc$/m);
    expect(version).not.toMatch(/kwok|simulated/);
    expect(await ok("minikube status")).toMatch(/host: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured/);
    const ip = (await ok("minikube ip")).trim();
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    await save("wordpress-k8s.yml");
    const applied = await ok("kubectl apply -f wordpress-k8s.yml");
    for (const line of ["deployment.apps/wordpress-mysql created", "service/wordpress-mysql created", "deployment.apps/wordpress created", "service/wordpress created"]) {
      expect(applied).toContain(line);
    }
    await ok("kubectl rollout status deployment/wordpress-mysql --timeout=300s && kubectl rollout status deployment/wordpress --timeout=300s", 330_000);
    const all = await ok("kubectl get all");
    expect(all).toMatch(/pod\/wordpress-mysql-\S+\s+1\/1\s+Running/);
    expect(all).toMatch(/deployment\.apps\/wordpress\s+1\/1\s+1\s+1/);
    const nodePort = /service\/wordpress\s+NodePort\s+10\.\S+\s+<none>\s+80:(3\d{4})\/TCP/.exec(all)?.[1];
    expect(nodePort, all).toBeDefined();

    // The article opens the site with `minikube service wordpress`; the lab has no browser, so
    // it prints the table and says the URL really answers.
    const opened = await ok("minikube service wordpress");
    expect(opened).toContain(`http://${ip}:${nodePort}`);
    expect(opened).toMatch(/The node is real: try the URL above with curl/);
    expect(opened).not.toMatch(/kwok|simulated/);
    const url = (await ok("minikube service wordpress --url")).trim();
    expect(url).toBe(`http://${ip}:${nodePort}`);
    // WordPress reaches MariaDB through its Service by name, finds no tables and sends the
    // browser to its installer.
    const page = await until("WordPress's install page", async () => {
      const body = await curl(`${url}/`, "-L -m 10");
      return body && /wp-admin\/install\.php|id="setup"|language-continue/.test(body) && body;
    });
    expect(page).not.toContain("Error establishing a database connection");
    expect(await ok(`curl -s -m 10 -o /dev/null -w '%{http_code}' ${url}/wp-admin/install.php`)).toBe("200");
    await ok("kubectl delete -f wordpress-k8s.yml --wait=false");
  }, 600_000);

  it("001: hello-minikube from cozserver, exposed as a NodePort and reached through kubectl port-forward", async () => {
    const system = (await ok("kubectl get pods -A")).split("\n").filter((l) => l.startsWith("kube-system"));
    expect(system.some((l) => /\bcoredns-\S+\s+1\/1\s+Running\b/.test(l)), system.join("\n")).toBe(true);
    expect(system.every((l) => /\s1\/1\s+Running\s/.test(l)), system.join("\n")).toBe(true);

    expect(await ok("kubectl create deployment hello-minikube --image=sebcontents/cozserver:1.0")).toContain("deployment.apps/hello-minikube created");
    expect(await ok("kubectl expose deployment hello-minikube --type=NodePort --port=8080")).toContain("service/hello-minikube exposed");
    await ok("kubectl rollout status deployment/hello-minikube --timeout=120s", 150_000);
    // Step 4 and 5: forward local port 3333 to the Service and open it.
    const forwarded = await beside(
      "kubectl port-forward service/hello-minikube 3333:8080",
      "for i in $(seq 100); do curl -s -m 2 http://localhost:3333/ && break; sleep 0.2; done",
    );
    expect(forwarded).toMatch(/^Request served by hello-minikube-\S+$/m);
    expect(forwarded).toMatch(/^HTTP\/1\.1 GET \/$/m);
    expect(forwarded).toContain("Forwarding from 127.0.0.1:3333 -> 8080");
    expect(forwarded).toContain("Handling connection for 3333");
    await ok("kubectl delete service,deployment hello-minikube --wait=false");
  }, 300_000);

  it("002: the Spring Boot Deployment and LoadBalancer Service as written, its image built in the lab, then imagePullPolicy: Never as the article's option 2", async () => {
    await save("deployment.yaml");
    await save("service.yaml");
    expect(await ok("kubectl apply -f deployment.yaml")).toContain("deployment.apps/springboot-kotlin-app created");
    expect(await ok("kubectl apply -f service.yaml")).toContain("service/springboot-kotlin-service created");
    const pullFails = (what: string) => until(what, async () => {
      const out = await ok("kubectl get pods -l app=springboot-kotlin-app");
      return (out.match(/\s0\/1\s+(ErrImagePull|ImagePullBackOff)\s/g) ?? []).length === 2 && out;
    });
    // Before the build there is nothing to run: both replicas fail to pull, as on minikube.
    await pullFails("both replicas failing to pull before the build");
    expect(await ok("kubectl get events --field-selector reason=Failed -o jsonpath='{range .items[*]}{.message}{\"\\n\"}{end}'")).toMatch(/^Failed to pull image "springboot-kotlin-app:latest"/m);
    // LoadBalancer on minikube: the external IP waits for `minikube tunnel`, the NodePort is there.
    expect(await ok("kubectl get services")).toMatch(/springboot-kotlin-service\s+LoadBalancer\s+10\.\S+\s+<pending>\s+80:3\d{4}\/TCP/);

    // The article's option 1: build into minikube's own image store.
    await ok(`mkdir -p ~/springboot && cd ~/springboot && cat >app.py <<'APP'
from http.server import BaseHTTPRequestHandler, HTTPServer

class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"Hello from springboot-kotlin-app\\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("", 8080), Hello).serve_forever()
APP
cat >Dockerfile <<'DOCKERFILE'
FROM python:3.12
WORKDIR /app
COPY app.py .
EXPOSE 8080
CMD ["python", "-u", "app.py"]
DOCKERFILE`);
    const built = await ok("cd ~/springboot && eval $(minikube docker-env) && docker build -t springboot-kotlin-app:latest .", 300_000);
    expect(built).toContain("Successfully tagged springboot-kotlin-app:latest");
    // The image is there now, but `:latest` with no pull policy means Always: the kubelet
    // still asks a registry for it and fails, as on minikube. Hence the article's option 2.
    await ok("kubectl rollout restart deployment/springboot-kotlin-app");
    await pullFails("both replicas still failing to pull a :latest image with the default policy Always");
    await ok("sed -i '/image: springboot-kotlin-app:latest/a\\        imagePullPolicy: Never' deployment.yaml && kubectl apply -f deployment.yaml");
    expect(await ok("kubectl rollout status deployment/springboot-kotlin-app --timeout=180s", 200_000)).toContain("successfully rolled out");
    expect((await ok("kubectl get pods -l app=springboot-kotlin-app --no-headers")).match(/\s1\/1\s+Running\s/g)).toHaveLength(2);

    const url = (await ok("minikube service springboot-kotlin-service --url")).trim();
    expect(url).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:3\d{4}$/);
    expect(await until("the built app over its Service", () => curl(url))).toBe("Hello from springboot-kotlin-app\n");
    await ok("kubectl delete -f service.yaml -f deployment.yaml --wait=false");
  }, 600_000);

  it("003: hello-node: build v1, create, inspect, expose, scale out, build v2 and roll it out, reach it through kubectl proxy, scale in", async () => {
    const v1 = "gcr.io/kubelab-demo/hello-node:v1";
    const v2 = "gcr.io/kubelab-demo/hello-node:v2";
    await ok(`mkdir -p ~/hello-node && cd ~/hello-node && cat >server.js <<'SERVER'
var http = require('http');
var handleRequest = function(request, response) {
  console.log('Received request for URL: ' + request.url);
  response.writeHead(200);
  response.end('Hello World!');
};
var www = http.createServer(handleRequest);
www.listen(8080);
SERVER
cat >Dockerfile <<'DOCKERFILE'
FROM node:6.9.2
EXPOSE 8080
COPY server.js .
CMD node server.js
DOCKERFILE`);
    expect(await ok(`cd ~/hello-node && eval $(minikube docker-env) && docker build -t ${v1} .`, 300_000)).toContain(`Successfully tagged ${v1}`);
    // `docker run -d -p 8080:8080` has no Docker daemon to run on here, and says so.
    const run = await sh(`docker run -d -p 8080:8080 ${v1}`);
    expect(run.code).not.toBe(0);
    expect(run.out).toContain("kubectl run");

    expect(await ok(`kubectl create deployment hello-node --image=${v1} --port=8080`)).toContain("deployment.apps/hello-node created");
    await ok("kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    expect(await ok("kubectl get deployments")).toMatch(/hello-node\s+1\/1\s+1\s+1\s/);
    const pod = (await ok("kubectl get pods -l app=hello-node -o jsonpath='{.items[0].metadata.name}'")).trim();
    expect(await ok("kubectl get pods")).toMatch(new RegExp(`${pod}\\s+1/1\\s+Running\\s+0\\s`));
    const info = await ok("kubectl cluster-info");
    expect(info).toMatch(/Kubernetes control plane is running at https:\/\/\S+/);
    expect(info).toMatch(/CoreDNS is running at https:\/\/\S+/);
    expect(await ok("kubectl config view")).toMatch(/current-context: minikube/);
    const events = await ok("kubectl events");
    expect(events).toMatch(new RegExp(`Successfully assigned default/${pod} to minikube`));
    expect(events).toMatch(new RegExp(`Started\\s+Pod/${pod}\\s+Container started`));

    expect(await ok('kubectl expose deployment hello-node --type="LoadBalancer"')).toContain("service/hello-node exposed");
    expect(await ok("kubectl get services")).toMatch(/hello-node\s+LoadBalancer\s+10\.\S+\s+<pending>\s+8080:3\d{4}\/TCP/);
    const url = (await ok("minikube service hello-node --url")).trim();
    expect(await until("hello-node over its NodePort", () => curl(url))).toBe("Hello World!");
    expect(await ok(`kubectl logs ${pod}`)).toContain("Received request for URL: /");
    // The article's external IP: on minikube, `minikube tunnel` gives it, and it answers.
    const tunnelled = await beside(
      "minikube tunnel",
      "for i in $(seq 60); do ip=$(kubectl get svc hello-node -o jsonpath='{.status.loadBalancer.ingress[0].ip}'); [ -n \"$ip\" ] && break; sleep 0.5; done; kubectl get services hello-node; curl -s -m 5 http://$ip:8080/; echo",
    );
    expect(tunnelled).toMatch(/hello-node\s+LoadBalancer\s+(10\.\S+)\s+\1\s+8080:3\d{4}\/TCP/);
    expect(tunnelled).toMatch(/^Hello World!$/m);
    expect(tunnelled).toContain("Starting tunnel for service hello-node.");
    // The tunnel writes the Service's status through the node's narrow root helper: the
    // learner cannot name an external IP of their own choosing for kube-proxy to route.
    const forged = await sh(`kubectl patch service hello-node --subresource=status --type=merge -p '{"status":{"loadBalancer":{"ingress":[{"ip":"192.168.49.2"}]}}}'`);
    expect(forged.code).not.toBe(0);
    expect(forged.out).toMatch(/forbidden/);

    // Scale out: four replicas, and the Service spreads requests over them.
    expect(await ok("kubectl scale deployment hello-node --replicas=4")).toContain("deployment.apps/hello-node scaled");
    await ok("kubectl rollout status deployment/hello-node --timeout=120s", 150_000);
    expect(await ok("kubectl get deployment")).toMatch(/hello-node\s+4\/4\s+4\s+4\s/);
    expect((await ok("kubectl get pods -l app=hello-node --no-headers")).match(/\s1\/1\s+Running\s/g)).toHaveLength(4);
    await ok(`for i in $(seq 30); do curl -s -m 5 ${url} >/dev/null; done`);
    const served = await ok("kubectl logs -l app=hello-node --prefix --tail=-1");
    expect(new Set(served.match(/^\[pod\/hello-node-\S+/gm)).size).toBeGreaterThan(1);

    // Version 2: the code changes, a new image is built, and the Deployment rolls over to it
    // with no downtime (the article edits the Deployment's image).
    await ok("cd ~/hello-node && sed -i \"s/response.end('Hello World!');/response.end('Hello Kubernetes World!');/\" server.js");
    expect(await ok(`cd ~/hello-node && docker build -t ${v2} .`, 300_000)).toContain(`Successfully tagged ${v2}`);
    expect(await ok(`kubectl set image deployment/hello-node hello-node=${v2}`)).toContain("deployment.apps/hello-node image updated");
    expect(await ok("kubectl rollout status deployment/hello-node --timeout=180s", 200_000)).toContain('deployment "hello-node" successfully rolled out');
    expect(await until("version 2 answering", async () => {
      const body = await curl(url);
      return body === "Hello Kubernetes World!" && body;
    })).toBe("Hello Kubernetes World!");
    expect(await ok("kubectl rollout history deployment/hello-node")).toMatch(/^1\s+<none>\n2\s+<none>$/m);

    // kubectl proxy: the API and the Service through the API server, on the lab's localhost.
    const proxied = await beside(
      "kubectl proxy --port 8081",
      "for i in $(seq 50); do curl -s -m 2 http://localhost:8081/version >/dev/null && break; sleep 0.2; done; " +
        "curl -s 'http://localhost:8081/api/v1/namespaces/default/pods?labelSelector=app%3Dhello-node' | jq -r '[.items[] | select(.metadata.deletionTimestamp == null)] | length'; " +
        "curl -s http://localhost:8081/api/v1/namespaces/default/services/hello-node:8080/proxy/; echo",
    );
    expect(proxied).toMatch(/^4$/m);
    expect(proxied).toMatch(/^Hello Kubernetes World!$/m);
    expect(proxied).toContain("Starting to serve on 127.0.0.1:8081");

    // Scale in.
    expect(await ok("kubectl scale deployment hello-node --replicas=1")).toContain("deployment.apps/hello-node scaled");
    await until("one hello-node pod left", async () => {
      const names = (await ok("kubectl get pods -l app=hello-node -o jsonpath='{.items[*].metadata.name}'")).trim();
      return names.split(/\s+/).filter(Boolean).length === 1;
    });
    expect(await ok("kubectl get deployment hello-node")).toMatch(/hello-node\s+1\/1\s+1\s+1\s/);
    await ok("kubectl delete service,deployment hello-node --wait=false");
  }, 900_000);

  it("004: the architecture's parts are real: one node minikube (a minion, in old words) with its kubelet, runtime and kube-proxy", async () => {
    expect(await ok("kubectl get nodes")).toMatch(/^minikube\s+Ready\s/m);
    const described = await ok("kubectl describe node minikube");
    expect(described).toMatch(/Container Runtime Version:\s+containerd:\/\/2\./);
    expect(described).toMatch(/Kubelet Version:\s+v1\.\d+\.\d+/);
    const logs = await ok("minikube logs");
    for (const part of ["kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "kubelet", "containerd", "kube-proxy"]) {
      expect(logs).toContain(`==> ${part} <==`);
    }
    expect(logs).not.toContain("==> kwok <==");
  }, 120_000);
});
