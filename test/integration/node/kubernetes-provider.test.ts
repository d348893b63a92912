// KUBELAB_PROVIDER=kubernetes on a real cluster: a node lab (real apiserver, kubelet,
// containerd, runc; Pod Security `baseline` enforced on every namespace) runs the sim lab pods.
// The provider works as the ServiceAccount of deploy/kubernetes/lab-rbac.yaml, applied as it
// is, so the Role the README gives is known to be enough. One node lab start for the file;
// the tests run in order on one sim lab pod: start, exec, attach, reset, a new provider (a
// restarted server) finding it, stop. Then the lab manager on the same cluster, unchanged: the
// warm pool as pods, capacity and the queue, reconcile after a restart, culling, and a pod
// deleted from outside.
import { readFileSync } from "node:fs";
import pino from "pino";
import { CoreV1Api, type KubeConfig, NetworkingV1Api, type V1Pod } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/prisma/generated/client";
import { LabManager, type ManagerConfig } from "@/sandbox/manager/manager";
import { createLabMetrics } from "@/sandbox/manager/metrics";
import type { LabView } from "@/sandbox/manager/view";
import { LAB_CAPABILITIES } from "@/sandbox/providers/docker-lab-options";
import { KubernetesProvider } from "@/sandbox/providers/kubernetes";
import { ExecOutputLimitError, LABEL, ProfileUnavailableError, type ProviderState, type Tty } from "@/sandbox/providers/types";
import { freshDatabase } from "../../support/database";
import { useKubeCluster } from "../../support/kube-cluster";
import { TEST_MANAGER_DEFAULTS } from "../../support/lab-manager";
import { until } from "../../support/until";

const cluster = useKubeCluster("k8s-cluster");
const NAMESPACE = "kubelab-labs";
const INSTALLATION = "k8sit";
let serviceAccount: KubeConfig | undefined;
let provider: KubernetesProvider | undefined;
let lab: ProviderState | undefined;
/** Sandbox ids the provider's watch reported as exited, from the start on. */
const exits: string[] = [];

/**
 * The provider as the operator runs it. The node lab's network plugin (bridge) ignores
 * NetworkPolicy, so the labs here are accepted on an unenforced one, except where a test
 * asks for the default that refuses it.
 */
async function asOperator(installationId = INSTALLATION, networkPolicy: "required" | "unenforced-accept" = "unenforced-accept"): Promise<KubernetesProvider> {
  if (!serviceAccount) {
    await cluster.kubectl(["apply", "-f", "-"], readFileSync("deploy/kubernetes/lab-rbac.yaml", "utf8"));
    serviceAccount = await cluster.asServiceAccount("kubelab", "kubelab");
  }
  return new KubernetesProvider({ installationId, version: "it", namespace: NAMESPACE, image: cluster.labImage, kubeConfig: serviceAccount, networkPolicy });
}

async function readPod(name: string): Promise<V1Pod | null> {
  try {
    return await cluster.admin().makeApiClient(CoreV1Api).readNamespacedPod({ name, namespace: NAMESPACE });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return null;
    throw error;
  }
}

/** Bytes a shell printed, as text, until `pattern` shows. */
function collect(tty: Tty): { text: () => string } {
  let text = "";
  tty.onData((d) => (text += Buffer.from(d).toString("utf8")));
  return { text: () => text };
}

