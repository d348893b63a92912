// The cluster picture drawn from built API objects (shaped as the apiserver returns them),
// its diffs, and the frames' schema.
import { describe, expect, it } from "vitest";
import { buildPicture } from "@/sandbox/picture/build";
import { applyPictureDiff, diffPicture, isEmptyDiff } from "@/sandbox/picture/diff";
import { clusterPictureSchema, encodePictureFrame, pictureFrameSchema } from "@/sandbox/picture/schema";

const ns = (name: string, phase = "Active") => ({ kind: "Namespace", metadata: { name, uid: `ns-${name}` }, status: { phase } });

const deployment = (name: string, replicas: number, ready: number, namespace = "default") => ({
  kind: "Deployment",
  metadata: { name, namespace, uid: `d-${namespace}-${name}` },
  spec: { replicas },
  status: { readyReplicas: ready, updatedReplicas: ready },
});

const replicaSet = (name: string, owner: string | null, revision: number, replicas: number, ready: number, namespace = "default") => ({
  kind: "ReplicaSet",
  metadata: {
    name,
    namespace,
    uid: `rs-${namespace}-${name}`,
    annotations: { "deployment.kubernetes.io/revision": String(revision) },
    ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: owner, uid: `d-${namespace}-${owner}`, controller: true }] } : {}),
  },
  spec: { replicas },
  status: { replicas, readyReplicas: ready },
});

const pod = (name: string, owner: string | null, opts: { phase?: string; ready?: boolean; restarts?: number[]; deleting?: boolean; namespace?: string } = {}) => {
  const namespace = opts.namespace ?? "default";
  return {
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: `p-${name}`,
      ...(opts.deleting ? { deletionTimestamp: "2026-12-05T02:00:00Z" } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: `rs-${namespace}-${owner}`, controller: true }] } : {}),
    },
    status: {
      phase: opts.phase ?? "Running",
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
      containerStatuses: (opts.restarts ?? [0]).map((n, i) => ({ name: `c${i}`, restartCount: n })),
    },
  };
};

const service = (name: string, namespace = "default") => ({
  kind: "Service",
  metadata: { name, namespace, uid: `s-${name}` },
  spec: { type: "NodePort", clusterIP: "10.96.0.10", ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }] },
});

const slice = (service: string, endpoints: { ip: string; ready?: boolean | null; pod?: string }[], namespace = "default") => ({
  kind: "EndpointSlice",
  metadata: { name: `${service}-abcde`, namespace, labels: { "kubernetes.io/service-name": service } },
  endpoints: endpoints.map((e) => ({
    addresses: [e.ip],
    conditions: e.ready === null ? {} : { ready: e.ready ?? true },
    ...(e.pod ? { targetRef: { kind: "Pod", name: e.pod, namespace } } : {}),
  })),
});

