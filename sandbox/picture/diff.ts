// Pictures change a little at a time (a pod becomes ready, a ReplicaSet shrinks), so a stream
// sends the whole picture once and then only the namespaces that changed, whole. A namespace
// is small (a lesson's objects), so this keeps frames short without a field-by-field patch.
import type { ClusterPicture, PictureNamespace } from "./schema";

export interface PictureDiff {
  upsert: PictureNamespace[];
  remove: string[];
}

/** What turns `before` into `after`; empty lists when nothing a reader sees changed. */
export function diffPicture(before: ClusterPicture, after: ClusterPicture): PictureDiff {
  const old = new Map(before.namespaces.map((ns) => [ns.name, JSON.stringify(ns)]));
  const upsert = after.namespaces.filter((ns) => old.get(ns.name) !== JSON.stringify(ns));
  const kept = new Set(after.namespaces.map((ns) => ns.name));
  const remove = before.namespaces.map((ns) => ns.name).filter((name) => !kept.has(name));
  return { upsert, remove };
}

export function isEmptyDiff(diff: PictureDiff): boolean {
  return diff.upsert.length === 0 && diff.remove.length === 0;
}

/** `before` with the diff applied, namespaces kept in name order. */
export function applyPictureDiff(before: ClusterPicture, diff: PictureDiff): ClusterPicture {
  const gone = new Set(diff.remove);
  const byName = new Map(before.namespaces.filter((ns) => !gone.has(ns.name)).map((ns) => [ns.name, ns]));
  for (const ns of diff.upsert) byName.set(ns.name, ns);
  const namespaces = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...before, namespaces };
}
