/**
 * The one place that decides how a lab container is isolated. The docker provider, the
 * integration tests and the benchmarks all create labs from these options, so what the
 * tests prove is what learners get.
 *
 * The returned object is dockerode's ContainerCreateOptions, which is the Engine API"s
 * `POST /containers/create` body plus `name`; it can also be sent to the API as is.
 */
import type { ContainerCreateOptions } from "dockerode";

export const LAB_DEFAULTS = {
  image: "kubelab/lab-sim:latest",
  memoryBytes: 512 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pidsLimit: 512,
} as const;

/** The lab profiles: `sim` (kwok plays the node) and `node` (a real kubelet, containerd and runc). */
export type LabProfile = "sim" | "node";

/**
 * Profile `node` runs pods: more memory (the kubelet, containerd, CoreDNS and the learner's
 * real containers) and more processes. Image built by sandbox/cluster/node/build-image.sh.
 */
export const NODE_LAB_DEFAULTS = {
  image: "kubelab/lab-node:latest",
  memoryBytes: 1536 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pidsLimit: 2048,
} as const;

/**
 * Profile `node`: the narrowest set with which nested runc works on a cgroup v1 Docker host
 * whose root lacks CAP_SYS_RESOURCE (so `--privileged` fails), found by removing one at a time
 * (sandbox/cluster/node/README.md):
 *  - the 14 of a pod's default set: runc cannot give a pod a capability the lab's bounding set
 *    lacks (CHOWN ... AUDIT_WRITE);
 *  - SYS_ADMIN: mounts (cgroups afresh, overlayfs, pod volumes), namespaces, pivot_root;
 *  - NET_ADMIN: the pods' bridge, veths, addresses, kube-proxy's nftables rules;
 *  - SYS_PTRACE: runc opens the new container's /proc/PID/ns/mnt (without it every sandbox
 *    fails "open container mntns: permission denied").
 * Not SYS_RESOURCE, SYS_MODULE, SYS_RAWIO, SYS_TIME, DAC_READ_SEARCH or BPF (cgroup v2 will
 * need BPF for runc's device filter; untested here).
 */
export const NODE_LAB_CAPABILITIES = [
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE",
] as const;

/** The learner account baked into the lab image (sandbox/image/Dockerfile). */
export const LAB_LEARNER = { user: "learner", uid: 1000, gid: 1000, home: "/home/learner" } as const;

/**
 * Capabilities left to the container's root processes: the cluster supervisor
 * (sandbox/cluster/lab/kubelab-cluster, run as root under tini), the image's entrypoint and
 * `sudo` for the few `minikube` actions. Each was checked by starting a lab without it.
 * Every other capability, the network, mount and FOWNER ones included, is gone.
 *  - SETUID, SETGID: the supervisor drops each component to the `kube` user with setpriv
 *    (without them every component exits at once); sudo switches to root for minikube.
 *  - CHOWN: the supervisor hands /var/lib/kubelab and restored etcd data to `kube`; the
 *    entrypoint gives the fresh tmpfs home to the learner.
 *  - DAC_OVERRIDE: root must read and replace files in /var/lib/kubelab, which is `kube`"s
 *    with mode 0700 (without it the supervisor cannot even see the pristine snapshot).
 *  - KILL: the supervisor signals components that run under another uid (without it
 *    `minikube stop` hangs).
 *  - AUDIT_WRITE: sudo sends an audit record on each use and prints a warning to the
 *    learner when it cannot (Docker grants it by default as well).
 */
export const LAB_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "KILL", "SETGID", "SETUID"] as const;

/**
 * Every place the learner can write is a size-capped tmpfs, charged to the container's
 * memory limit. The rest of the file system belongs to root or `kube`, so a learner who
 * fills the disk only fills their own lab's memory, never the host's disk.
 * The image's entrypoint re-populates the empty home from a copy made at build time.
 */
export const LAB_TMPFS: Record<string, string> = {
  "/tmp": "rw,nosuid,nodev,size=64m,mode=1777",
  "/var/tmp": "rw,nosuid,nodev,size=16m,mode=1777",
  "/run": "rw,nosuid,nodev,size=16m,mode=0755",
  [LAB_LEARNER.home]: `rw,nosuid,nodev,size=64m,uid=${LAB_LEARNER.uid},gid=${LAB_LEARNER.gid}`,
  // The cluster components' logs (the supervisor appends to one file per component, and a
  // learner can make the apiserver log a line per request): capped here, inside the lab's
  // memory, instead of growing on the host's disk for as long as the lab lives. The image
  // leaves the directory empty, so the mount hides nothing.
  "/var/log/kubelab": "rw,nosuid,nodev,noexec,size=32m,mode=0755",
};

/**
 * Above every process on the host (the server 0, dockerd -500): when the host itself runs out
 * of memory, the kernel's OOM killer takes a lab process first, never the server or dockerd.
 * A lab's root has no CAP_SYS_RESOURCE, so nothing inside can lower it.
 */
export const LAB_OOM_SCORE_ADJ = 1000;

/**
 * Docker's own log of the container (what the supervisor prints): one file of at most 1 MiB
 * on the host, rotated by Docker, whatever a lab prints.
 */
export const LAB_LOG_CONFIG = { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } } as const;

