// Lab-ready and Check figures on KUBELAB_PROVIDER=kubernetes, beside the Docker provider's:
// a real cluster (a node lab of this host: its own apiserver, kubelet, containerd and runc,
// test/support/kube-cluster-core.ts) runs the sim labs as pods, and the lab manager, the
// provider and the grader work as the server runs them, as the ServiceAccount of
// deploy/kubernetes/lab-rbac.yaml. The cluster is one node on the same two cores, so read the
// figures as the provider's own cost (API round trips, pod start, exec through the API), not
// as a production cluster's.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { gradeTarget } from "@/sandbox/grader/engine";
import { DockerProvider } from "@/sandbox/providers/docker";
import { NODE_LAB_DEFAULTS } from "@/sandbox/providers/docker-lab-options";
import { KubernetesProvider } from "@/sandbox/providers/kubernetes";
import type { KubeConfig } from "@kubernetes/client-node";
import { connectKubeCluster } from "../support/kube-cluster-core";
import { freshDatabase } from "../support/database";
import { requireDockerAndImage } from "../support/docker";
import { checkRoundTripOn } from "./grader.bench-lib";
import { type EnvFactory, labReadyCold, labReadyWarm, type Samples, withCleanup } from "./labs.bench-lib";

const NODE_LAB_IMAGE = process.env.KUBELAB_NODE_LAB_IMAGE ?? NODE_LAB_DEFAULTS.image;
const NAMESPACE = "kubelab-labs"; // deploy/kubernetes/lab-rbac.yaml's

export interface KubernetesFigures {
  cold: Samples;
  warm: Samples;
  check: Samples;
  /** The harness's own cost: a new connection to the API server through the proxy. */
  connect: Samples;
}

/**
 * GET /readyz on a new connection each time (no keep-alive), as each exec's WebSocket opens
 * one: what the loopback proxy (a `docker exec socat` per connection) adds to every exec here,
 * and a cluster reached directly would not.
 */
async function newConnectionRoundTrips(kc: KubeConfig, n: number): Promise<number[]> {
  const server = new URL(kc.getCurrentCluster()!.server);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const options: https.RequestOptions = { hostname: server.hostname, port: server.port, path: "/readyz", method: "GET", agent: false };
    await kc.applyToHTTPSOptions(options);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = https.request(options, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`/readyz answered ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end();
    });
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function kubernetesLabs({ cold = 3, warm = 5, checks = 20 } = {}): Promise<KubernetesFigures> {
  return withCleanup(async (defer) => {
    await requireDockerAndImage();
    // The cluster: one node lab with room for its control plane and two or three lab pods.
    const host = new DockerProvider({ installationId: `benchk8s${randomBytes(4).toString("hex")}`, version: "bench", node: { enabled: true, image: NODE_LAB_IMAGE, memoryBytes: 3 * 1024 ** 3 } });
    defer(() => host.close());
    const node = await host.start({ sandboxId: "bench-k8s-cluster", profile: "node", ownerId: null });
    defer(() => host.stop(node));
    await host.waitReady(node, 180_000);
    const cluster = await connectKubeCluster(node.ref);
    defer(() => cluster.close());
    await cluster.kubectl(["apply", "-f", "-"], readFileSync("deploy/kubernetes/lab-rbac.yaml", "utf8"));
    const serviceAccount = await cluster.asServiceAccount("kubelab", "kubelab");

    const providerName = "KubernetesProvider (sim lab pods on a one-node cluster in a node lab, as the documented Role)";
    // The node lab's bridge plugin ignores NetworkPolicy: accepted explicitly, as the operator would have to.
    const kubernetes = (installationId: string) =>
      new KubernetesProvider({ installationId, version: "bench", namespace: NAMESPACE, image: cluster.labImage, kubeConfig: serviceAccount, networkPolicy: "unenforced-accept" });
    const env: EnvFactory = async (deferEnv) => {
      const { db, file } = freshDatabase();
      deferEnv(() => rmSync(path.dirname(file), { recursive: true, force: true }));
      deferEnv(() => db.$disconnect());
      const provider = kubernetes(`bench${randomBytes(4).toString("hex")}`);
      // Whatever the measurement leaves (a pooled pod) goes with it; the cluster goes after.
      deferEnv(async () => {
        for (const lab of await provider.list()) await provider.stop(lab.state).catch(() => undefined);
      });
      deferEnv(() => provider.close());
      return { db, provider, version: "bench", providerName };
    };

    const coldSamples = await labReadyCold(cold, { env });
    const warmSamples = await labReadyWarm(warm, { env, poolSize: 1 });

    const provider = kubernetes(`benchck${randomBytes(4).toString("hex")}`);
    defer(() => provider.close());
    const lab = await provider.start({ sandboxId: "bench-k8s-check", profile: "sim", ownerId: null });
    defer(() => provider.stop(lab));
    await provider.waitReady(lab, 240_000);
    const check = await checkRoundTripOn(gradeTarget(provider, lab), checks);
    const connect = await newConnectionRoundTrips(serviceAccount, 20);
    return {
      connect: { samples: connect, note: "GET /readyz on a new TLS connection each time through the test's loopback proxy (a `docker exec socat` per connection into the node lab): part of every exec above, absent on a cluster reached directly" },
      cold: coldSamples,
      warm: warmSamples,
      check: { samples: check.samples, note: `gradeExercise → results document through the Kubernetes API's exec (WebSocket, via a loopback proxy into the node lab), ${check.note}` },
    };
  });
}
