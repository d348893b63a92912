// What the lessons make a learner do with workloads, done as the learner in a real lab:
// deployments, scaling, rolling updates and rollbacks, services, multi-document manifests
// and Helm. Every wait is a bounded poll on cluster state, never a timing assertion.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { Lab } from "./lab";
import { useLab } from "./use-lab";

/** The source article's WordPress + MariaDB manifest, as written (test/fixtures/seeds/). */
const SOURCE_WORDPRESS = new URL("../../fixtures/seeds/wordpress-k8s.yml", import.meta.url);

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { image: string }[] };
  status: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { ready: boolean; state?: { waiting?: { reason?: string } } }[];
  };
}

const isReady = (p: Pod) => p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp);
const waitingReason = (p: Pod) => p.status.containerStatuses?.[0]?.state?.waiting?.reason;

const getLab = useLab();
let lab: Lab;
beforeEach(() => {
  lab = getLab();
});

async function pods(selector: string): Promise<Pod[]> {
  return live((await lab.json<{ items: Pod[] }>(`get pods -l ${selector}`)).items);
}

/** Waits until exactly `n` live pods match, all Running and ready, and returns them. */
function runningPods(selector: string, n: number, image?: string): Promise<Pod[]> {
  return lab.waitFor(`${n} Running, ready pods with ${selector}${image ? ` and image ${image}` : ""}`, async () => {
    const ps = await pods(selector);
    const ok =
      ps.length === n &&
      ps.every((p) => p.status.phase === "Running" && isReady(p) && (!image || p.spec.containers[0]?.image === image));
    return ok ? ps : false;
  });
}

async function image(deployment: string): Promise<string> {
  return (await lab.ok(`kubectl get deployment ${deployment} -o jsonpath='{.spec.template.spec.containers[0].image}'`)).trim();
}

