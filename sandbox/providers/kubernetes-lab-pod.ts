/**
 * What a lab is on Kubernetes: the Pod of one lab and the NetworkPolicy that cuts every lab of
 * an installation off the network. The Kubernetes counterpart of docker-lab-options.ts, and
 * built from the same constants (capabilities, tmpfs sizes, limits), so a lab on a cluster is
 * isolated like a lab on Docker wherever Kubernetes can express it. Where it cannot, the
 * comment at the field says what differs.
 */
import type { V1NetworkPolicy, V1Pod, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import {
  LAB_CAPABILITIES, LAB_DEFAULTS, LAB_TMPFS, NODE_LAB_CAPABILITIES, NODE_LAB_DEFAULTS,
} from "./docker-lab-options";
import { LABEL, type LabProfile } from "./types";

/** The one container of a lab pod; exec and attach name it. */
export const LAB_CONTAINER = "lab";

export interface LabPodSpec {
  name: string;
  namespace: string;
  profile: LabProfile;
  image: string;
  labels: Record<string, string>;
  memoryBytes?: number;
  nanoCpus?: number;
  /** Profile node only: the RuntimeClass that contains nested containers (gVisor, Kata, ...). */
  runtimeClassName?: string;
  imagePullSecret?: string;
}

/**
 * Pod names are DNS labels: lowercase letters, digits and dashes, at most 63 (the hostname is
 * set apart, so the name never shows inside the lab).
 */
export function labPodName(installationId: string, sandboxId: string): string {
  return `kubelab-${installationId}-${sandboxId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63).replace(/-+$/, "");
}

/** A label value: at most 63 of letters, digits, `-`, `_`, `.`, starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value === "" || /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value);
}

/** "size=64m" of a Docker tmpfs option string, as a Kubernetes quantity ("64Mi"). */
function tmpfsSize(options: string): string {
  const m = /(?:^|,)size=(\d+)([kmg])(?:,|$)/.exec(options);
  if (!m) throw new Error(`tmpfs options without a size: ${options}`);
  return `${m[1]}${{ k: "Ki", m: "Mi", g: "Gi" }[m[2] as "k" | "m" | "g"]}`;
}

/**
 * The writable places of docker-lab-options.ts's LAB_TMPFS as memory-backed emptyDirs of the
 * same sizes, charged to the pod's memory limit as a tmpfs is to the container's. Kubernetes
 * takes no mount options for them: they arrive without nosuid, nodev or noexec, and mode
 * 0777, which `modes` puts back to Docker's (a /tmp without the sticky bit would let the
 * learner remove or replace files the cluster's own users keep there). The lab's entrypoint
 * hands the home to the learner as on Docker.
 */
function tmpfsVolumes(profile: LabProfile): { volumes: V1Volume[]; mounts: V1VolumeMount[]; modes: string[] } {
  const tmpfs: Record<string, string> = { ...LAB_TMPFS };
  if (profile === "node") tmpfs["/run"] = "rw,nosuid,nodev,exec,size=64m,mode=0755";
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const modes: string[] = [];
  Object.entries(tmpfs).forEach(([mountPath, options], i) => {
    const name = `tmpfs-${i}`;
    volumes.push({ name, emptyDir: { medium: "Memory", sizeLimit: tmpfsSize(options) } });
    mounts.push({ name, mountPath });
    const mode = /(?:^|,)mode=([0-7]{3,4})(?:,|$)/.exec(options)?.[1];
    if (mode) modes.push(`chmod ${mode} ${mountPath}`);
  });
  return { volumes, mounts, modes };
}

export function labPod(spec: LabPodSpec): V1Pod {
  const node = spec.profile === "node";
  const defaults = node ? NODE_LAB_DEFAULTS : LAB_DEFAULTS;
  const memory = spec.memoryBytes ?? defaults.memoryBytes;
  const milliCpus = Math.max(1, Math.round((spec.nanoCpus ?? defaults.nanoCpus) / 1e6));
  const { volumes, mounts, modes } = tmpfsVolumes(spec.profile);
  if (node) {
    // containerd's images and snapshots: overlayfs stacks on a disk-backed emptyDir, not on
    // the container's own overlay (as the anonymous volume on Docker); gone with the pod.
    volumes.push({ name: "containerd", emptyDir: {} });
    mounts.push({ name: "containerd", mountPath: "/var/lib/containerd" });
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      // The node is called minikube in every lesson; `hostname` should agree.
      hostname: "minikube",
      // Nothing of the cluster the lab runs on reaches into it: no token of the namespace's
      // service account (the learner is root-adjacent through sudo), no variables naming the
      // namespace's Services.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      shareProcessNamespace: false,
      // Like Docker's unless-stopped: a crashed lab comes back. Unlike Docker, the container's
      // writable layer (the lab cluster's etcd) does not survive a restart, so a crash resets
      // the cluster; the learner's home, an emptyDir, stays.
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 5,
      ...(spec.runtimeClassName ? { runtimeClassName: spec.runtimeClassName } : {}),
      ...(spec.imagePullSecret ? { imagePullSecrets: [{ name: spec.imagePullSecret }] } : {}),
      securityContext: {
        // The runtime's default seccomp profile, as Docker gives every sim lab. A node lab
        // runs nested containers, which that profile blocks (keyctl); its RuntimeClass is
        // what contains it instead.
        seccompProfile: { type: node ? "Unconfined" : "RuntimeDefault" },
        ...(node ? { sysctls: [{ name: "net.ipv4.ip_forward", value: "1" }] } : {}),
      },
      volumes,
      // Docker's tmpfs modes on the emptyDirs, before the lab starts: root owns them, so the
      // owner's chmod needs no capability at all.
      initContainers: [
        {
          name: "tmpfs-modes",
          image: spec.image,
          command: ["/bin/sh", "-c", modes.join(" && ")],
          resources: { requests: { memory: "16Mi", cpu: "10m" }, limits: { memory: "32Mi", cpu: "100m" } },
          securityContext: { runAsUser: 0, privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          volumeMounts: mounts.filter((m) => modes.some((c) => c.endsWith(` ${m.mountPath}`))),
        },
      ],
      containers: [
        {
          name: LAB_CONTAINER,
          image: spec.image,
          // The image's entrypoint (tini, the home set-up) and command (the cluster supervisor).
          stdin: false,
          tty: false,
          resources: {
            // Memory is asked for in full: the scheduler places a lab only where its limit
            // fits, as the manager's memory budget assumes. CPU is asked for in part (labs sit
            // idle most of the time); the limit caps a busy one. The Burstable class this
            // gives also leaves a lab's OOM score above the node's own processes.
            requests: { memory: String(memory), cpu: `${Math.max(1, Math.round(milliCpus / 4))}m` },
            limits: { memory: String(memory), cpu: `${milliCpus}m` },
          },
          securityContext: {
            // The cluster supervisor and the entrypoint run as root (they drop each component
            // to its own user), so runAsNonRoot cannot hold; root holds only the capabilities
            // below, which are docker-lab-options.ts's, each explained there. All of a sim
            // lab's fit Pod Security `baseline`.
            runAsNonRoot: false,
            privileged: false,
            capabilities: { drop: ["ALL"], add: [...(node ? NODE_LAB_CAPABILITIES : LAB_CAPABILITIES)] },
            // sudo (setuid) must work for the minikube actions, as on Docker (see
            // docker-lab-options.ts on no-new-privileges); the cluster's own processes set
            // no_new_privs themselves.
            allowPrivilegeEscalation: true,
            readOnlyRootFilesystem: false,
            ...(node ? { appArmorProfile: { type: "Unconfined" } } : {}),
          },
          volumeMounts: mounts,
        },
      ],
    },
  };
}

/**
 * Every lab pod of the installation, with no rule: no traffic in, none out (the lab's
 * cluster talks to itself on loopback, which no NetworkPolicy touches). Whether the cluster
 * enforces it is up to its network plugin (Calico, Cilium, ... do; plain bridge and flannel
 * do not); README "Labs on Kubernetes".
 */
export function labNetworkPolicy(namespace: string, installationId: string): V1NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: `kubelab-${installationId}-labs-deny-all`,
      namespace,
      labels: { [LABEL.managed]: "true", [LABEL.installation]: installationId },
    },
    spec: {
      podSelector: { matchLabels: { [LABEL.managed]: "true", [LABEL.installation]: installationId } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    },
  };
}
