// The objects the cluster picture is drawn from, kept up to date from the live watch's own
// events (ADDED, MODIFIED, DELETED) instead of a read of the cluster after every change. A full
// list of each kind (a resync) sets the starting point: when the picture opens, after the
// watch failed or its resourceVersion expired, or when a burst was too large to hand over.
//
// Events may come twice or out of turn: a watch resumes from the newest resourceVersion it
// answered, so events the list already holds are replayed, and a kind watched for a lesson
// and for the picture at once arrives on two streams. So an event older than its kind's list,
// or not newer than the object held, changes nothing, and a deleted object is remembered
// (until the next resync), so a late copy of an older event cannot bring it back.
import { z } from "zod";
import { PICTURE_KINDS, SYSTEM_NAMESPACES } from "./schema";

const metaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});

const eventSchema = z.looseObject({
  type: z.enum(["ADDED", "MODIFIED", "DELETED"]),
  object: z.looseObject({ kind: z.string(), metadata: metaSchema }),
});

/** One kind listed whole: the list's resourceVersion and its items (which carry no kind of their own). */
export const pictureListSchema = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string().regex(/^[0-9]+$/) }),
  items: z.array(z.looseObject({ metadata: metaSchema })).nullable().transform((items) => items ?? []),
});
export type PictureList = z.infer<typeof pictureListSchema>;

type Meta = z.infer<typeof metaSchema>;

interface Held {
  version: number;
  object: unknown;
}

/** Deleted objects remembered at most; the oldest are forgotten first. */
const MAX_GONE = 10_000;

const kinds = new Set<string>(PICTURE_KINDS);
const system = new Set<string>(SYSTEM_NAMESPACES);

const versionOf = (meta: Meta) => (meta.resourceVersion && /^[0-9]+$/.test(meta.resourceVersion) ? Number(meta.resourceVersion) : 0);
/** An object's identity: its uid (a Deployment deleted and made again is another object), else where it lives. */
const keyOf = (meta: Meta) => meta.uid || `${meta.namespace ?? ""}/${meta.name}`;
const isSystem = (kind: string, meta: Meta) => system.has(kind === "Namespace" ? meta.name : meta.namespace || "default");

export class PictureObjects {
  private readonly held = new Map<string, Map<string, Held>>();
  /** Each kind's list resourceVersion: events up to it are in the list already. */
  private readonly listedAt = new Map<string, number>();
  private readonly gone = new Map<string, true>();
  private listed = false;

  /** True once a resync has set the starting point; before that, events are not applied. */
  get ready(): boolean {
    return this.listed;
  }

  /** Starts again from a full list of every picture kind. */
  resync(lists: ReadonlyMap<string, PictureList>): void {
    this.held.clear();
    this.listedAt.clear();
    this.gone.clear();
    for (const kind of PICTURE_KINDS) {
      const list = lists.get(kind);
      const objects = new Map<string, Held>();
      this.held.set(kind, objects);
      if (!list) continue;
      this.listedAt.set(kind, Number(list.metadata.resourceVersion));
      for (const item of list.items) {
        if (isSystem(kind, item.metadata)) continue;
        // A list's items carry no kind; the picture's schemas do not need one, a reader might.
        objects.set(keyOf(item.metadata), { version: versionOf(item.metadata), object: { kind, ...item } });
      }
    }
    this.listed = true;
  }

  /**
   * Applies watch events (parsed JSON lines, in the order they came; anything else is
   * skipped). Returns whether an object the picture is drawn from changed.
   */
  apply(events: readonly unknown[]): boolean {
    if (!this.listed) return false;
    let changed = false;
    for (const raw of events) {
      const parsed = eventSchema.safeParse(raw);
      if (!parsed.success) continue;
      const { type, object } = parsed.data;
      const meta = object.metadata;
      if (!kinds.has(object.kind) || isSystem(object.kind, meta)) continue;
      const version = versionOf(meta);
      if (version <= (this.listedAt.get(object.kind) ?? 0)) continue;
      const objects = this.held.get(object.kind)!;
      const key = keyOf(meta);
      if (type === "DELETED") {
        changed = objects.delete(key) || changed;
        this.gone.set(key, true);
        if (this.gone.size > MAX_GONE) this.gone.delete(this.gone.keys().next().value!);
        continue;
      }
      if (this.gone.has(key)) continue;
      const held = objects.get(key);
      if (held && held.version >= version) continue;
      objects.set(key, { version, object });
      changed = true;
    }
    return changed;
  }

  /** The objects held now, by kind, as buildPicture takes them. */
  byKind(): Map<string, unknown[]> {
    return new Map(PICTURE_KINDS.map((kind) => [kind, [...(this.held.get(kind)?.values() ?? [])].map((h) => h.object)]));
  }
}
