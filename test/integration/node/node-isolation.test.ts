// Isolation of a node lab, attacked as the learner (issue "Real pods", point 7): every way a
// pod or a credential could reach the lab container's root (and from there, with SYS_ADMIN,
// the host) is tried for real in the learner's shell, and each must be refused with a clear
// message and change nothing. One lab for the whole file.
import { describe, expect, it } from "vitest";
import { useNodeLab } from "../../support/node-lab";
import { waitFor } from "../../support/until";

const node = useNodeLab("node-isolation");
const { sh } = node;
const until = <T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 120_000) => waitFor(what, check, { timeoutMs });

/** The command must fail, saying why. */
async function refused(command: string): Promise<string> {
  const r = await sh(command);
  expect(r.code, `expected a refusal of: ${command}\n${r.out}`).not.toBe(0);
  return r.out;
}
const pod = (name: string, spec: string) => `cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${spec}
EOF`;

describe("a node lab refuses the learner", () => {
  it("a privileged pod", async () => {
    const out = await refused(pod("priv", "  containers: [{name: c, image: busybox:1.36, command: [sleep, '60'], securityContext: {privileged: true}}]"));
    expect(out).toMatch(/violates PodSecurity "baseline:latest": privileged/);
  });

  it("a pod with hostPath /, hostPID, hostNetwork or an added capability", async () => {
    expect(await refused(pod("hostroot", "  containers: [{name: c, image: busybox:1.36, command: [sleep, '60'], volumeMounts: [{name: root, mountPath: /host}]}]\n  volumes: [{name: root, hostPath: {path: /}}]"))).toMatch(/hostPath volumes/);
    expect(await refused(pod("hostpid", "  hostPID: true\n  containers: [{name: c, image: busybox:1.36, command: [sleep, '60']}]"))).toMatch(/host namespaces/);
    expect(await refused(pod("hostnet", "  hostNetwork: true\n  containers: [{name: c, image: busybox:1.36, command: [sleep, '60']}]"))).toMatch(/host namespaces/);
    expect(await refused(pod("caps", "  containers: [{name: c, image: busybox:1.36, command: [sleep, '60'], securityContext: {capabilities: {add: [SYS_ADMIN]}}}]"))).toMatch(/non-default capabilities/);
    expect((await sh("kubectl get pods -o name")).out).not.toMatch(/priv|hostroot|hostpid|hostnet|caps/);
  });

  it("kubectl debug node/minikube", async () => {
    expect(await refused("kubectl debug node/minikube -it --image=busybox:1.36 -- true")).toMatch(/violates PodSecurity/);
  });

  it("relabelling a namespace to enforce privileged, or editing the policy that forbids it", async () => {
    expect(await refused("kubectl label namespace default pod-security.kubernetes.io/enforce=privileged --overwrite")).toMatch(/kubelab/);
    expect(await refused("kubectl create namespace loose --dry-run=client -o yaml | kubectl label -f - --local pod-security.kubernetes.io/enforce=privileged -o yaml | kubectl create -f -")).toMatch(/kubelab/);
    expect(await refused("kubectl delete validatingadmissionpolicy kubelab-pod-security-labels")).toMatch(/forbidden/i);
    expect(await refused("kubectl delete validatingadmissionpolicybinding kubelab-pod-security-labels")).toMatch(/forbidden/i);
    // Tightening is allowed.
    expect((await sh("kubectl label namespace default pod-security.kubernetes.io/enforce=restricted --overwrite && kubectl label namespace default pod-security.kubernetes.io/enforce-")).code).toBe(0);
  });

  it("impersonating system:masters", async () => {
    expect(await refused("kubectl get secrets -A --as=admin --as-group=system:masters")).toMatch(/cannot impersonate/);
  });

  it("getting an admin certificate by approving its own CertificateSigningRequest", async () => {
    // The apiserver itself refuses any request for O=system:masters from this signer; the
    // controller manager's identity is as good (it may read every secret and mint tokens).
    const out = await refused(`set -e
cd /tmp && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout admin.key -subj "/CN=system:kube-controller-manager" -out admin.csr 2>/dev/null
cat <<EOF | kubectl apply -f -
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: evil}
spec:
  request: $(base64 -w0 admin.csr)
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
EOF
kubectl certificate approve evil`);
    expect(out).toMatch(/certificatesigningrequests\/approval.*forbidden|forbidden.*approval|cannot update resource "certificatesigningrequests\/approval"/i);
    const csr = await sh("kubectl get csr evil -o json");
    expect(csr.code, csr.out).toBe(0);
    expect(JSON.parse(csr.out).status?.certificate).toBeUndefined();
  });

  it("a hostPath PersistentVolume (which Pod Security does not see) or writes in kube-system", async () => {
    expect(await refused(`cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: PersistentVolume
metadata: {name: rootfs}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /}
EOF`)).toMatch(/kubelab/);
    expect(await refused("kubectl create token coredns -n kube-system")).toMatch(/kubelab|forbidden/i);
    expect(await refused("kubectl run sneaky -n kube-system --image=busybox:1.36 --overrides='{\"spec\":{\"serviceAccountName\":\"clusterrole-aggregation-controller\"}}' -- sleep 60")).toMatch(/kubelab|forbidden/i);
  });

  it("reaching the node's kubelet API through the apiserver (nodes/proxy)", async () => {
    expect(await refused("kubectl get --raw /api/v1/nodes/minikube/proxy/pods")).toMatch(/forbidden/i);
  });

  it("a memory hog in a pod without limits: the pod is killed, the lab's cluster lives on", async () => {
    await sh(pod("hog", "  containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'tail /dev/zero']}]"));
    const killed = await until("the hog to be OOM-killed", async () => {
      const st = JSON.parse((await sh("kubectl get pod hog -o json")).out).status?.containerStatuses?.[0];
      return (st?.restartCount ?? 0) >= 1 || st?.state?.terminated ? st : false;
    });
    expect(killed.lastState?.terminated?.exitCode ?? killed.state?.terminated?.exitCode).toBe(137);
    const state = JSON.parse((await node.provider.exec(node.lab, ["kubelab-cluster", "status", "--json"], { user: "root" })).stdout);
    for (const c of ["etcd", "kube-apiserver", "containerd", "kubelet"]) expect(state.components[c].restarts, c).toBe(0);
    expect((await sh("kubectl get node minikube -o name")).out.trim()).toBe("node/minikube");
    await sh("kubectl delete pod hog --grace-period=0 --force");
  });

  it("a fork bomb in a pod: stopped at the pod's process limit, the cluster still answers", async () => {
    await sh(pod("bomb", "  containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'f() { f | f & }; f; sleep 3600']}]"));
    await until("the bomb to run", async () => (await sh("kubectl get pod bomb -o jsonpath='{.status.phase}'")).out.trim() === "Running");
    await new Promise((r) => setTimeout(r, 5000));
    // The pod's pids cgroup caps it (kubelet podPidsLimit), well under the lab's own limit.
    const pids = await node.provider.exec(node.lab, ["sh", "-c", "cat /sys/fs/cgroup/pids/kubepods*/besteffort/pod$(kubectl --kubeconfig /var/lib/kubelab/kubeconfig/admin.conf get pod bomb -o jsonpath='{.metadata.uid}')/pids.max"], { user: "root" });
    expect(pids.stdout.trim()).toBe("1024");
    const r = await sh("kubectl get nodes -o name && kubectl run alive --image=busybox:1.36 --restart=Never -- true && kubectl delete pod bomb --grace-period=0 --force");
    expect(r.code, r.out).toBe(0);
  });

  it("still lets the learner do the course's work: pods, Services, RBAC of their own, CSRs to read", async () => {
    const r = await sh(`set -e
kubectl create namespace shop && kubectl delete namespace shop --wait=false
kubectl run fine --image=busybox:1.36 -- sleep 600
kubectl create serviceaccount app
kubectl create role reader --verb=get,list --resource=pods
kubectl create rolebinding app-reader --role=reader --serviceaccount=default:app
kubectl auth can-i list pods --as=system:serviceaccount:default:app 2>/dev/null || true
kubectl create token app >/dev/null
kubectl get nodes
kubectl cordon minikube && kubectl uncordon minikube`);
    expect(r.code, r.out).toBe(0);
  });
});