describe("the kubernetes provider on a real cluster", () => {
  it("answers ping as the ServiceAccount of the documented Role", async () => {
    provider = await asOperator();
    expect(await provider.ping()).toEqual({ ok: true });
    // The same account may not touch another namespace: the Role is the namespace's alone.
    const elsewhere = new KubernetesProvider({ installationId: INSTALLATION, version: "it", namespace: "default", kubeConfig: serviceAccount });
    const refused = await elsewhere.ping();
    expect(refused.ok).toBe(false);
    expect(refused.detail).toMatch(/refuses to list pods in namespace default \(403\)/);
  });

  it("refuses a node lab without a RuntimeClass, saying why and what to set", async () => {
    provider ??= await asOperator();
    expect(provider.profileRefusal("sim")).toBeNull();
    expect(provider.profileRefusal("node")).toEqual({ code: "node-needs-runtime-class", message: expect.stringMatching(/RuntimeClass.*KUBELAB_K8S_NODE_RUNTIME_CLASS/s) });
    const refused = await provider.start({ sandboxId: "k8s-node", profile: "node", ownerId: "u1" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProfileUnavailableError);
    expect(refused).toMatchObject({ code: "node-needs-runtime-class" });
    // Nothing was made for it.
    expect((await provider.list()).map((l) => l.sandboxId)).not.toContain("k8s-node");
  });

  it("offers no labs on a cluster that does not enforce the NetworkPolicy, unless the operator accepts that", async () => {
    const strict = await asOperator("k8snp", "required");
    expect(await strict.ping()).toEqual({ ok: true });
    const first = await strict.start({ sandboxId: "k8s-probe", profile: "sim", ownerId: "learner-0" });
    // The lab boots, then reaches the cluster's API server through its deny-all policy.
    await expect(strict.waitReady(first, 240_000)).rejects.toThrow(/reached the cluster's API server .* does not enforce NetworkPolicy.*KUBELAB_K8S_NETWORK_POLICY=unenforced-accept/s);
    await strict.stop(first);
    const health = await strict.ping();
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/does not enforce NetworkPolicy/);
    await expect(strict.start({ sandboxId: "k8s-probe-2", profile: "sim", ownerId: "learner-0" })).rejects.toThrow(/does not enforce NetworkPolicy/);
    expect(await strict.list()).toEqual([]);
    strict.close();
  });

  it("starts a sim lab as a pod with the labels, limits and narrow securityContext, admitted under baseline", async () => {
    provider ??= await asOperator();
    lab = await provider.start({ sandboxId: "k8s-lab", profile: "sim", ownerId: "learner-1" });
    expect(lab).toMatchObject({ kind: "kubernetes", profile: "sim", version: "it", image: cluster.labImage });
    await provider.waitReady(lab, 240_000);
    expect(await provider.poll(lab)).toBe("running");
    provider.onLabExit((id) => exits.push(id));

    const pod = (await readPod(lab.ref))!;
    expect(pod.status?.phase).toBe("Running");
    expect(pod.metadata?.labels).toMatchObject({
      [LABEL.managed]: "true",
      [LABEL.installation]: INSTALLATION,
      [LABEL.sandbox]: "k8s-lab",
      [LABEL.owner]: "learner-1",
      [LABEL.profile]: "sim",
      [LABEL.version]: "it",
    });
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    // No projected token volume, so nothing of the namespace's service account reaches the lab.
    expect(pod.spec?.volumes?.some((v) => v.projected)).toBe(false);
    const container = pod.spec!.containers[0]!;
    expect(container.securityContext?.capabilities?.drop).toEqual(["ALL"]);
    expect([...(container.securityContext?.capabilities?.add ?? [])].sort()).toEqual([...LAB_CAPABILITIES].sort());
    expect(container.securityContext?.privileged).toBe(false);
    expect(pod.spec?.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    expect(container.resources?.limits).toMatchObject({ memory: String(512 * 1024 * 1024), cpu: "1" });
    expect(container.resources?.requests).toMatchObject({ memory: String(512 * 1024 * 1024) });
    // The namespace enforces baseline (the manifest says so, and the node lab enforces it
    // everywhere): the pod was admitted, so it fits.
    expect(JSON.parse(await cluster.kubectl(["get", "ns", NAMESPACE, "-o", "json"])).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");

    const policy = await cluster.admin().makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: `kubelab-${INSTALLATION}-labs-deny-all`, namespace: NAMESPACE });
    expect(policy.spec?.policyTypes?.sort()).toEqual(["Egress", "Ingress"]);
    expect(policy.spec?.ingress ?? []).toEqual([]);
    expect(policy.spec?.egress ?? []).toEqual([]);
    expect(policy.spec?.podSelector?.matchLabels).toEqual({ [LABEL.managed]: "true", [LABEL.installation]: INSTALLATION });

    // A second start of the same sandbox adopts the pod.
    expect((await provider.start({ sandboxId: "k8s-lab", profile: "sim", ownerId: "learner-1" })).ref).toBe(lab.ref);
  });

  it("runs commands through the exec API as the learner, the grader and root, with exit codes and stdin", async () => {
    const get = await provider!.exec(lab!, ["bash", "-lc", "kubectl get ns -o name"], { timeoutMs: 60_000 });
    expect(get.exitCode).toBe(0);
    expect(get.stdout).toContain("namespace/kube-system");
    expect((await provider!.exec(lab!, ["id", "-un"])).stdout.trim()).toBe("learner");
    expect((await provider!.exec(lab!, ["pwd"])).stdout.trim()).toBe("/home/learner");
    const grader = await provider!.exec(lab!, ["sh", "-c", 'id -un; echo "$KUBECONFIG"'], { user: "grader" });
    expect(grader.stdout.trim().split("\n")).toEqual(["kubelab-grader", "/var/lib/kubelab-grader/kubeconfig"]);
    expect((await provider!.exec(lab!, ["id", "-u"], { user: "root" })).stdout.trim()).toBe("0");
    const failed = await provider!.exec(lab!, ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(failed).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    expect((await provider!.exec(lab!, ["cat"], { stdin: "from stdin" })).stdout).toBe("from stdin");
    // Bounded as on Docker: too much output, or too long, is an error, not a result.
    await expect(provider!.exec(lab!, ["head", "-c", "1000000", "/dev/zero"], { maxOutputBytes: 10_000 })).rejects.toBeInstanceOf(ExecOutputLimitError);
    await expect(provider!.exec(lab!, ["sleep", "30"], { timeoutMs: 1000 })).rejects.toThrow(/timed out after 1000 ms/);
    // The variables given reach the command; the learner's HOME is theirs.
    expect((await provider!.exec(lab!, ["sh", "-c", 'echo "$GREETING $HOME"'], { env: { GREETING: "안녕" } })).stdout).toBe("안녕 /home/learner\n");
    // The writable places have Docker's modes: /tmp keeps its sticky bit.
    expect((await provider!.exec(lab!, ["stat", "-c", "%a %n", "/tmp", "/var/tmp", "/run", "/var/log/kubelab"])).stdout).toBe("1777 /tmp\n1777 /var/tmp\n755 /run\n755 /var/log/kubelab\n");
    // Nothing answers on the pod's address: every listening socket is on loopback (what is
    // left to a lab on a cluster whose network plugin ignores the NetworkPolicy).
    const listening = (await provider!.exec(lab!, ["awk", 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[1] }', "/proc/net/tcp", "/proc/net/tcp6"], { user: "root" })).stdout.trim().split("\n");
    expect(listening.length).toBeGreaterThan(2); // the apiserver, etcd, kwok...
    expect(listening.filter((a) => a !== "0100007F" && a !== "00000000000000000000000001000000")).toEqual([]);
    // No service account token inside, whatever the namespace's default account has.
    expect((await provider!.exec(lab!, ["test", "-e", "/var/run/secrets/kubernetes.io/serviceaccount/token"], { user: "root" })).exitCode).not.toBe(0);
  });

  it("attaches a terminal: a login shell as the learner that takes input, resizes and reports its exit", async () => {
    const tty = await provider!.attach(lab!, { cols: 100, rows: 30 });
    const out = collect(tty);
    const exited = new Promise<number | null>((resolve) => tty.onExit(resolve));
    tty.write("echo who=$(id -un) sum=$((6*7))\n");
    await until("the shell's answer", out.text, (t) => t.includes("who=learner sum=42"), 30_000);
    tty.write("stty size\n");
    await until("the first size", out.text, (t) => t.includes("30 100"), 30_000);
    await tty.resize(120, 40);
    tty.write("stty size\n");
    await until("the new size", out.text, (t) => t.includes("40 120"), 30_000);
    tty.write("exit 5\n");
    expect(await exited).toBe(5);
  });

  it("resets the lab's cluster to its first state", async () => {
    const sh = (c: string) => provider!.exec(lab!, ["bash", "-lc", c], { timeoutMs: 60_000 });
    expect((await sh("kubectl create configmap before-reset --from-literal=a=b")).exitCode).toBe(0);
    await provider!.reset(lab!);
    await provider!.waitReady(lab!, 120_000);
    const after = await sh("kubectl get configmap before-reset");
    expect(after.exitCode).not.toBe(0);
    expect(after.stderr).toMatch(/NotFound|not found/);
  });

  it("is found by its labels from a new provider, as after a server restart, and works through it", async () => {
    const restarted = await asOperator();
    const found = await restarted.list();
    const mine = found.find((l) => l.sandboxId === "k8s-lab");
    expect(mine).toMatchObject({ running: true, state: { kind: "kubernetes", ref: lab!.ref, profile: "sim", version: "it" } });
    expect(await restarted.poll(mine!.state)).toBe("running");
    expect((await restarted.exec(mine!.state, ["hostname"])).stdout.trim()).toBe("minikube");
    restarted.close();
  });

  it("stops the lab: the pod is gone, and the watch reports the exit", async () => {
    expect(exits).toEqual([]);
    await provider!.stop(lab!);
    expect(await readPod(lab!.ref)).toBeNull();
    expect(await provider!.poll(lab!)).toBe("missing");
    expect((await provider!.list()).map((l) => l.sandboxId)).not.toContain("k8s-lab");
    await until("the exit event", () => exits, (e) => e.includes("k8s-lab"), 30_000);
    // Stopping again is not an error (a lab already gone).
    await provider!.stop(lab!);
    provider!.close();
  });
});

describe("the lab manager on the kubernetes provider", () => {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const config: ManagerConfig = { ...TEST_MANAGER_DEFAULTS, poolSize: 1, capacity: 2 };
  const managers: LabManager[] = [];
  let db: PrismaClient;
  let labs: KubernetesProvider;
  let manager: LabManager;
  const people: Record<string, string> = {};
  const isReady = (v: LabView) => v.state === "ready";
  const statusCount = (status: string) => db.sandbox.count({ where: { status } });
  /** The installation's lab pods as the cluster's administrator sees them. */
  const pods = async () =>
    (await cluster.admin().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.installation}=k8sman` })).items;
  const newManager = async () => {
    const m = new LabManager(labs, db, config, log, createLabMetrics());
    managers.push(m);
    await m.init();
    return m;
  };
  const user = async (name: string) => (people[name] = (await db.user.create({ data: {} })).id);

  afterAll(async () => {
    for (const m of managers) await m.close();
    labs?.close();
    await db?.$disconnect();
  });

  it("keeps a warm pool of pods and hands a pooled lab to the first learner at once", async () => {
    ({ db } = freshDatabase());
    labs = await asOperator("k8sman");
    manager = await newManager();
    await until("a pooled lab", () => statusCount("pooled"), (n) => n === 1, 240_000);
    expect((await pods()).map((p) => p.metadata?.labels?.[LABEL.owner])).toEqual(["pool"]);
    const view = await manager.request(await user("alice"));
    expect(view.state).toBe("ready");
    expect((await db.sandbox.findFirstOrThrow({ where: { userId: people.alice } })).provider).toBe("kubernetes");
    await until("the pool to refill", () => statusCount("pooled"), (n) => n === 1, 240_000);
    expect(await pods()).toHaveLength(2);
  });

  it("queues learners beyond capacity", async () => {
    expect((await manager.request(await user("bob"))).state).toBe("ready"); // the refilled pool
    expect(await manager.request(await user("carol"))).toEqual({ state: "queued", position: 1, queueLength: 1 });
    expect(await pods()).toHaveLength(2);
  });

  it("re-adopts its pods and removes an orphan after a server restart", async () => {
    const aliceBefore = await manager.view(people.alice!);
    await manager.close();
    const orphan = await labs.start({ sandboxId: "orphan-lab", profile: "sim", ownerId: null });
    manager = await newManager();
    expect(await manager.view(people.alice!)).toEqual(aliceBefore);
    expect(await labs.poll(orphan)).toBe("missing");
    expect((await pods()).map((p) => p.metadata?.labels?.[LABEL.sandbox])).not.toContain("orphan-lab");
    // Carol queued before the restart and is still in line.
    expect(await manager.view(people.carol!)).toEqual({ state: "queued", position: 1, queueLength: 1 });
  });

  it("culls idle labs, and the queue moves into the room", async () => {
    await manager.cull(Date.now() + config.idleTimeoutMs + 60_000);
    expect(await manager.view(people.alice!)).toMatchObject({ state: "ended", reason: "idle" });
    expect(await manager.view(people.bob!)).toMatchObject({ state: "ended", reason: "idle" });
    await until("carol's lab", () => manager.view(people.carol!), isReady, 240_000);
  });

  it("notices a lab pod deleted from outside", async () => {
    const carolLab = (await manager.view(people.carol!)) as { sandboxId: string };
    const pod = (await pods()).find((p) => p.metadata?.labels?.[LABEL.sandbox] === carolLab.sandboxId)!;
    await cluster.kubectl(["delete", "pod", "-n", NAMESPACE, pod.metadata!.name!, "--wait=false"]);
    const ended = await until("carol's lab to be reported dead", () => manager.view(people.carol!), (v) => v.state === "ended", 60_000);
    expect(ended).toMatchObject({ reason: "died" });
  });
});
