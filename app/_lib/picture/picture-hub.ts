// One cluster picture per lab owner, however many tabs look at it (the learner's own, an
// instructor's): it rides on the owner's live session (live-hub.ts's ridePicture), builds the
// picture from the watched lab's objects each time the watch hands them over (listed once,
// then kept from the watch's events; sandbox/grader/live.ts) with sandbox/picture/build.ts, and
// sends each stream a snapshot when it joins, then a diff of the namespaces that changed.
// Objects that change nothing a reader sees send nothing. The ride ends a few seconds after the last
// stream leaves, so a reload does not restart the watch.
import "server-only";
import type { LiveRuntime } from "@/app/_lib/grader/live-session";
import { ridePicture } from "@/app/_lib/grader/live-hub";
import { processSingleton } from "@/app/_lib/process-singleton";
import { buildPicture } from "@/sandbox/picture/build";
import { diffPicture, isEmptyDiff } from "@/sandbox/picture/diff";
import { type ClusterPicture, PICTURE_VERSION, type PictureFrame } from "@/sandbox/picture/schema";

export const PICTURE_LIMITS = {
  /** Picture streams one viewer may hold: a few tabs fit, a script does not. */
  streamsPerViewer: 8,
  /** Picture streams from one address; a class behind one NAT fits. */
  streamsPerAddress: 300,
  lingerMs: 5_000,
};

type Send = (frame: PictureFrame) => void;

interface OwnerPicture {
  streams: Set<Send>;
  ride: { close(): void };
  picture?: ClusterPicture;
  seq: number;
  /** What the last frame said when it was not a picture: streams joining hear it too. */
  quiet?: "waiting" | "unreadable";
  linger?: NodeJS.Timeout;
}

interface Hub {
  owners: Map<string, OwnerPicture>;
  byViewer: Map<string, number>;
  byAddress: Map<string, number>;
}

function hub(): Hub {
  return processSingleton<Hub>("picture-hub", () => ({ owners: new Map(), byViewer: new Map(), byAddress: new Map() }));
}

function bump(map: Map<string, number>, key: string, delta: number): number {
  const n = (map.get(key) ?? 0) + delta;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
  return n;
}

function broadcast(owner: OwnerPicture, frame: PictureFrame): void {
  for (const send of owner.streams) send(frame);
}

function snapshot(owner: OwnerPicture): PictureFrame | undefined {
  return owner.picture ? { type: "snapshot", version: PICTURE_VERSION, seq: owner.seq, picture: owner.picture } : undefined;
}

function startOwner(ownerId: string, runtime: LiveRuntime, onError: (error: Error) => void): OwnerPicture {
  const owner: OwnerPicture = { streams: new Set(), seq: 0, ride: { close() {} } };
  owner.ride = ridePicture(
    { userId: ownerId, runtime, onError },
    {
      onLabState(state) {
        if (state !== "waiting") return;
        owner.picture = undefined;
        owner.quiet = "waiting";
        broadcast(owner, { type: "waiting" });
      },
      onRead(read) {
        if (!read.ok) {
          if (owner.quiet === "unreadable") return;
          owner.quiet = "unreadable";
          broadcast(owner, { type: "unreadable" });
          return;
        }
        const next = buildPicture(read.byKind);
        const before = owner.picture;
        // After a pause (no lab, an unreadable read) everyone gets the whole picture again.
        if (!before || owner.quiet) {
          owner.picture = next;
          owner.quiet = undefined;
          owner.seq++;
          broadcast(owner, snapshot(owner)!);
          return;
        }
        const diff = diffPicture(before, next);
        if (isEmptyDiff(diff)) return;
        owner.picture = next;
        owner.seq++;
        broadcast(owner, { type: "diff", version: PICTURE_VERSION, seq: owner.seq, ...diff });
      },
    },
  );
  return owner;
}

export type PictureRefusal = "too-many-streams";

/** A stream of the owner's cluster picture for one viewer; the first frame says what there is now. */
export function subscribePicture(
  opts: { ownerId: string; viewerId: string; address: string; runtime: LiveRuntime; onError(error: Error): void },
  send: Send,
): { close(): void } | { refused: PictureRefusal } {
  const h = hub();
  if ((h.byViewer.get(opts.viewerId) ?? 0) >= PICTURE_LIMITS.streamsPerViewer || (h.byAddress.get(opts.address) ?? 0) >= PICTURE_LIMITS.streamsPerAddress) {
    return { refused: "too-many-streams" };
  }
  let owner = h.owners.get(opts.ownerId);
  if (!owner) {
    owner = startOwner(opts.ownerId, opts.runtime, opts.onError);
    h.owners.set(opts.ownerId, owner);
  }
  const joined = owner;
  clearTimeout(joined.linger);
  joined.linger = undefined;
  bump(h.byViewer, opts.viewerId, 1);
  bump(h.byAddress, opts.address, 1);
  joined.streams.add(send);
  const first = joined.quiet ? { type: joined.quiet } : snapshot(joined);
  if (first) send(first);
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      bump(h.byViewer, opts.viewerId, -1);
      bump(h.byAddress, opts.address, -1);
      joined.streams.delete(send);
      if (joined.streams.size > 0) return;
      joined.linger = setTimeout(() => {
        if (joined.streams.size > 0 || h.owners.get(opts.ownerId) !== joined) return;
        h.owners.delete(opts.ownerId);
        joined.ride.close();
      }, PICTURE_LIMITS.lingerMs);
      joined.linger.unref?.();
    },
  };
}

/** Labs whose picture is being drawn now; for tests and metrics. */
export function picturesOpen(): number {
  return hub().owners.size;
}