export interface LabContainerSpec {
  /** Container name; must be unique on the engine. */
  name: string;
  /** sim (default) or node; node adds what nested containers need (see NODE_LAB_CAPABILITIES). */
  profile?: LabProfile;
  /** Image reference; defaults to kubelab/lab-sim:latest. */
  image?: string;
  /** Labels for reconcile, cull and list (owner, sandbox id, profile, version). */
  labels?: Record<string, string>;
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /** Extra environment, e.g. LANG=ko_KR.UTF-8 for a Korean learner. */
  env?: Record<string, string>;
}

export function labContainerOptions(spec: LabContainerSpec): ContainerCreateOptions {
  const node = spec.profile === "node";
  const defaults = node ? NODE_LAB_DEFAULTS : LAB_DEFAULTS;
  const memory = spec.memoryBytes ?? defaults.memoryBytes;
  const options: ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image ?? defaults.image,
    // The node is called minikube in every lesson; `hostname` should agree.
    Hostname: "minikube",
    Labels: { ...(spec.labels ?? {}) },
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    // The image's entrypoint (tini, then the home set-up) and CMD (the cluster supervisor)
    // are used as they are.
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      // No interface but loopback: the cluster inside listens on 127.0.0.1, and nothing in a
      // lab may reach the host, other labs or the internet.
      NetworkMode: "none",
      Memory: memory,
      // Equal to Memory: no swap on top of the limit, so a lab cannot thrash the host.
      MemorySwap: memory,
      NanoCpus: spec.nanoCpus ?? defaults.nanoCpus,
      PidsLimit: spec.pidsLimit ?? defaults.pidsLimit,
      CapDrop: ["ALL"],
      CapAdd: [...LAB_CAPABILITIES],
      // no-new-privileges is deliberately NOT set. `minikube stop|start|delete` must reach
      // the root supervisor through its root-only control FIFO, and the lab runtime does
      // that with a sudoers rule for exactly those commands; sudo is setuid, and setuid has
      // no effect under no-new-privileges. What keeps this safe: the capability bounding
      // set above is all that root (and so sudo) can ever hold, the sudoers rule allows
      // only fixed command lines, the learner's shell itself runs without capabilities,
      // Docker's default seccomp profile stays on, and there is no network, host mount or
      // Docker socket to escalate towards. The cluster's own processes still run with
      // no_new_privs, set per process by the supervisor.
      SecurityOpt: [],
      // The cluster's state (etcd, whose WAL preallocates 64 MiB) lives on the container's
      // writable layer, on disk, instead of a tmpfs that would count 64 MiB or more
      // against every lab's memory; only root and `kube` can write there, and etcd has a
      // quota. The learner's writable places are the tmpfs mounts below.
      ReadonlyRootfs: false,
      Tmpfs: { ...LAB_TMPFS },
      ShmSize: 16 * 1024 * 1024,
      // tini is PID 1 in the image already; Docker's init would be a second one.
      Init: false,
      Privileged: false,
      // Nothing from the host: no binds, no volumes, no devices, no Docker socket.
      Binds: [],
      Mounts: [],
      Devices: [],
      PublishAllPorts: false,
      IpcMode: "private",
      // A lab whose main process crashes, or that a dockerd without live-restore stopped on
      // its way down, is started again by the engine with its cluster (etcd lives on the
      // writable layer); the manager ends it only when it stays down (manager.ts). A lab that
      // kubelab or an operator stops (`docker stop`, `docker kill`) stays stopped.
      RestartPolicy: { Name: "unless-stopped" },
      OomScoreAdj: LAB_OOM_SCORE_ADJ,
      LogConfig: { ...LAB_LOG_CONFIG, Config: { ...LAB_LOG_CONFIG.Config } },
    },
  };
  if (node) Object.assign(options.HostConfig!, nodeHostConfig());
  return options;
}

/**
 * What profile `node` changes in HostConfig, and why (each was checked by removing it,
 * sandbox/cluster/node/README.md). These make the lab container's root able to reach the
 * host's kernel in ways a `sim` lab's cannot; see README.md "Profile node: threat model" for
 * what keeps the learner from becoming that root, and KUBELAB_NODE_LABS for the opt-in.
 */
// A plain record: @types/dockerode lacks CgroupnsMode (Engine API 1.41+), which is sent as is.
function nodeHostConfig(): Record<string, unknown> {
  return {
    CapAdd: [...NODE_LAB_CAPABILITIES],
    // Docker's default profile blocks keyctl (runc's session keyring: every sandbox fails);
    // docker-default AppArmor denies mount (a no-op on hosts without AppArmor).
    SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
    // Required: with the host's cgroup namespace the fresh cgroup mounts would be the HOST's
    // root hierarchies (the kubelet made /kubepods outside the lab's limits in a trial).
    CgroupnsMode: "private",
    // Routed pod -> Service -> pod traffic; per network namespace, the host is unaffected.
    Sysctls: { "net.ipv4.ip_forward": "1" },
    // containerd's state and runc's bundles live in /run and must be executable.
    Tmpfs: { ...LAB_TMPFS, "/run": "rw,nosuid,nodev,exec,size=64m,mode=0755" },
    // containerd's images and snapshots: overlayfs cannot stack on Docker's overlay2 upper
    // dir, but mounts on a volume. Anonymous, so removing the lab (docker rm -v) removes it.
    Mounts: [{ Type: "volume", Target: "/var/lib/containerd" }],
  };
}
