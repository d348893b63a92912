// The cluster as a whole, seen from the learner's shell: what runs in kube-system, what a
// simulated node says to logs and exec, and minikube's stop, start and delete having real
// effects. The tests run in order in one lab; the reset comes last.
import { beforeEach, describe, expect, it } from "vitest";
import type { Lab } from "./lab";
import { useLab } from "./use-lab";

const getLab = useLab();
let lab: Lab;
beforeEach(() => {
  lab = getLab();
});

interface Pod {
  metadata: { name: string; namespace: string };
  status: { phase?: string; containerStatuses?: { ready: boolean }[] };
}

async function apiserverUp(): Promise<boolean> {
  const r = await lab.sh("kubectl get --raw /readyz", { timeoutMs: 20_000 });
  return r.code === 0 && r.stdout.trim() === "ok";
}


describe("the cluster, as the learner", () => {
  it("runs the control plane, coredns, kube-proxy and the storage provisioner in kube-system", async () => {
    const wanted = [
      "etcd-minikube",
      "kube-apiserver-minikube",
      "kube-controller-manager-minikube",
      "kube-scheduler-minikube",
      "coredns-[a-z0-9]+-[a-z0-9]+",
      "kube-proxy-[a-z0-9]+",
      "storage-provisioner",
    ];
    const pods = await lab.waitFor("every kube-system pod Running and ready", async () => {
      const all = (await lab.json<{ items: Pod[] }>("get pods -A")).items.filter((p) => p.metadata.namespace === "kube-system");
      const ok = wanted.every((name) =>
        all.some(
          (p) =>
            new RegExp(`^${name}$`).test(p.metadata.name) &&
            p.status.phase === "Running" &&
            (p.status.containerStatuses ?? []).every((c) => c.ready),
        ),
      );
      return ok ? all : false;
    });
    expect(pods.length).toBeGreaterThanOrEqual(wanted.length);
    const table = await lab.ok("kubectl get pods -A");
    for (const name of wanted) {
      expect(table).toMatch(new RegExp(`^kube-system\\s+${name}\\s+1/1\\s+Running\\s`, "m"));
    }
    const nodes = await lab.ok("kubectl get nodes");
    expect(nodes).toMatch(/^minikube\s+Ready\s+control-plane\s/m);
  });

  it("answers kubectl logs and exec promptly with the honest notice of a simulated node", async () => {
    await lab.ok("kubectl create deployment talk --image=nginx:1.25");
    const pod = await lab.waitFor("the talk pod Running", async () => {
      const out = await lab.ok("kubectl get pods -l app=talk --field-selector=status.phase=Running -o name");
      return out.trim().split("\n")[0] || false;
    });
    // Bounded so that a hanging command fails the test instead of stalling it; how fast it
    // answers is a benchmark's business, not this test's.
    const logs = await lab.sh(`kubectl logs ${pod}`, { timeoutMs: 30_000 });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/There are no logs to show\. This lab's node is simulated/);
    expect(logs.stdout).toMatch(/kubectl describe pod /);
    // exec fails (nothing to exec into) but says why, instead of hanging or faking output.
    const exec = await lab.sh(`kubectl exec ${pod} -- ls /`, { timeoutMs: 30_000 });
    expect(exec.code, exec.stderr).not.toBe(124);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toMatch(/Cannot exec to container "nginx" .* This lab's node is simulated/s);
    expect(exec.stdout).toBe("");
  });

  it("restarts a control-plane component that dies, and its pod shows the restart", async () => {
    const restarts = async () =>
      Number((await lab.ok("kubectl -n kube-system get pod kube-scheduler-minikube -o jsonpath='{.status.containerStatuses[0].restartCount}'")).trim() || "0");
    const before = await restarts();
    const pidBefore = (await lab.ok("pgrep -x kube-scheduler", { user: "root" })).trim();
    // Killed from inside the lab, as a crash would: the supervisor must notice and start it again.
    await lab.ok(`kill -9 ${pidBefore}`, { user: "root" });
    const pidAfter = await lab.waitFor("a new kube-scheduler process", async () => {
      const r = await lab.sh("pgrep -x kube-scheduler", { user: "root" });
      const pid = r.stdout.trim();
      return r.code === 0 && pid !== "" && pid !== pidBefore ? pid : false;
    });
    expect(pidAfter).not.toBe(pidBefore);
    // The mirror pod tells the truth about the process behind it: one more restart, ready again.
    await lab.waitFor("the scheduler pod to count the restart and be ready", async () => {
      const ready = (await lab.ok("kubectl -n kube-system get pod kube-scheduler-minikube -o jsonpath='{.status.containerStatuses[0].ready}'")).trim();
      return (await restarts()) > before && ready === "true";
    });
  });

  // The supervisor's keep-alive round (one curl for readyz, the lease, the node and the
  // mirror pods) stands in for a kubelet: what it finds missing it puts back.
  it("renews the node lease and puts back a deleted mirror pod and a deleted node, as a kubelet does", async () => {
    const renewTime = async () => (await lab.ok("kubectl -n kube-node-lease get lease minikube -o jsonpath='{.spec.renewTime}'")).trim();
    const first = await renewTime();
    await lab.waitFor("the node lease renewed", async () => (await renewTime()) !== first, { timeoutMs: 60_000, intervalMs: 1000 });

    const uid = async (what: string) => (await lab.ok(`kubectl get ${what} -o jsonpath='{.metadata.uid}'`)).trim();
    const podBefore = await uid("-n kube-system pod kube-scheduler-minikube");
    await lab.ok("kubectl -n kube-system delete pod kube-scheduler-minikube --wait=false");
    await lab.waitFor("a new kube-scheduler-minikube mirror pod, Running and ready", async () => {
      const r = await lab.sh("kubectl -n kube-system get pod kube-scheduler-minikube -o jsonpath='{.metadata.uid} {.status.phase} {.status.containerStatuses[0].ready}'");
      const [u, phase, ready] = r.stdout.trim().split(" ");
      return r.code === 0 && u !== podBefore && phase === "Running" && ready === "true";
    });

    const nodeBefore = await uid("node minikube");
    await lab.ok("kubectl delete node minikube");
    await lab.waitFor("node minikube registered again and Ready", async () => {
      const r = await lab.sh("kubectl get node minikube -o jsonpath='{.metadata.uid} {.status.conditions[?(@.type==\"Ready\")].status}'");
      const [u, ready] = r.stdout.trim().split(" ");
      return r.code === 0 && u !== nodeBefore && ready === "True";
    });
    // The node's deletion took its mirror pods (owned by the node) along; they come back.
    await lab.waitFor("all four control-plane pods back, Running", async () => {
      const out = await lab.ok("kubectl -n kube-system get pods -l tier=control-plane --field-selector=status.phase=Running -o name");
      return out.trim().split("\n").filter(Boolean).length === 4;
    });
  });

  it("minikube status reports the real state through stop and start", async () => {
    await lab.ok("kubectl create deployment keep --image=nginx:1.25 --replicas=2");
    const running = await lab.sh("minikube status");
    expect(running.code, running.stderr).toBe(0);
    expect(running.stdout).toMatch(/^host: Running$/m);
    expect(running.stdout).toMatch(/^apiserver: Running$/m);
    expect(running.stdout).toMatch(/^kubelet: Running$/m);

    const stop = await lab.sh("minikube stop", { timeoutMs: 120_000 });
    expect(stop.code, stop.stderr).toBe(0);
    const stopped = await lab.sh("minikube status");
    expect(stopped.code).not.toBe(0);
    expect(stopped.stdout).toMatch(/^apiserver: Stopped$/m);
    expect(stopped.stdout).toMatch(/^kubelet: Stopped$/m);
    // Stopped means stopped: no process, no API.
    expect((await lab.sh("pgrep -x kube-apiserver")).code).not.toBe(0);
    expect((await lab.sh("pgrep -x etcd")).code).not.toBe(0);
    const refused = await lab.sh("kubectl get nodes --request-timeout=5s", { timeoutMs: 30_000 });
    expect(refused.code).not.toBe(0);

    const start = await lab.sh("minikube start", { timeoutMs: 180_000 });
    expect(start.code, start.stderr).toBe(0);
    await lab.waitFor("the apiserver after minikube start", apiserverUp, { timeoutMs: 120_000 });
    const again = await lab.sh("minikube status");
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/^apiserver: Running$/m);
    // A stop keeps the learner's work, as minikube does.
    await lab.waitFor("deployment keep available again", async () => {
      const d = await lab.json<{ status: { availableReplicas?: number } }>("get deployment keep");
      return d.status.availableReplicas === 2;
    });
  });

  it("understands a control request that reaches the supervisor in two pieces", async () => {
    // The supervisor reads its FIFO with a 1 s timeout; a request split across a timeout used
    // to lose its first bytes ("unknown request 'ng'"). Written as root, as kubelab-cluster does.
    const script = [
      "f=/run/kubelab/reply.split-test; rm -f $f; mkfifo -m 0600 $f; exec {r}<>$f",
      "printf 'pi' > /run/kubelab/control; sleep 1.6",
      "printf 'ng %s\\n' $f > /run/kubelab/control",
      "read -r -t 15 -u $r answer; rm -f $f; echo \"$answer\"",
    ].join("\n");
    const answer = (await lab.ok(script, { user: "root" })).trim();
    expect(answer).toMatch(/^ok (running|starting)$/);
  });

  it("resets to a pristine cluster with minikube delete: the default namespace is empty", async () => {
    await lab.ok("kubectl create namespace scratch && kubectl create deployment gone --image=nginx:1.25 -n default");
    await lab.ok("kubectl create configmap leftover --from-literal=a=b && kubectl expose deployment gone --port=80");
    const del = await lab.sh("minikube delete", { timeoutMs: 180_000 });
    expect(del.code, del.stderr).toBe(0);
    // minikube start after delete is what the lessons do; on a reset lab it is harmless.
    const start = await lab.sh("minikube start", { timeoutMs: 180_000 });
    expect(start.code, start.stderr).toBe(0);
    await lab.waitFor("the apiserver after the reset", apiserverUp, { timeoutMs: 120_000 });

    const all = await lab.ok("kubectl get deployments,replicasets,pods,services,configmaps -n default -o name");
    expect(all.trim().split("\n").sort()).toEqual(["configmap/kube-root-ca.crt", "service/kubernetes"]);
    expect((await lab.sh("kubectl get namespace scratch")).code).not.toBe(0);
    await lab.waitFor("node minikube Ready after the reset", async () =>
      (await lab.ok("kubectl get node minikube -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'")).trim() === "True",
    );
    // And the cluster works as before.
    await lab.ok("kubectl create deployment after --image=nginx:1.25");
    await lab.waitFor("a pod of the first deployment after the reset Running", async () =>
      (await lab.ok("kubectl get pods -l app=after --field-selector=status.phase=Running -o name")).trim() !== "",
    );
  });

  it("resets a stopped cluster with minikube delete: it starts it, then resets it", async () => {
    await lab.ok("kubectl create deployment stale --image=nginx:1.25");
    expect((await lab.sh("minikube stop", { timeoutMs: 120_000 })).code).toBe(0);
    const del = await lab.sh("minikube delete", { timeoutMs: 180_000 });
    expect(del.code, del.stderr).toBe(0);
    expect((await lab.ok("kubectl get deployments -o name")).trim()).toBe("");
    const state = JSON.parse(await lab.ok("cat /run/kubelab/state.json")) as { phase: string; ready: boolean };
    expect(state).toMatchObject({ phase: "running", ready: true });
  });
});
