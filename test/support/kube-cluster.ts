// One real Kubernetes cluster per test file (kube-cluster-core.ts says what it is): a node lab
// started by the file's beforeAll and reached through a loopback proxy.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { connectKubeCluster, type KubeClusterAccess } from "./kube-cluster-core";
import { type NodeLab, useNodeLab } from "./node-lab";

export interface KubeCluster extends Omit<KubeClusterAccess, "close"> {
  readonly node: NodeLab;
}

/**
 * One cluster per test file (a node lab start is the dear part). The node lab gets 3 GiB: its
 * own control plane and kubelet, plus a sim lab pod of 512 MiB.
 */
export function useKubeCluster(sandboxId: string): KubeCluster {
  const node = useNodeLab(sandboxId, { memoryBytes: 3 * 1024 * 1024 * 1024 });
  let access: KubeClusterAccess | undefined;
  let failure: unknown;

  // A failed set-up fails every test of the file with its reason (as useNodeLab does).
  beforeAll(async () => {
    if (!node.lab) return; // the node lab's own failure is reported by each test
    try {
      access = await connectKubeCluster(node.lab.ref);
    } catch (error) {
      failure = error;
    }
  }, 300_000);
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await access?.close();
  });

  return {
    node,
    get labImage() {
      return access!.labImage;
    },
    admin: () => access!.admin(),
    asServiceAccount: (namespace, name) => access!.asServiceAccount(namespace, name),
    importImage: (image) => access!.importImage(image),
    kubectl: (args, stdin) => access!.kubectl(args, stdin),
  };
}
