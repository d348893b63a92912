// A real Kubernetes cluster for the kubernetes provider: a running `node`-profile lab (its own
// apiserver, kubelet, containerd and runc, from the binaries the project builds) with the sim
// lab image imported into its containerd. The lab has no network, so its apiserver is reached
// from the host through a proxy on 127.0.0.1 whose every connection is `socat` inside the lab
// (docker exec) to the apiserver on the lab's loopback: traffic stays on loopback and in the
// lab's own network namespace. No Vitest here: the tests (kube-cluster.ts) and the benchmark
// (test/bench/kubernetes.bench-lib.ts) both start it.
import { execFile, spawn } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { LAB_IMAGE, requireDockerAndImage } from "./docker";

const run = promisify(execFile);
const ADMIN_KUBECONFIG = "/var/lib/kubelab/kubeconfig/admin.conf";
const APISERVER = "127.0.0.1:8443";

export interface KubeClusterAccess {
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
  /** Stops the proxy and its socat children (the node lab itself belongs to whoever started it). */
  close(): Promise<void>;
}

/** Makes the running node lab `container` a cluster the host can reach. */
export async function connectKubeCluster(container: string): Promise<KubeClusterAccess> {
  await requireDockerAndImage(); // fails with the command that builds the sim image
  // The sim lab image, as the cluster's runtime would have pulled it from a registry.
  const id = (await run("docker", ["image", "inspect", "-f", "{{.Id}}", LAB_IMAGE])).stdout.trim().replace(/^sha256:/, "");
  const labImage = `kubelab/lab-sim:id-${id.slice(0, 16)}`;
  await run("docker", ["tag", LAB_IMAGE, labImage]);
  try {
    await importImage(container, labImage);
  } finally {
    // Only the tag goes; the image keeps its other names.
    await run("docker", ["rmi", labImage]).catch(() => undefined);
  }
  const children = new Set<ReturnType<typeof spawn>>();
  const proxy = net.createServer((socket) => {
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
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const server = `https://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  const view = JSON.parse(
    (await run("docker", ["exec", container, "kubectl", "--kubeconfig", ADMIN_KUBECONFIG, "config", "view", "--raw", "--flatten", "-o", "json"])).stdout,
  ) as { clusters: Array<{ cluster: { "certificate-authority-data": string } }>; users: Array<{ user: { "client-certificate-data": string; "client-key-data": string } }> };
  const ca = view.clusters[0]!.cluster["certificate-authority-data"];

  const kubeConfig = (user: Record<string, string>): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "lab", server, caData: ca }],
      users: [{ name: "user", ...user }],
      contexts: [{ name: "lab", cluster: "lab", user: "user" }],
      currentContext: "lab",
    });
    return kc;
  };

  const access: KubeClusterAccess = {
    labImage,
    admin: () => kubeConfig({ certData: view.users[0]!.user["client-certificate-data"], keyData: view.users[0]!.user["client-key-data"] }),
    importImage: (image) => importImage(container, image),
    async asServiceAccount(namespace, name) {
      const token = (await access.kubectl(["create", "token", name, "-n", namespace, "--duration=2h"])).trim();
      return kubeConfig({ token });
    },
    async kubectl(args, stdin) {
      const child = spawn("docker", ["exec", "-i", container, "kubectl", "--kubeconfig", ADMIN_KUBECONFIG, ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
      child.stdin.end(stdin ?? "");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      if (code !== 0) throw new Error(`kubectl ${args.join(" ")} exited with ${code}:\n${out}${err}`);
      return out;
    },
    async close() {
      for (const child of children) child.kill();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
  return access;
}

/** `docker save` piped into the node lab's `ctr import`, in the namespace the kubelet uses. */
async function importImage(container: string, image: string): Promise<void> {
  await run("bash", ["-o", "pipefail", "-c", `docker save "$0" | docker exec -i "$1" ctr -n k8s.io images import -`, image, container], {
    maxBuffer: 16 * 1024 * 1024,
  });
}
