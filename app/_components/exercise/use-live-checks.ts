"use client";
// Opens the lesson's live-check stream while the learner's lab is ready, and feeds its
// frames to the exercise store. One stream per page, whatever the number of cards.
import { useEffect } from "react";
import { useLabReady } from "@/app/_components/lab/lab-bus";
import { followEventStream } from "@/app/_components/sse/follow-event-stream";
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
    const stop = followEventStream(`/api/lessons/${encodeURIComponent(lessonId)}/live`, {
      events: {
        [LIVE_EVENT]: (data) => {
          // A malformed frame is skipped; the next evaluation carries everything again.
          const frame = liveFrameSchema.safeParse(data);
          if (frame.success) applyLiveFrame(lessonId, frame.data);
        },
      },
      onClosed: () => setLive(lessonId, "off"),
    });
    return () => {
      stop();
      setLive(lessonId, "off");
    };
  }, [lessonId, labReady]);
}
