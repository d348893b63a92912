"use client";
// Opens the lesson's live-check stream while the learner's lab is ready, and feeds its
// frames to the exercise store. One stream per page, whatever the number of cards.
// It also tells the terminal to hold the learner's input while the lesson's setups run:
// from the moment the lab is ready until the stream says the lab is prepared (or that it
// could not be, or the stream is gone), so a command typed at once cannot race a setup.
import { useEffect } from "react";
import { announceInputHeld, useLabReady } from "@/app/_components/lab/lab-bus";
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
    announceInputHeld(true);
    const stop = followEventStream(`/api/lessons/${encodeURIComponent(lessonId)}/live`, {
      events: {
        [LIVE_EVENT]: (data) => {
          // A malformed frame is skipped; the next evaluation carries everything again.
          const frame = liveFrameSchema.safeParse(data);
          if (!frame.success) return;
          applyLiveFrame(lessonId, frame.data);
          if (frame.data.type !== "results") announceInputHeld(frame.data.type === "preparing");
        },
      },
      onClosed: () => {
        setLive(lessonId, "off");
        announceInputHeld(false);
      },
    });
    return () => {
      stop();
      setLive(lessonId, "off");
      announceInputHeld(false);
    };
  }, [lessonId, labReady]);
}
