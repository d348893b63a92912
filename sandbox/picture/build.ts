// From the objects the live watch read to the picture a learner reads: a pure function, so the
// same objects always draw the same picture (sorted by name everywhere) and a unit test can
// draw one from built objects. Each object is read through a loose schema: a field missing or
// of an unexpected type reads as "not set", never as a thrown error that would blank the
// picture. Ownership follows controller ownerReferences by uid (by name when a uid is
// missing), so a Deployment deleted and made again does not adopt its predecessor's pods.
import { z } from "zod";
import { type ClusterPicture, PICTURE_VERSION, type PictureDeployment, type PictureNamespace, type PicturePod, type PictureReplicaSet, type PictureService, SYSTEM_NAMESPACES } from "./schema";

const count = z.number().int().min(0).catch(0);
const text = z.string().catch("");

const ownerSchema = z.looseObject({ kind: text, name: text, uid: text.optional(), controller: z.boolean().optional().catch(undefined) });

const metaSchema = z.looseObject({
  name: text,
  namespace: text.optional(),
  uid: text.optional(),
  deletionTimestamp: z.string().nullish().catch(undefined),
  labels: z.record(z.string(), z.string()).optional().catch(undefined),
  annotations: z.record(z.string(), z.string()).optional().catch(undefined),
  ownerReferences: z.array(ownerSchema).optional().catch(undefined),
});

const objectSchema = z.looseObject({ metadata: metaSchema.catch({ name: "" }) });

