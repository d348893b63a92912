// What the kubernetes provider asks the cluster for, read from the objects it sends: the
// integration test (test/integration/node/kubernetes-provider.test.ts) proves the cluster
// takes them; this one pins the parts that cluster cannot show (node labs, names, the
// server's refusal to guess a cluster's capacity).
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/app/_lib/config/env";
import { kubernetesProviderRefusal } from "@/app/_lib/lab/create-runtime";
import { LAB_CAPABILITIES, LAB_TMPFS, NODE_LAB_CAPABILITIES } from "@/sandbox/providers/docker-lab-options";
import { isLabelValue, labNetworkPolicy, labPod, labPodName } from "@/sandbox/providers/kubernetes-lab-pod";

const base = { name: "kubelab-x-s1", namespace: "labs", image: "registry.example.org/kubelab/lab-sim:abc", labels: { a: "b" } };

describe("a lab pod", () => {
  it("gives a sim lab Docker's capabilities, RuntimeDefault seccomp, no token and a memory-backed tmpfs for each of Docker's", () => {
    const pod = labPod({ ...base, profile: "sim", memoryBytes: 512 * 1024 * 1024, nanoCpus: 1e9 });
    const c = pod.spec!.containers[0]!;
    expect(pod.spec!.automountServiceAccountToken).toBe(false);
    expect(pod.spec!.enableServiceLinks).toBe(false);
    expect(pod.spec!.runtimeClassName).toBeUndefined();
    expect(pod.spec!.securityContext!.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(c.securityContext!.capabilities).toEqual({ drop: ["ALL"], add: [...LAB_CAPABILITIES] });
    expect(c.resources).toEqual({ requests: { memory: "536870912", cpu: "250m" }, limits: { memory: "536870912", cpu: "1000m" } });
    const mounts = Object.fromEntries(c.volumeMounts!.map((m) => [m.mountPath, pod.spec!.volumes!.find((v) => v.name === m.name)!.emptyDir]));
    expect(Object.keys(mounts).sort()).toEqual(Object.keys(LAB_TMPFS).sort());
    expect(mounts["/home/learner"]).toEqual({ medium: "Memory", sizeLimit: "64Mi" });
    expect(mounts["/var/tmp"]).toEqual({ medium: "Memory", sizeLimit: "16Mi" });
    // Docker's modes, put back before the lab starts (an emptyDir arrives 0777, /tmp without its sticky bit).
    const [init] = pod.spec!.initContainers!;
    expect(init!.command).toEqual(["/bin/sh", "-c", "chmod 1777 /tmp && chmod 1777 /var/tmp && chmod 0755 /run && chmod 0755 /var/log/kubelab"]);
    expect(init!.securityContext!.capabilities).toEqual({ drop: ["ALL"] });
    expect(init!.volumeMounts!.map((m) => m.mountPath).sort()).toEqual(["/run", "/tmp", "/var/log/kubelab", "/var/tmp"]);
  });

  it("runs a node lab only under the RuntimeClass it is given, with the node profile's capabilities", () => {
    const pod = labPod({ ...base, profile: "node", runtimeClassName: "gvisor" });
    expect(pod.spec!.runtimeClassName).toBe("gvisor");
    expect(pod.spec!.containers[0]!.securityContext!.capabilities!.add).toEqual([...NODE_LAB_CAPABILITIES]);
    expect(pod.spec!.containers[0]!.volumeMounts!.some((m) => m.mountPath === "/var/lib/containerd")).toBe(true);
  });

  it("names pods as DNS labels and checks label values", () => {
    expect(labPodName("ab12", "Cm1_X.y")).toBe("kubelab-ab12-cm1-x-y");
    expect(labPodName("ab12", "s".repeat(80))).toHaveLength(63);
    expect(isLabelValue("cmabc123def")).toBe(true);
    expect(isLabelValue("pool")).toBe(true);
    expect(isLabelValue("a b")).toBe(false);
    expect(isLabelValue("x".repeat(64))).toBe(false);
  });

  it("denies all traffic to and from the installation's lab pods", () => {
    const policy = labNetworkPolicy("labs", "ab12");
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { "org.kubelab.managed": "true", "org.kubelab.installation": "ab12" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
  });
});

describe("KUBELAB_PROVIDER=kubernetes", () => {
  it("needs KUBELAB_CAPACITY, since this host's memory says nothing of the cluster's", () => {
    expect(kubernetesProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "kubernetes" }))).toMatch(/needs KUBELAB_CAPACITY/);
    expect(kubernetesProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "kubernetes", KUBELAB_CAPACITY: "40" }))).toBeNull();
    expect(kubernetesProviderRefusal(parseEnv({ KUBELAB_PROVIDER: "docker" }))).toBeNull();
    expect(parseEnv({ KUBELAB_PROVIDER: "kubernetes", KUBELAB_CAPACITY: "40" }).KUBELAB_K8S_NAMESPACE).toBe("kubelab-labs");
    expect(() => parseEnv({ KUBELAB_K8S_NAMESPACE: "Not_A_Namespace" })).toThrow(/KUBELAB_K8S_NAMESPACE/);
  });
});