async function revisions(deployment: string): Promise<number[]> {
  const out = await lab.ok(`kubectl rollout history deployment/${deployment}`);
  return out
    .split("\n")
    .map((l) => /^(\d+)\s/.exec(l)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(Number);
}


describe("workloads, as the learner", () => {
  it("creates a deployment and scales it to 4 Running pods", async () => {
    await lab.ok("kubectl create deployment web --image=nginx:1.25");
    await runningPods("app=web", 1);
    expect(await lab.ok("kubectl scale deployment web --replicas=4")).toContain("scaled");
    const ps = await runningPods("app=web", 4);
    expect(ps.map((p) => p.spec.containers[0]?.image)).toEqual(Array(4).fill("nginx:1.25"));
    const out = await lab.ok("kubectl get pods -l app=web");
    expect(out.match(/\bRunning\b/g)).toHaveLength(4);
    const deploy = await lab.json<{ status: { readyReplicas?: number } }>("get deployment web");
    expect(deploy.status.readyReplicas).toBe(4);
  });

  it("keeps two revisions after set image, and rollout undo brings the old image back", async () => {
    await lab.ok("kubectl create deployment roll --image=nginx:1.24 --replicas=2");
    await runningPods("app=roll", 2, "nginx:1.24");
    await lab.ok("kubectl set image deployment/roll nginx=nginx:1.25");
    await lab.ok("kubectl rollout status deployment/roll --timeout=120s", { timeoutMs: 150_000 });
    await runningPods("app=roll", 2, "nginx:1.25");
    expect(await revisions("roll")).toEqual([1, 2]);

    expect(await lab.ok("kubectl rollout undo deployment/roll")).toContain("rolled back");
    await lab.ok("kubectl rollout status deployment/roll --timeout=120s", { timeoutMs: 150_000 });
    expect(await image("roll")).toBe("nginx:1.24");
    await runningPods("app=roll", 2, "nginx:1.24");
    // Undo re-applies revision 1 as the newest revision, as on any cluster.
    expect(await revisions("roll")).toEqual([2, 3]);
  });

  it("stalls a rollout to an unknown tag in ImagePullBackOff, keeps the old pods serving, and recovers with undo", async () => {
    await lab.ok("kubectl create deployment stuck --image=nginx:1.25 --replicas=3");
    await runningPods("app=stuck", 3, "nginx:1.25");
    await lab.ok("kubectl set image deployment/stuck nginx=nginx:1.999");

    const bad = await lab.waitFor("a new pod of nginx:1.999 in ImagePullBackOff", async () => {
      const ps = (await pods("app=stuck")).filter((p) => p.spec.containers[0]?.image === "nginx:1.999");
      return ps.length > 0 && ps.every((p) => waitingReason(p) === "ImagePullBackOff") ? ps : false;
    });
    expect(bad.every((p) => !isReady(p))).toBe(true);
    const shown = await lab.ok("kubectl get pods -l app=stuck");
    expect(shown).toContain("ImagePullBackOff");

    // maxUnavailable 25% of 3 rounds down to 0: every old pod must still be up.
    const old = (await pods("app=stuck")).filter((p) => p.spec.containers[0]?.image === "nginx:1.25");
    expect(old).toHaveLength(3);
    expect(old.every((p) => p.status.phase === "Running" && isReady(p))).toBe(true);
    const status = await lab.sh("kubectl rollout status deployment/stuck --timeout=3s");
    expect(status.code).not.toBe(0);

    await lab.ok("kubectl rollout undo deployment/stuck");
    await lab.ok("kubectl rollout status deployment/stuck --timeout=120s", { timeoutMs: 150_000 });
    expect(await image("stuck")).toBe("nginx:1.25");
    await runningPods("app=stuck", 3, "nginx:1.25");
  });

  it("exposes a deployment as a NodePort service with endpoints", async () => {
    await lab.ok("kubectl create deployment hello --image=registry.k8s.io/echoserver:1.4 --replicas=2");
    await runningPods("app=hello", 2);
    expect(await lab.ok("kubectl expose deployment hello --type=NodePort --port=8080")).toContain("exposed");
    const svc = await lab.json<{ spec: { type: string; ports: { nodePort?: number; port: number }[]; clusterIP: string } }>(
      "get service hello",
    );
    expect(svc.spec.type).toBe("NodePort");
    expect(svc.spec.ports[0]?.port).toBe(8080);
    expect(svc.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(svc.spec.ports[0]?.nodePort).toBeLessThanOrEqual(32767);
    expect(svc.spec.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);

    const addresses = await lab.waitFor("2 ready endpoints behind service hello", async () => {
      const slices = await lab.json<{ items: { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[] }>(
        "get endpointslices -l kubernetes.io/service-name=hello",
      );
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      return ready.length === 2 ? ready.flatMap((e) => e.addresses) : false;
    });
    const podIPs = (await pods("app=hello")).map((p) => (p.status as { podIP?: string }).podIP);
    expect([...addresses].sort()).toEqual([...podIPs].sort());
    expect(await lab.ok("kubectl get service hello")).toMatch(/NodePort\s+10\.\S+\s+<none>\s+8080:3\d{4}\/TCP/);
  });

  it("applies a multi-document manifest: WordPress and MariaDB, two deployments and two services", async () => {
    const manifest = readFileSync(SOURCE_WORDPRESS, "utf8");
    await lab.ok("cat > wordpress-k8s.yml", { input: manifest });
    const applied = await lab.ok("kubectl apply -f wordpress-k8s.yml");
    for (const line of [
      "deployment.apps/wordpress-mysql created",
      "service/wordpress-mysql created",
      "deployment.apps/wordpress created",
      "service/wordpress created",
    ]) {
      expect(applied).toContain(line);
    }
    await runningPods("app=wordpress,tier=mysql", 1, "mariadb:10.7");
    await runningPods("app=wordpress,tier=frontend", 1, "wordpress:5.9.1-php8.1-apache");
    const svcs = await lab.json<{ items: { metadata: { name: string }; spec: { type: string } }[] }>("get services -l app=wordpress");
    expect(Object.fromEntries(svcs.items.map((s) => [s.metadata.name, s.spec.type]))).toEqual({
      wordpress: "NodePort",
      "wordpress-mysql": "ClusterIP",
    });
    // Applying the same file again changes nothing, as the lessons promise.
    expect(await lab.ok("kubectl apply -f wordpress-k8s.yml")).not.toContain("created");
    const all = await lab.ok("kubectl get all -l app=wordpress");
    expect(all).toContain("deployment.apps/wordpress-mysql");
    expect(all).toContain("service/wordpress");
  });

  it("installs the chart shipped in the lab with helm", async () => {
    // Its own namespace, so nothing made by the tests above can clash with the release.
    const install = await lab.ok("helm install demo /opt/kubelab/charts/hello -n charts --create-namespace --wait --timeout 120s", {
      timeoutMs: 150_000,
    });
    expect(install).toContain("STATUS: deployed");
    const list = JSON.parse(await lab.ok("helm list -n charts -o json")) as { name: string; status: string; chart: string }[];
    expect(list.find((r) => r.name === "demo")).toMatchObject({ status: "deployed", chart: expect.stringMatching(/^hello-/) });
    const objects = await lab.json<{ items: { kind: string }[] }>("get deployments,services -n charts -l app.kubernetes.io/instance=demo");
    expect(objects.items.map((o) => o.kind).sort()).toEqual(["Deployment", "Service"]);
    await lab.waitFor("the demo release's pods Running and ready", async () => {
      const ps = live((await lab.json<{ items: Pod[] }>("get pods -n charts -l app.kubernetes.io/instance=demo")).items);
      return ps.length > 0 && ps.every((p) => p.status.phase === "Running" && isReady(p));
    });
    expect(await lab.ok("helm status demo -n charts")).toContain("STATUS: deployed");
    expect(await lab.ok("helm uninstall demo -n charts")).toContain("uninstalled");
  });
});