const podSchema = objectSchema.extend({
  status: z
    .looseObject({
      phase: text.optional(),
      conditions: z.array(z.looseObject({ type: text, status: text })).optional().catch(undefined),
      containerStatuses: z.array(z.looseObject({ restartCount: count })).optional().catch(undefined),
      initContainerStatuses: z.array(z.looseObject({ restartCount: count })).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

const replicaSetSchema = objectSchema.extend({
  spec: z.looseObject({ replicas: count.optional() }).optional().catch(undefined),
  status: z.looseObject({ readyReplicas: count.optional() }).optional().catch(undefined),
});

const deploymentSchema = objectSchema.extend({
  spec: z.looseObject({ replicas: count.optional() }).optional().catch(undefined),
  status: z.looseObject({ readyReplicas: count.optional(), updatedReplicas: count.optional() }).optional().catch(undefined),
});

const serviceSchema = objectSchema.extend({
  spec: z
    .looseObject({
      type: text.optional(),
      clusterIP: text.optional(),
      ports: z.array(z.looseObject({ port: z.number().catch(0), nodePort: z.number().optional().catch(undefined), protocol: text.optional() })).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

const sliceSchema = objectSchema.extend({
  endpoints: z
    .array(
      z.looseObject({
        addresses: z.array(z.string()).catch([]),
        conditions: z.looseObject({ ready: z.boolean().nullish().catch(undefined) }).optional().catch(undefined),
        targetRef: z.looseObject({ kind: text, name: text }).optional().catch(undefined),
      }),
    )
    .nullish()
    .catch(undefined),
});

const namespaceSchema = objectSchema.extend({ status: z.looseObject({ phase: text.optional() }).optional().catch(undefined) });

type Meta = z.infer<typeof metaSchema>;

function parseAll<T extends z.ZodType>(schema: T, objects: readonly unknown[] | undefined): z.infer<T>[] {
  const out: z.infer<T>[] = [];
  for (const o of objects ?? []) {
    const parsed = schema.safeParse(o);
    if (parsed.success && (parsed.data as { metadata: Meta }).metadata.name) out.push(parsed.data);
  }
  return out;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The controller that owns an object, as "Kind/uid-or-name". */
function controllerOf(meta: Meta): { kind: string; key: string } | undefined {
  const ref = meta.ownerReferences?.find((r) => r.controller) ?? meta.ownerReferences?.[0];
  return ref ? { kind: ref.kind, key: ref.uid || `name:${ref.name}` } : undefined;
}

/** How an owner is known to what it owns: by uid, and by name for refs without one. */
function ownerKeys(meta: Meta): string[] {
  return [...(meta.uid ? [meta.uid] : []), `name:${meta.name}`];
}

function drawPod(pod: z.infer<typeof podSchema>): PicturePod {
  const status = pod.status;
  const restarts = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].reduce((n, c) => n + c.restartCount, 0);
  return {
    name: pod.metadata.name,
    phase: (status?.phase || "Pending").slice(0, 32),
    ready: status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    restarts,
    deleting: Boolean(pod.metadata.deletionTimestamp),
  };
}

function revisionOf(meta: Meta): number | null {
  const raw = meta.annotations?.["deployment.kubernetes.io/revision"];
  return raw !== undefined && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : null;
}

function servicePorts(service: z.infer<typeof serviceSchema>): string[] {
  return (service.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol || "TCP"}`);
}

/**
 * The picture of these objects. `byKind` maps a kind (Namespace, Deployment, ReplicaSet, Pod,
 * Service, EndpointSlice) to its objects as the API returned them; a kind left out reads as none.
 */
export function buildPicture(byKind: ReadonlyMap<string, readonly unknown[]>): ClusterPicture {
  const system = new Set<string>(SYSTEM_NAMESPACES);
  const namespaceOf = (meta: Meta) => meta.namespace || "default";
  const shown = <T extends { metadata: Meta }>(items: T[]) => items.filter((o) => !system.has(namespaceOf(o.metadata)));

  const namespaces = parseAll(namespaceSchema, byKind.get("Namespace")).filter((n) => !system.has(n.metadata.name));
  const pods = shown(parseAll(podSchema, byKind.get("Pod")));
  const replicaSets = shown(parseAll(replicaSetSchema, byKind.get("ReplicaSet")));
  const deployments = shown(parseAll(deploymentSchema, byKind.get("Deployment")));
  const services = shown(parseAll(serviceSchema, byKind.get("Service")));
  const slices = shown(parseAll(sliceSchema, byKind.get("EndpointSlice")));

  const pictures = new Map<string, PictureNamespace>();
  const nsPicture = (ns: string): PictureNamespace => {
    let p = pictures.get(ns);
    if (!p) pictures.set(ns, (p = { name: ns, terminating: false, deployments: [], replicaSets: [], pods: [], services: [] }));
    return p;
  };
  for (const ns of namespaces) nsPicture(ns.metadata.name).terminating = ns.status?.phase === "Terminating" || Boolean(ns.metadata.deletionTimestamp);

  // Pods by the ReplicaSet that controls them (namespace-qualified: names repeat across namespaces).
  const podsByOwner = new Map<string, PicturePod[]>();
  const rsKeys = new Set<string>();
  for (const rs of replicaSets) for (const key of ownerKeys(rs.metadata)) rsKeys.add(`${namespaceOf(rs.metadata)}/${key}`);
  for (const pod of pods) {
    const ns = namespaceOf(pod.metadata);
    const owner = controllerOf(pod.metadata);
    const key = owner?.kind === "ReplicaSet" ? `${ns}/${owner.key}` : undefined;
    if (key && rsKeys.has(key)) {
      const list = podsByOwner.get(key) ?? [];
      list.push(drawPod(pod));
      podsByOwner.set(key, list);
    } else nsPicture(ns).pods.push(drawPod(pod));
  }
  const podsOfReplicaSet = (ns: string, meta: Meta): PicturePod[] => {
    // A pod names its ReplicaSet once (by uid when it has one): take the first key that matched.
    for (const key of ownerKeys(meta)) {
      const list = podsByOwner.get(`${ns}/${key}`);
      if (list) return list.sort(byName);
    }
    return [];
  };

  const rsByDeployment = new Map<string, PictureReplicaSet[]>();
  const deploymentKeys = new Set<string>();
  for (const d of deployments) for (const key of ownerKeys(d.metadata)) deploymentKeys.add(`${namespaceOf(d.metadata)}/${key}`);
  for (const rs of replicaSets) {
    const ns = namespaceOf(rs.metadata);
    const drawn: PictureReplicaSet = {
      name: rs.metadata.name,
      revision: revisionOf(rs.metadata),
      desired: rs.spec?.replicas ?? 0,
      ready: rs.status?.readyReplicas ?? 0,
      pods: podsOfReplicaSet(ns, rs.metadata),
    };
    const owner = controllerOf(rs.metadata);
    const key = owner?.kind === "Deployment" ? `${ns}/${owner.key}` : undefined;
    if (key && deploymentKeys.has(key)) {
      const list = rsByDeployment.get(key) ?? [];
      list.push(drawn);
      rsByDeployment.set(key, list);
    } else nsPicture(ns).replicaSets.push(drawn);
  }

  for (const d of deployments) {
    const ns = namespaceOf(d.metadata);
    const sets = ownerKeys(d.metadata).flatMap((key) => rsByDeployment.get(`${ns}/${key}`) ?? []);
    const drawn: PictureDeployment = {
      name: d.metadata.name,
      desired: d.spec?.replicas ?? 1,
      ready: d.status?.readyReplicas ?? 0,
      updated: d.status?.updatedReplicas ?? 0,
      replicaSets: sets.sort((a, b) => (b.revision ?? -1) - (a.revision ?? -1) || byName(a, b)),
    };
    nsPicture(ns).deployments.push(drawn);
  }

  for (const s of services) {
    const ns = namespaceOf(s.metadata);
    const own = slices.filter((slice) => namespaceOf(slice.metadata) === ns && slice.metadata.labels?.["kubernetes.io/service-name"] === s.metadata.name);
    const endpoints = own
      .flatMap((slice) => slice.endpoints ?? [])
      .flatMap((e) =>
        e.addresses.slice(0, 1).map((address) => ({
          address: address.slice(0, 64),
          // The API's rule: an unset ready condition means ready.
          ready: e.conditions?.ready ?? true,
          pod: e.targetRef?.kind === "Pod" && e.targetRef.name ? e.targetRef.name : null,
        })),
      )
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    const clusterIP = s.spec?.clusterIP;
    const drawn: PictureService = {
      name: s.metadata.name,
      type: (s.spec?.type || "ClusterIP").slice(0, 32),
      clusterIP: clusterIP && clusterIP !== "None" ? clusterIP.slice(0, 64) : null,
      ports: servicePorts(s),
      endpoints,
    };
    nsPicture(ns).services.push(drawn);
  }

  const all = [...pictures.values()].sort(byName);
  for (const ns of all) {
    ns.deployments.sort(byName);
    ns.replicaSets.sort(byName);
    ns.pods.sort(byName);
    ns.services.sort(byName);
  }
  return { version: PICTURE_VERSION, namespaces: all };
}