function cluster(objects: ({ kind: string } & Record<string, unknown>)[]): Map<string, unknown[]> {
  const byKind = new Map<string, unknown[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  return byKind;
}

describe("buildPicture", () => {
  it("draws a rollout: a Deployment with its new ReplicaSet first, each with its own pods, phase, readiness and restarts", () => {
    const picture = buildPicture(
      cluster([
        ns("default"),
        deployment("web", 3, 2),
        replicaSet("web-old", "web", 1, 1, 1),
        replicaSet("web-new", "web", 2, 3, 1),
        pod("web-old-a", "web-old"),
        pod("web-new-b", "web-new", { phase: "Pending", ready: false }),
        pod("web-new-a", "web-new", { restarts: [2, 1] }),
        pod("web-old-z", "web-old", { deleting: true }),
      ]),
    );
    expect(clusterPictureSchema.parse(picture)).toEqual(picture);
    const only = picture.namespaces[0]!;
    expect(only.name).toBe("default");
    expect(only.pods).toEqual([]);
    expect(only.deployments).toEqual([
      {
        name: "web",
        desired: 3,
        ready: 2,
        updated: 2,
        replicaSets: [
          {
            name: "web-new",
            revision: 2,
            desired: 3,
            ready: 1,
            pods: [
              { name: "web-new-a", phase: "Running", ready: true, restarts: 3, deleting: false },
              { name: "web-new-b", phase: "Pending", ready: false, restarts: 0, deleting: false },
            ],
          },
          {
            name: "web-old",
            revision: 1,
            desired: 1,
            ready: 1,
            pods: [
              { name: "web-old-a", phase: "Running", ready: true, restarts: 0, deleting: false },
              { name: "web-old-z", phase: "Running", ready: true, restarts: 0, deleting: true },
            ],
          },
        ],
      },
    ]);
  });

  it("puts a Service's endpoints under it, ready or not, with the pod behind each", () => {
    const picture = buildPicture(
      cluster([
        ns("default"),
        service("web"),
        slice("web", [
          { ip: "10.244.0.9", ready: false, pod: "web-b" },
          { ip: "10.244.0.5", pod: "web-a" },
          { ip: "10.0.0.1", ready: null },
        ]),
        slice("other", [{ ip: "10.244.0.7" }]),
      ]),
    );
    expect(picture.namespaces[0]!.services).toEqual([
      {
        name: "web",
        type: "NodePort",
        clusterIP: "10.96.0.10",
        ports: ["80:30080/TCP"],
        endpoints: [
          { address: "10.0.0.1", ready: true, pod: null },
          { address: "10.244.0.5", ready: true, pod: "web-a" },
          { address: "10.244.0.9", ready: false, pod: "web-b" },
        ],
      },
    ]);
  });

  it("keeps namespaces apart, leaves the system ones out and shows an empty or terminating namespace", () => {
    const picture = buildPicture(
      cluster([
        ns("default"),
        ns("kube-system"),
        ns("shop"),
        ns("old", "Terminating"),
        deployment("web", 1, 1, "shop"),
        replicaSet("web-1", "web", 1, 1, 1, "shop"),
        pod("web-1-a", "web-1", { namespace: "shop" }),
        // Same names in another namespace must not adopt shop's pods.
        replicaSet("web-1", null, 1, 1, 0),
        pod("coredns-x", null, { namespace: "kube-system" }),
      ]),
    );
    expect(picture.namespaces.map((n) => [n.name, n.terminating])).toEqual([
      ["default", false],
      ["old", true],
      ["shop", false],
    ]);
    const shop = picture.namespaces[2]!;
    expect(shop.deployments[0]!.replicaSets[0]!.pods.map((p) => p.name)).toEqual(["web-1-a"]);
    const def = picture.namespaces[0]!;
    expect(def.replicaSets).toEqual([{ name: "web-1", revision: 1, desired: 1, ready: 0, pods: [] }]);
    expect(def.deployments).toEqual([]);
  });

  it("a bare pod, a pod whose owner is not a ReplicaSet, and a Deployment made again that does not adopt the old one's ReplicaSet", () => {
    const again = { ...deployment("web", 1, 0), metadata: { name: "web", namespace: "default", uid: "d-new" } };
    const picture = buildPicture(
      cluster([
        pod("alone", null),
        { ...pod("job-x", null), metadata: { name: "job-x", namespace: "default", ownerReferences: [{ kind: "Job", name: "job", uid: "j1", controller: true }] } },
        again,
        replicaSet("web-1", "web", 1, 1, 1),
      ]),
    );
    // No Namespace objects were read: a namespace with objects is still drawn.
    const def = picture.namespaces[0]!;
    expect(def.pods.map((p) => p.name)).toEqual(["alone", "job-x"]);
    expect(def.deployments[0]!.replicaSets).toEqual([]);
    expect(def.replicaSets.map((r) => r.name)).toEqual(["web-1"]);
  });

  it("reads odd objects as 'not set' instead of failing the picture", () => {
    const picture = buildPicture(
      cluster([
        { kind: "Pod", metadata: { name: "weird", namespace: "default" }, status: { phase: 7, containerStatuses: "x" } } as never,
        { kind: "Pod", metadata: {} } as never,
        { kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: { replicas: "three" } } as never,
        { kind: "Service", metadata: { name: "headless", namespace: "default" }, spec: { clusterIP: "None" } } as never,
      ]),
    );
    expect(clusterPictureSchema.parse(picture)).toEqual(picture);
    const def = picture.namespaces[0]!;
    expect(def.pods).toEqual([{ name: "weird", phase: "Pending", ready: false, restarts: 0, deleting: false }]);
    expect(def.deployments[0]).toMatchObject({ name: "d", desired: 0, ready: 0 });
    expect(def.services[0]).toMatchObject({ name: "headless", type: "ClusterIP", clusterIP: null, ports: [], endpoints: [] });
  });

  it("draws the same picture whatever order the objects come in", () => {
    const objects = [ns("default"), deployment("web", 2, 2), replicaSet("web-1", "web", 1, 2, 2), pod("web-1-b", "web-1"), pod("web-1-a", "web-1"), service("web")];
    expect(buildPicture(cluster([...objects].reverse()))).toEqual(buildPicture(cluster(objects)));
  });
});

describe("picture diffs", () => {
  const before = buildPicture(cluster([ns("default"), ns("shop"), deployment("web", 1, 1), replicaSet("web-1", "web", 1, 1, 1), pod("web-1-a", "web-1")]));

  it("sends only the namespaces that changed, and applying it gives the new picture", () => {
    const after = buildPicture(
      cluster([ns("default"), ns("extra"), deployment("web", 3, 1), replicaSet("web-1", "web", 1, 3, 1), pod("web-1-a", "web-1"), pod("web-1-b", "web-1", { ready: false }), pod("web-1-c", "web-1", { ready: false })]),
    );
    const diff = diffPicture(before, after);
    expect(diff.upsert.map((n) => n.name)).toEqual(["default", "extra"]);
    expect(diff.remove).toEqual(["shop"]);
    expect(applyPictureDiff(before, diff)).toEqual(after);
  });

  it("is empty when nothing a reader sees changed", () => {
    const again = buildPicture(cluster([ns("shop"), ns("default"), pod("web-1-a", "web-1"), replicaSet("web-1", "web", 1, 1, 1), deployment("web", 1, 1)]));
    expect(isEmptyDiff(diffPicture(before, again))).toBe(true);
  });
});

describe("picture frames", () => {
  it("a frame is checked before it is sent, and an unknown version is refused", () => {
    const picture = buildPicture(cluster([ns("default")]));
    expect(encodePictureFrame({ type: "snapshot", version: 1, seq: 1, picture })).toMatch(/^event: picture\ndata: \{.*\}\n\n$/);
    expect(() => encodePictureFrame({ type: "diff", version: 1, seq: 1, upsert: [], remove: [] })).toThrow();
    expect(pictureFrameSchema.safeParse({ type: "snapshot", version: 2, seq: 1, picture: { ...picture, version: 2 } }).success).toBe(false);
  });
});
