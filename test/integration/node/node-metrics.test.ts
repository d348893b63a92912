// `kubectl top` in a node lab, as the learner: metrics-server runs there from the start (a
// process of the lab behind the apiserver's aggregation layer, scraping the real kubelet), so
// `kubectl top nodes` and `kubectl top pods` show real numbers once its first scrapes are in.
// And the learner gains nothing by it: metrics.k8s.io is read-only for them, and neither
// metrics-server's key nor the apiserver's front-proxy key is readable from their shell.
// One lab start for the whole file.
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-metrics-it");
const { sh, ok } = node;
// metrics-server scrapes every 15 s and needs two scrapes for a CPU rate: wait generously.
const untilOk = (what: string, command: string) =>
  waitFor(what, async () => {
    const r = await sh(command);
    return r.code === 0 && r.out;
  }, { timeoutMs: 180_000, intervalMs: 3_000 });

describe("kubectl top in a node lab", () => {
  it("lists the node minikube with its CPU and memory", async () => {
    const out = await untilOk("kubectl top nodes", "kubectl top nodes --no-headers");
    expect(out.trim()).toMatch(/^minikube\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%$/);
  });

  it("lists a running pod of the learner's with its CPU and memory", async () => {
    await ok("kubectl create deployment web --image=nginx:1.25 && kubectl rollout status deployment/web --timeout=120s", 150_000);
    const pod = (await ok("kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'")).trim();
    const out = await untilOk("kubectl top pods to list the nginx pod", `kubectl top pods --no-headers | grep '^${pod} '`);
    expect(out.trim()).toMatch(new RegExp(`^${pod}\\s+\\d+m\\s+\\d+Mi$`));
    // Containers too, as on minikube.
    expect(await ok(`kubectl top pod ${pod} --containers --no-headers`)).toMatch(/\bnginx\s+\d+m\s+\d+Mi/);
  });

  it("is minikube's metrics-server addon, enabled", async () => {
    const list = await ok("minikube addons list");
    expect(list).toMatch(/metrics-server\s*\|\s*minikube\s*\|\s*enabled ✅/);
    // So is the storage provisioner, a process of the lab too.
    expect(list).toMatch(/storage-provisioner\s*\|\s*minikube\s*\|\s*enabled ✅/);
    expect(await ok("minikube addons enable metrics-server")).toContain("The 'metrics-server' addon is enabled");
    const off = await sh("minikube addons disable metrics-server");
    expect(off.code).not.toBe(0);
    expect(off.out).toContain("'metrics-server' stays enabled in this lab");
  });

  it("gives the learner read access to metrics and nothing more", async () => {
    expect((await ok("kubectl auth can-i list pods.metrics.k8s.io")).trim()).toBe("yes");
    expect((await sh("kubectl auth can-i create pods.metrics.k8s.io")).out.trim()).toBe("no");
    for (const verb of ["create", "update", "delete"]) {
      expect((await sh(`kubectl auth can-i ${verb} apiservices.apiregistration.k8s.io`)).out).toMatch(/^no/m);
    }
    const del = await sh("kubectl delete apiservice v1beta1.metrics.k8s.io");
    expect(del.code).not.toBe(0);
    expect(del.out).toMatch(/forbidden/i);
    // The Service and endpoint the apiserver sends metrics requests to are in kube-system,
    // where the learner writes nothing.
    const ep = await sh("kubectl -n kube-system patch endpoints metrics-server --type=json -p '[{\"op\":\"replace\",\"path\":\"/subsets/0/addresses/0/ip\",\"value\":\"10.244.0.99\"}]'");
    expect(ep.code).not.toBe(0);
    expect(ep.out).toMatch(/forbidden|kube-system belongs to the cluster/i);
    // Nor can a Service of theirs take the node's address and port in its place: kube-proxy
    // would send the apiserver's metrics requests to the learner's pod.
    const ext = await sh(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Service
metadata: {name: fake-metrics}
spec:
  selector: {app: web}
  externalIPs: [192.168.49.2]
  ports: [{port: 4443, targetPort: 80}]
EOF`);
    expect(ext.code).not.toBe(0);
    expect(ext.out).toContain("a Service's externalIPs could take over traffic to the node's own addresses");
    expect(ext.out).toContain("externalIPs는 노드 자신의 주소로 가는 트래픽을 가로챌 수 있으므로");
    expect(await ok("kubectl top nodes --no-headers")).toMatch(/^minikube\s/);
    // Keys: metrics-server's client key, and the front-proxy key with which the apiserver may
    // name any user to an aggregated API.
    for (const file of ["/run/kubelab-node/metrics-server/client.key", "/var/lib/kubelab/pki/front-proxy-client.key", "/var/lib/kubelab/pki/front-proxy-ca.key"]) {
      const r = await sh(`cat ${file}`);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/Permission denied/);
    }
    // metrics-server runs as nobody, not as the learner: the learner cannot stop it.
    const pid = (await ok("pgrep -x metrics-server")).trim();
    expect((await ok(`ps -o user= -p ${pid}`)).trim()).toBe("nobody");
    const kill = await sh(`kill ${pid}`);
    expect(kill.code).not.toBe(0);
    expect(kill.out).toMatch(/Operation not permitted/);
  });

  it("refuses a hostPort pod, as Pod Security baseline does on any cluster that enforces it", async () => {
    // The node's CNI chain has portmap, but a hostPort would let a pod take over traffic to the
    // lab's own loopback ports (portmap rewrites local traffic to any local address), so the
    // lab keeps baseline's refusal rather than loosening Pod Security.
    const r = await sh(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: hostport}
spec:
  containers:
  - name: web
    image: nginx:1.25
    ports: [{containerPort: 80, hostPort: 8081}]
EOF`);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/violates PodSecurity "baseline:latest": hostPort/);
  });
});
