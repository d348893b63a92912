// The cluster picture followed from the live watch's own events (sandbox/picture/objects.ts):
// lists set where it starts, ADDED/MODIFIED/DELETED move it on, and replayed, duplicated or
// late events change nothing. Objects are shaped as the apiserver sends them: list items carry
// no kind, watch events do. The watch itself, on a real lab, is in
// test/integration/grader/picture-watch.test.ts.
import { describe, expect, it } from "vitest";
import { buildPicture } from "@/sandbox/picture/build";
import { type PictureList, pictureListSchema, PictureObjects } from "@/sandbox/picture/objects";
import { PICTURE_KINDS } from "@/sandbox/picture/schema";

type Obj = { kind: string; metadata: Record<string, unknown>; [k: string]: unknown };

const ns = (name: string, rv: number): Obj => ({ kind: "Namespace", metadata: { name, uid: `ns-${name}`, resourceVersion: String(rv) }, status: { phase: "Active" } });

const deployment = (name: string, rv: number, replicas: number, ready: number): Obj => ({
  kind: "Deployment",
  metadata: { name, namespace: "default", uid: `d-${name}`, resourceVersion: String(rv) },
  spec: { replicas },
  status: { readyReplicas: ready, updatedReplicas: ready },
});

const replicaSet = (name: string, rv: number, owner: string, revision: number, replicas: number, ready: number): Obj => ({
  kind: "ReplicaSet",
  metadata: {
    name,
    namespace: "default",
    uid: `rs-${name}`,
    resourceVersion: String(rv),
    annotations: { "deployment.kubernetes.io/revision": String(revision) },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: owner, uid: `d-${owner}`, controller: true }],
  },
  spec: { replicas },
  status: { replicas, readyReplicas: ready },
});

const pod = (name: string, rv: number, owner: string, opts: { phase?: string; ready?: boolean; namespace?: string; uid?: string } = {}): Obj => ({
  kind: "Pod",
  metadata: {
    name,
    namespace: opts.namespace ?? "default",
    uid: opts.uid ?? `p-${name}`,
    resourceVersion: String(rv),
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: `rs-${owner}`, controller: true }],
  },
  status: { phase: opts.phase ?? "Running", conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }], containerStatuses: [{ restartCount: 0 }] },
});

/** Lists as the apiserver answers them: a resourceVersion and items without a kind. */
function lists(at: number, objects: Obj[]): Map<string, PictureList> {
  return new Map(
    PICTURE_KINDS.map((kind) => [
      kind,
      pictureListSchema.parse({
        kind: `${kind}List`,
        metadata: { resourceVersion: String(at) },
        items: objects.filter((o) => o.kind === kind).map(({ kind: _, ...item }) => item),
      }),
    ]),
  );
}

const added = (object: Obj) => ({ type: "ADDED", object });
const modified = (object: Obj) => ({ type: "MODIFIED", object });
const deleted = (object: Obj) => ({ type: "DELETED", object });

const webAt = (objects: PictureObjects) => buildPicture(objects.byKind()).namespaces.find((n) => n.name === "default")?.deployments.find((d) => d.name === "web");
const podsOf = (objects: PictureObjects) => webAt(objects)?.replicaSets.flatMap((rs) => rs.pods.map((p) => p.name)) ?? [];

const start = [ns("default", 1), deployment("web", 10, 2, 2), replicaSet("web-a", 11, "web", 1, 2, 2), pod("web-a-1", 12, "web-a"), pod("web-a-2", 13, "web-a")];

function listed(at = 20, objects = start): PictureObjects {
  const o = new PictureObjects();
  o.resync(lists(at, objects));
  return o;
}

