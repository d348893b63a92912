// A real Kubernetes cluster for the kubernetes provider's tests: a `node`-profile lab (its own
// apiserver, kubelet, containerd and runc, from the binaries the project builds) started by
// the Docker provider, with the sim lab image imported into its containerd. The lab has no
// network, so its apiserver is reached from the host through a proxy on 127.0.0.1 whose every
// connection is `socat` inside the lab (docker exec) to the apiserver on the lab's loopback:
// traffic stays on loopback and in the lab's own network namespace.
import { execFile, spawn } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { LAB_IMAGE, requireDockerAndImage } from "./docker";
import { type NodeLab, useNodeLab } from "./node-lab";

const run = promisify(execFile);
const ADMIN_KUBECONFIG = "/var/lib/kubelab/kubeconfig/admin.conf";
const APISERVER = "127.0.0.1:8443";

export interface KubeCluster {
  readonly node: NodeLab;
  /**
   * The sim lab image as the cluster knows it: under a tag of its content, never `latest`. For
   * `latest` the kubelet pulls at every start (imagePullPolicy Always), and no registry here
   * holds the image, as an operator's would (README: push the image by its hash tag).
   */
  readonly labImage: string;
  /** The cluster's administrator, through the loopback proxy. */
  admin(): KubeConfig;
  /** A ServiceAccount's bearer token as a kubeconfig, through the same proxy. */
  asServiceAccount(namespace: string, name: string): Promise<KubeConfig>;
  /** A Docker image of this host into the cluster's containerd, as its nodes would have pulled it. */
  importImage(image: string): Promise<void>;
  /** kubectl as the cluster's administrator, inside the node lab; fails with its output unless it exits 0. */
  kubectl(args: string[], stdin?: string): Promise<string>;
}

/**
 * One cluster per test file (a node lab start is the dear part). The node lab gets 3 GiB: its
 * own control plane and kubelet, plus a sim lab pod of 512 MiB.
 */
export function useKubeCluster(sandboxId: string): KubeCluster {
  const node = useNodeLab(sandboxId, { memoryBytes: 3 * 1024 * 1024 * 1024 });
  let proxy: net.Server | undefined;
  let server = "";
  let adminConfig: { ca: string; cert: string; key: string } | undefined;
  const children = new Set<ReturnType<typeof spawn>>();
  let failure: unknown;
  let labImage = "";

  // A failed set-up fails every test of the file with its reason (as useNodeLab does).
  beforeAll(async () => {
    if (!node.lab) return; // the node lab's own failure is reported by each test
    try {
      await setUp(node.lab.ref);
    } catch (error) {
      failure = error;
    }
  }, 300_000);
  beforeEach(() => {
    if (failure) throw failure;
  });

  async function setUp(container: string): Promise<void> {
    await requireDockerAndImage(); // fails with the command that builds the sim image
    // The sim lab image, as the cluster's runtime would have pulled it from a registry.
    const id = (await run("docker", ["image", "inspect", "-f", "{{.Id}}", LAB_IMAGE])).stdout.trim().replace(/^sha256:/, "");
    labImage = `kubelab/lab-sim:id-${id.slice(0, 16)}`;
    await run("docker", ["tag", LAB_IMAGE, labImage]);
    try {
      await importImage(container, labImage);
    } finally {
      // Only the tag goes; the image keeps its other names.
      await run("docker", ["rmi", labImage]).catch(() => undefined);
    }
    proxy = net.createServer((socket) => {
      const child = spawn("docker", ["exec", "-i", container, "socat", "-", `TCP:${APISERVER}`], { stdio: ["pipe", "pipe", "ignore"] });
      children.add(child);
      socket.pipe(child.stdin!);
      child.stdout!.pipe(socket);
      const end = () => {
        socket.destroy();
        if (child.exitCode === null) child.kill();
      };
      socket.on("error", end);
      socket.on("close", end);
      child.stdin!.on("error", end);
      child.on("exit", () => (children.delete(child), socket.destroy()));
    });
    await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
    server = `https://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const view = JSON.parse(
      (await run("docker", ["exec", container, "kubectl", "--kubeconfig", ADMIN_KUBECONFIG, "config", "view", "--raw", "--flatten", "-o", "json"])).stdout,
    ) as { clusters: Array<{ cluster: { "certificate-authority-data": string } }>; users: Array<{ user: { "client-certificate-data": string; "client-key-data": string } }> };
    adminConfig = {
      ca: view.clusters[0]!.cluster["certificate-authority-data"],
      cert: view.users[0]!.user["client-certificate-data"],
      key: view.users[0]!.user["client-key-data"],
    };
  }

  afterAll(async () => {
    for (const child of children) child.kill();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  });

  const kubeConfig = (user: Record<string, string>): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "lab", server, caData: adminConfig!.ca }],
      users: [{ name: "user", ...user }],
      contexts: [{ name: "lab", cluster: "lab", user: "user" }],
      currentContext: "lab",
    });
    return kc;
  };

  const cluster: KubeCluster = {
    node,
    get labImage() {
      return labImage;
    },
    admin: () => kubeConfig({ certData: adminConfig!.cert, keyData: adminConfig!.key }),
    importImage: (image) => importImage(node.lab.ref, image),
    async asServiceAccount(namespace, name) {
      const token = (await cluster.kubectl(["create", "token", name, "-n", namespace, "--duration=2h"])).trim();
      return kubeConfig({ token });
    },
    async kubectl(args, stdin) {
      const child = spawn("docker", ["exec", "-i", node.lab.ref, "kubectl", "--kubeconfig", ADMIN_KUBECONFIG, ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
      child.stdin.end(stdin ?? "");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      if (code !== 0) throw new Error(`kubectl ${args.join(" ")} exited with ${code}:\n${out}${err}`);
      return out;
    },
  };
  return cluster;
}

/** `docker save` piped into the node lab's `ctr import`, in the namespace the kubelet uses. */
async function importImage(container: string, image: string): Promise<void> {
  await run("bash", ["-o", "pipefail", "-c", `docker save "$0" | docker exec -i "$1" ctr -n k8s.io images import -`, image, container], {
    maxBuffer: 16 * 1024 * 1024,
  });
}
