// The deployment kit on a real cluster: the server's own image (deploy/image/build.sh, built
// from the site `npm run build` made) and the Helm chart (deploy/helm/kubelab), installed by
// the lab's own helm into a node lab (real apiserver, kubelet, containerd; Pod Security
// baseline on every namespace). The server then serves the lesson page through its Service,
// reaches the API with the chart's ServiceAccount and Role, and runs as nobody with a
// read-only root. Traffic stays inside the lab: curl from the node to the Service's address.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { useKubeCluster } from "../../support/kube-cluster";

const run = promisify(execFile);
const cluster = useKubeCluster("k8s-helm");
const CHART = "/tmp/kubelab-chart";
const RELEASE = "kubelab";
const NAMESPACE = "kubelab";
const ADMIN_KUBECONFIG = "/var/lib/kubelab/kubeconfig/admin.conf";
let serverImage = "";
let failure: unknown;

/** A command in the node lab as its root; fails with its output unless it exits 0. */
async function inLab(args: string[]): Promise<string> {
  try {
    return (await run("docker", ["exec", cluster.node.lab.ref, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${args.join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

function helm(args: string[]): Promise<string> {
  return inLab(["helm", "--kubeconfig", ADMIN_KUBECONFIG, ...args]);
}

/** The install's values: one replica on SQLite (a PostgreSQL for two is another test's). */
function values(extra: string[] = []): string[] {
  const [repository, tag] = serverImage.split(":");
  return [
    "--set", `image.repository=${repository}`, "--set", `image.tag=${tag}`,
    "--set", `labs.image=${cluster.labImage}`, "--set", "replicaCount=1",
    "--set", "labs.poolSize=0", "--set", "labs.capacity=2",
    // The node lab's network plugin (bridge) ignores NetworkPolicy; the operator says so.
    "--set", "labs.networkPolicy=unenforced-accept",
    ...extra,
  ];
}

/** GET from the node to the Service's cluster address, as the cluster's own traffic would. */
async function viaService(path: string): Promise<{ status: number; body: string }> {
  const ip = (await cluster.kubectl(["-n", NAMESPACE, "get", "service", RELEASE, "-o", "jsonpath={.spec.clusterIP}"])).trim();
  const out = await inLab(["curl", "-s", "--max-time", "20", "-w", "\n%{http_code}", `http://${ip}${path}`]);
  const cut = out.lastIndexOf("\n");
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

beforeAll(async () => {
  try {
    // The image of the site this run built; the set-up's base image; no network.
    const built = await run("bash", ["deploy/image/build.sh"], { maxBuffer: 16 * 1024 * 1024 });
    serverImage = built.stdout.trim().split("\n").pop()!;
    // As the cluster's nodes would have pulled it from the operator's registry.
    await cluster.importImage(serverImage);
    // Through tar, not docker cp: the lab's /tmp is a tmpfs, which docker cp writes beneath.
    await run("bash", ["-o", "pipefail", "-c", `tar -C deploy/helm/kubelab -c . | docker exec -i "$0" sh -c 'mkdir -p "$0" && tar -C "$0" -x' "$1"`, cluster.node.lab.ref, CHART]);
  } catch (error) {
    failure = error;
  }
}, 600_000);

describe("the Helm chart on a real cluster", () => {
  it("refuses at install what cannot work, saying why", async () => {
    if (failure) throw failure;
    // Two replicas on one SQLite file would corrupt it.
    await expect(helm(["template", RELEASE, CHART, ...values(["--set", "replicaCount=2"])])).rejects.toThrow(/replicaCount > 1 needs PostgreSQL/);
    // A database URL that is not PostgreSQL.
    await expect(helm(["template", RELEASE, CHART, ...values(["--set", "database.url=mysql://x@db/kubelab"])])).rejects.toThrow(/must be a postgresql:\/\/ URL/);
    // No server image tag, no lab image: a moving tag is pulled at every start.
    await expect(helm(["template", RELEASE, CHART, "--set", `labs.image=${cluster.labImage}`])).rejects.toThrow(/image\.tag is required/);
    await expect(helm(["template", RELEASE, CHART, "--set", "image.tag=x"])).rejects.toThrow(/labs\.image is required/);
    // Two replicas with PostgreSQL are fine, and roll one at a time.
    const two = await helm(["template", RELEASE, CHART, ...values(["--set", "replicaCount=2", "--set", "database.url=postgresql://k:p@db:5432/kubelab"])]);
    const deployment = parseAllDocuments(two).map((d) => d.toJSON()).find((d) => d?.kind === "Deployment");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe("RollingUpdate");
  });

  it("grants the server in the labs' namespace what deploy/kubernetes/lab-rbac.yaml grants, and nothing cluster-wide", async () => {
    if (failure) throw failure;
    const rendered = parseAllDocuments(await helm(["template", RELEASE, CHART, ...values()])).map((d) => d.toJSON());
    const manifest = parseAllDocuments(readFileSync("deploy/kubernetes/lab-rbac.yaml", "utf8")).map((d) => d.toJSON());
    const roleOf = (docs: Array<{ kind?: string; rules?: unknown }>) => docs.find((d) => d?.kind === "Role")?.rules;
    expect(roleOf(rendered)).toEqual(roleOf(manifest));
    expect(rendered.filter((d) => d?.kind === "ClusterRole" || d?.kind === "ClusterRoleBinding")).toEqual([]);
  });

  it("installs, and its Service serves the lesson page in Korean and in English", async () => {
    if (failure) throw failure;
    try {
      await helm(["install", RELEASE, CHART, "-n", NAMESPACE, "--create-namespace", ...values(), "--wait", "--timeout", "5m"]);
    } catch (error) {
      // What the pod went through says more than helm's "context deadline exceeded".
      const why = await cluster.kubectl(["-n", NAMESPACE, "describe", "pods"]).catch((e: Error) => e.message);
      throw new Error(`${(error as Error).message}\n${why}`);
    }
    const ko = await viaService("/ko/lessons/04-pods");
    expect(ko.status).toBe(200);
    expect(ko.body).toMatch(/<title>파드[^<]*· kubelab<\/title>/);
    const en = await viaService("/en/lessons/04-pods");
    expect(en.status).toBe(200);
    expect(en.body).toMatch(/<title>Pods[^<]*· kubelab<\/title>/);
  }, 420_000);

  it("reaches the cluster's API with the chart's ServiceAccount and Role: health says the database and the lab engine are ok", async () => {
    if (failure) throw failure;
    const health = await viaService("/api/health");
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body) as { ok: boolean; database: { ok: boolean }; provider: { ok: boolean } };
    expect(body).toMatchObject({ ok: true, database: { ok: true }, provider: { ok: true } });
    // The server made its labs' deny-all policy with those rights; the chart's own covers the namespace.
    const policies = (await cluster.kubectl(["-n", "kubelab-labs", "get", "networkpolicies", "-o", "jsonpath={.items[*].metadata.name}"])).split(/\s+/);
    expect(policies).toContain("kubelab-labs-deny-all");
    expect(policies.some((p) => /^kubelab-[0-9a-f]{12}-labs-deny-all$/.test(p))).toBe(true);
    // ...and the labs' namespace enforces Pod Security baseline.
    expect((await cluster.kubectl(["get", "namespace", "kubelab-labs", "-o", "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}"])).trim()).toBe("baseline");
  });

  it("runs the server as its own account, not root, with nothing writable but its volumes", async () => {
    if (failure) throw failure;
    const pod = (await cluster.kubectl(["-n", NAMESPACE, "get", "pods", "-l", `app.kubernetes.io/instance=${RELEASE}`, "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    const exec = (command: string) => cluster.kubectl(["-n", NAMESPACE, "exec", pod, "--", "sh", "-c", command]);
    expect((await exec("id -u; id -g")).trim().split("\n")).toEqual(["10001", "10001"]);
    // The root is mounted read-only (the account could write nowhere on it anyway).
    expect((await exec("awk '$2 == \"/\" { print $4 }' /proc/mounts")).trim()).toMatch(/^ro,/);
    await expect(exec("touch /opt/kubelab/server.ts")).rejects.toThrow(/Read-only file system|Permission denied/);
    // SQLite's file on the chart's volume, and the first administrator's password beside it, for its owner only.
    expect((await exec("stat -c '%a %U' /opt/kubelab/data/kubelab.db /opt/kubelab/data/first-admin-password.txt")).trim().split("\n")).toEqual([
      expect.stringMatching(/^6[0-4][0-4] kubelab$/),
      "600 kubelab",
    ]);
    expect((await cluster.kubectl(["-n", NAMESPACE, "get", "pvc", `${RELEASE}-data`, "-o", "jsonpath={.status.phase}"])).trim()).toBe("Bound");
  });

  it("keeps the signing secret across an upgrade, so signed-in learners stay signed in", async () => {
    if (failure) throw failure;
    const secretOf = async () => (await cluster.kubectl(["-n", NAMESPACE, "get", "secret", RELEASE, "-o", "jsonpath={.data.KUBELAB_SECRET}"])).trim();
    const before = await secretOf();
    expect(Buffer.from(before, "base64").toString("utf8")).toHaveLength(48);
    await helm(["upgrade", RELEASE, CHART, "-n", NAMESPACE, ...values(["--set", "labs.capacity=3"])]);
    expect(await secretOf()).toBe(before);
  });
});