describe("the cluster picture from watch events", () => {
  it("draws the same picture from the lists as from a read of the same objects", () => {
    const objects = listed();
    expect(objects.ready).toBe(true);
    expect(buildPicture(objects.byKind())).toEqual(buildPicture(new Map(PICTURE_KINDS.map((k) => [k, start.filter((o) => o.kind === k)]))));
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-2"]);
  });

  it("takes a deleted pod out of the picture", () => {
    const objects = listed();
    expect(objects.apply([deleted(pod("web-a-2", 21, "web-a"))])).toBe(true);
    expect(podsOf(objects)).toEqual(["web-a-1"]);
  });

  it("shows a scaled Deployment's new ReplicaSet and its pods, and the old one shrinking", () => {
    const objects = listed();
    const changed = objects.apply([
      modified(deployment("web", 21, 3, 2)),
      added(replicaSet("web-b", 22, "web", 2, 1, 0)),
      added(pod("web-b-1", 23, "web-b", { phase: "Pending", ready: false })),
      modified(replicaSet("web-a", 24, "web", 1, 1, 1)),
      modified(pod("web-b-1", 25, "web-b")),
      added(pod("web-b-2", 26, "web-b")),
      deleted(pod("web-a-2", 27, "web-a")),
    ]);
    expect(changed).toBe(true);
    const web = webAt(objects)!;
    expect(web.desired).toBe(3);
    expect(web.replicaSets.map((rs) => [rs.name, rs.desired, rs.pods.map((p) => [p.name, p.phase, p.ready])])).toEqual([
      ["web-b", 1, [["web-b-1", "Running", true], ["web-b-2", "Running", true]]],
      ["web-a", 1, [["web-a-1", "Running", true]]],
    ]);
  });

  it("ignores events the lists already hold, and a copy older than the object held", () => {
    const objects = listed(20);
    // Replayed from before the lists (a watch resumes from an older resourceVersion): the
    // pod deleted at 15 was not listed, and its ADDED must not bring it back.
    expect(objects.apply([added(pod("gone", 14, "web-a")), modified(deployment("web", 19, 9, 0)), deleted(pod("gone", 15, "web-a"))])).toBe(false);
    expect(webAt(objects)!.desired).toBe(2);
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-2"]);
    // The same kind watched twice (for a lesson and for the picture): each event comes twice.
    objects.apply([modified(pod("web-a-1", 30, "web-a", { ready: false })), modified(pod("web-a-1", 31, "web-a"))]);
    expect(objects.apply([modified(pod("web-a-1", 30, "web-a", { ready: false }))])).toBe(false);
    expect(webAt(objects)!.replicaSets[0]!.pods[0]!.ready).toBe(true);
  });

  it("never brings a deleted object back from a late copy of an older event", () => {
    const objects = listed(20);
    objects.apply([added(pod("web-a-3", 21, "web-a")), deleted(pod("web-a-3", 23, "web-a"))]);
    // The second stream's copy of the ADDED, after the first stream's DELETED.
    expect(objects.apply([added(pod("web-a-3", 21, "web-a")), modified(pod("web-a-3", 22, "web-a"))])).toBe(false);
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-2"]);
    // A new pod of the same name is another object (another uid), and is drawn.
    objects.apply([added(pod("web-a-3", 24, "web-a", { uid: "p-web-a-3-again" }))]);
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-2", "web-a-3"]);
  });

  it("starts again from the lists of a resync (a watch restarted or its resourceVersion expired)", () => {
    const objects = listed(20);
    objects.apply([added(pod("web-a-3", 21, "web-a"))]);
    // Events were missed (the watch expired); the new lists are the truth: web-a-3 and
    // web-a-2 went, web-a-4 came, the Deployment was scaled.
    objects.resync(lists(40, [ns("default", 1), deployment("web", 35, 2, 2), replicaSet("web-a", 36, "web", 1, 2, 2), pod("web-a-1", 12, "web-a"), pod("web-a-4", 37, "web-a")]));
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-4"]);
    // What the resumed watch replays from before the new lists changes nothing; what follows does.
    expect(objects.apply([deleted(pod("web-a-4", 38, "web-a")), added(pod("web-a-5", 41, "web-a"))])).toBe(true);
    expect(podsOf(objects)).toEqual(["web-a-1", "web-a-4", "web-a-5"]);
    // A pod deleted before the resync, and known gone then, may come back as a new object
    // after it: what was remembered as gone is forgotten with the old lists.
    objects.apply([added(pod("web-a-3", 42, "web-a"))]);
    expect(podsOf(objects)).toContain("web-a-3");
  });

  it("applies nothing before its first lists, and leaves out system namespaces, other kinds and what it cannot read", () => {
    const before = new PictureObjects();
    expect(before.ready).toBe(false);
    expect(before.apply([added(pod("early", 5, "web-a"))])).toBe(false);
    const objects = listed(20);
    const changed = objects.apply([
      added(pod("coredns-1", 21, "coredns", { namespace: "kube-system" })),
      added(ns("kube-public", 22)),
      { type: "ADDED", object: { kind: "ConfigMap", metadata: { name: "cm", namespace: "default", uid: "cm", resourceVersion: "23" } } },
      { type: "BOOKMARK", object: { kind: "Pod", metadata: { name: "", resourceVersion: "24" } } },
      { type: "ERROR", object: { kind: "Status", code: 410 } },
      "not an event",
      { type: "ADDED", object: { kind: "Pod" } },
    ]);
    expect(changed).toBe(false);
    expect(buildPicture(objects.byKind())).toEqual(buildPicture(listed(20).byKind()));
  });
});
