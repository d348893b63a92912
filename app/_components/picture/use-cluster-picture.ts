"use client";
// Follows a cluster picture stream (/api/lab/picture) while a component shows it: a snapshot
// replaces the picture, a diff that follows the picture it was made from is applied, and a
// frame of another document version says this page is older than the server.
import { useEffect, useState } from "react";
import { followEventStream } from "@/app/_components/sse/follow-event-stream";
import { applyPictureDiff } from "@/sandbox/picture/diff";
import { type ClusterPicture, PICTURE_EVENT, PICTURE_VERSION, pictureFrameSchema } from "@/sandbox/picture/schema";

export type PictureStatus = "connecting" | "live" | "waiting" | "unreadable" | "tooManyStreams" | "signedOut" | "outdated";

export interface PictureState {
  status: PictureStatus;
  picture: ClusterPicture | null;
  /** Counts pictures shown; a test or a screen reader may watch it change. */
  seq: number;
}

const INITIAL: PictureState = { status: "connecting", picture: null, seq: 0 };

function next(state: PictureState, data: unknown): PictureState {
  const parsed = pictureFrameSchema.safeParse(data);
  if (!parsed.success) {
    const version = (data as { version?: unknown } | null)?.version;
    return typeof version === "number" && version !== PICTURE_VERSION ? { ...state, status: "outdated" } : state;
  }
  const frame = parsed.data;
  switch (frame.type) {
    case "snapshot":
      return { status: "live", picture: frame.picture, seq: frame.seq };
    case "diff":
      // A diff made from a picture this page does not have waits for the next snapshot.
      if (!state.picture || frame.seq !== state.seq + 1) return state;
      return { status: "live", picture: applyPictureDiff(state.picture, frame), seq: frame.seq };
    case "waiting":
      return { status: "waiting", picture: null, seq: 0 };
    case "unreadable":
      return { ...state, status: "unreadable" };
    case "refused":
      return { ...state, status: frame.reason === "signed-out" ? "signedOut" : "tooManyStreams" };
  }
}

/** The picture behind `url`, followed while `url` is set. */
export function useClusterPicture(url: string | null): PictureState {
  const [state, setState] = useState<PictureState>(INITIAL);
  useEffect(() => {
    setState(INITIAL);
    if (!url) return;
    return followEventStream(url, {
      events: { [PICTURE_EVENT]: (data) => setState((s) => next(s, data)) },
      onInterrupted: () => setState((s) => (s.status === "live" ? { ...s, status: "connecting" } : s)),
    });
  }, [url]);
  return state;
}
