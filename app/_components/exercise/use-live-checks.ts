"use client";
// Opens the lesson's live-check stream while the learner's lab is ready, and feeds its
// frames to the exercise store. One stream per page, whatever the number of cards.
import { useEffect } from "react";
import { useLabReady } from "@/app/_components/lab/lab-bus";
import { backoffDelay } from "@/app/_components/lab/terminal-connection";
import { LIVE_EVENT, liveFrameSchema } from "@/app/_lib/grader/live-frames";
import { applyLiveFrame, loadProgress, setLive } from "./exercise-store";

export function useLiveChecks(lessonId: string): void {
  const labReady = useLabReady();

  useEffect(() => {
    void loadProgress(lessonId);
  }, [lessonId]);

  useEffect(() => {
    if (!labReady) {
      setLive(lessonId, "off");
      return;
    }
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let closed = false;
    const open = () => {
      source = new EventSource(`/api/lessons/${encodeURIComponent(lessonId)}/live`);
      source.addEventListener(LIVE_EVENT, (event) => {
        attempt = 0;
        try {
          const frame = liveFrameSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
          if (frame.success) applyLiveFrame(lessonId, frame.data);
        } catch {
          // A malformed frame is skipped; the next evaluation carries everything again.
        }
      });
      source.onerror = () => {
        // CLOSED means the browser gave up (401, 503): back off and open again.
        if (closed || source?.readyState !== EventSource.CLOSED) return;
        source.close();
        setLive(lessonId, "off");
        retry = setTimeout(open, backoffDelay(attempt++));
      };
    };
    open();
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
      setLive(lessonId, "off");
    };
  }, [lessonId, labReady]);
}
