// The cluster picture: what the learner's cluster holds, shaped for reading beside a lesson
// (namespaces; Deployments -> ReplicaSets -> Pods; Services -> their endpoints), and the
// frames that carry it to a browser: a whole snapshot, then diffs by namespace. Versioned, so
// a browser of an older build that meets a newer document says so instead of misreading it.
// Built by ./build.ts from watched objects, diffed by ./diff.ts; the app only streams it.
import { z } from "zod";

export const PICTURE_VERSION = 1;

const name = z.string().min(1).max(253);

export const picturePodSchema = z.strictObject({
  name,
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: z.string().max(32),
  /** The Ready condition is True. */
  ready: z.boolean(),
  /** Restarts of all its containers together. */
  restarts: z.number().int().min(0),
  /** Has a deletionTimestamp: Terminating. */
  deleting: z.boolean(),
});
export type PicturePod = z.infer<typeof picturePodSchema>;

export const pictureReplicaSetSchema = z.strictObject({
  name,
  /** deployment.kubernetes.io/revision, when its Deployment set one. */
  revision: z.number().int().min(0).nullable(),
  desired: z.number().int().min(0),
  ready: z.number().int().min(0),
  pods: z.array(picturePodSchema),
});
export type PictureReplicaSet = z.infer<typeof pictureReplicaSetSchema>;

export const pictureDeploymentSchema = z.strictObject({
  name,
  desired: z.number().int().min(0),
  ready: z.number().int().min(0),
  updated: z.number().int().min(0),
  /** Newest revision first: the one a rollout moves to leads. */
  replicaSets: z.array(pictureReplicaSetSchema),
});
export type PictureDeployment = z.infer<typeof pictureDeploymentSchema>;

export const pictureEndpointSchema = z.strictObject({
  address: z.string().max(64),
  ready: z.boolean(),
  /** The pod behind it (targetRef), when there is one. */
  pod: name.nullable(),
});

export const pictureServiceSchema = z.strictObject({
  name,
  type: z.string().max(32),
  clusterIP: z.string().max(64).nullable(),
  /** "80/TCP", or "80:30080/TCP" for a NodePort. */
  ports: z.array(z.string().max(64)),
  endpoints: z.array(pictureEndpointSchema),
});
export type PictureService = z.infer<typeof pictureServiceSchema>;

export const pictureNamespaceSchema = z.strictObject({
  name,
  terminating: z.boolean(),
  deployments: z.array(pictureDeploymentSchema),
  /** ReplicaSets no Deployment owns, with their pods. */
  replicaSets: z.array(pictureReplicaSetSchema),
  /** Pods no ReplicaSet above owns (bare pods, a Job's or a StatefulSet's). */
  pods: z.array(picturePodSchema),
  services: z.array(pictureServiceSchema),
});
export type PictureNamespace = z.infer<typeof pictureNamespaceSchema>;

export const clusterPictureSchema = z.strictObject({
  version: z.literal(PICTURE_VERSION),
  /** The learner's namespaces by name; the system ones (kube-*) are left out. */
  namespaces: z.array(pictureNamespaceSchema),
});
export type ClusterPicture = z.infer<typeof clusterPictureSchema>;

/** Namespaces the cluster runs itself: never drawn, never watched for the picture. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

/** The kinds the picture is drawn from (names as sandbox/grader/kinds.ts knows them). */
export const PICTURE_KINDS = ["Namespace", "Deployment", "ReplicaSet", "Pod", "Service", "EndpointSlice"] as const;

/**
 * What a picture stream sends, one frame per SSE `picture` event. `seq` counts pictures on one
 * stream: a diff applies to the picture numbered `seq - 1`, and a browser that missed one
 * waits for the next snapshot (a reconnect always starts with one).
 */
export const pictureFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("snapshot"), version: z.literal(PICTURE_VERSION), seq: z.number().int().min(1), picture: clusterPictureSchema }),
  z.strictObject({
    type: z.literal("diff"),
    version: z.literal(PICTURE_VERSION),
    seq: z.number().int().min(2),
    /** Namespaces new or changed, whole. */
    upsert: z.array(pictureNamespaceSchema),
    /** Namespaces gone, by name. */
    remove: z.array(name),
  }),
  /** No ready lab to draw (none yet, resetting, ended). */
  z.strictObject({ type: z.literal("waiting") }),
  /** The cluster could not be read just now; the last picture stays, marked as old. */
  z.strictObject({ type: z.literal("unreadable") }),
  /** No picture on this stream; the server closes it. */
  z.strictObject({ type: z.literal("refused"), reason: z.enum(["too-many-streams", "signed-out"]) }),
]);
export type PictureFrame = z.infer<typeof pictureFrameSchema>;

export const PICTURE_EVENT = "picture";

/** One SSE frame, checked against the schema before it leaves. */
export function encodePictureFrame(frame: PictureFrame): string {
  return `event: ${PICTURE_EVENT}\ndata: ${JSON.stringify(pictureFrameSchema.parse(frame))}\n\n`;
}
