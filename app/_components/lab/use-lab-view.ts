"use client";
// Keeps the panel's picture of the learner's lab current: the server's answer on mount (the
// lesson page itself is prerendered and knows no learner), then the event stream
// (/api/lab/events), then the answers of the panel's own actions.
import { useCallback, useEffect, useState } from "react";
import { labStatusAction, resetForLessonAction, resetLabAction, startLabAction, stopLabAction, switchLabAction } from "@/app/_lib/lab/actions";
import { type LabView, labViewSchema } from "@/sandbox/manager/view";
import { mergeView, type ViewSource } from "./lab-view-order";
import { followEventStream } from "@/app/_components/sse/follow-event-stream";
import { dataOf } from "@/app/_lib/actions/result";

const ENGINE_RETRY_MS = 15_000;

export type LabAction = "start" | "stop" | "reset" | "resetLesson" | "switch";

export interface LabViewControl {
  view: LabView;
  /** Whether this server runs labs; null until it has answered. */
  available: boolean | null;
  /** Why not: no lab runtime in this server, or its lab engine is away (then it is asked again). */
  unavailable: "runtime" | "engine" | null;
  /** The action waiting for the server's answer, if any. */
  pending: LabAction | null;
  /** The last action that failed; cleared by the next one. */
  failed: LabAction | null;
  /** Starts a lab of the open lesson's profile (`lab:` in its front matter); sim without a lesson. */
  start(locale: string, lessonId?: string | null): Promise<void>;
  stop(): Promise<void>;
  reset(): Promise<void>;
  /** A reset, then the lesson's setups: the lesson from a clean cluster. */
  resetLesson(lessonId: string): Promise<void>;
  /** This lab stops and one of the profile the lesson needs starts. */
  switchForLesson(locale: string, lessonId: string): Promise<void>;
  /** Asks the server again, e.g. when the terminal says the lab is gone. */
  refresh(): Promise<void>;
}

export function useLabView(): LabViewControl {
  const [view, setView] = useState<LabView>({ state: "none" });
  const [available, setAvailable] = useState<boolean | null>(null);
  const [unavailable, setUnavailable] = useState<"runtime" | "engine" | null>(null);
  const [pending, setPending] = useState<LabAction | null>(null);
  const [failed, setFailed] = useState<LabAction | null>(null);
  // The stream answers 401 to a learner with no session yet; it opens after the first start.
  const [streaming, setStreaming] = useState(false);

  const apply = useCallback((next: LabView, source: ViewSource) => setView((current) => mergeView(current, next, source)), []);

  const refresh = useCallback(async () => {
    try {
      const status = dataOf(await labStatusAction());
      setAvailable(status.available);
      setUnavailable(status.unavailable ?? null);
      apply(status.view, "action");
      setStreaming(status.available && status.view.state !== "none");
    } catch {
      // Offline or restarting; the stream's reconnect will catch up.
    }
  }, [apply]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // An engine that is away may come back (dockerd restarted): ask again now and then, so the
  // Start button returns without a reload.
  useEffect(() => {
    if (unavailable !== "engine") return;
    const timer = setInterval(() => void refresh(), ENGINE_RETRY_MS);
    return () => clearInterval(timer);
  }, [unavailable, refresh]);

  useEffect(() => {
    if (!streaming) return;
    return followEventStream("/api/lab/events", {
      events: {
        lab: (data) => {
          // A malformed event is skipped; the next one carries the whole view again.
          const parsed = labViewSchema.safeParse(data);
          if (parsed.success) apply(parsed.data, "stream");
        },
      },
      // The browser gave up on the stream: ask once by action while waiting to reconnect.
      onClosed: () => void refresh(),
    });
  }, [streaming, apply, refresh]);

  const run = useCallback(
    async (action: LabAction, call: () => Promise<LabView>) => {
      setPending(action);
      setFailed(null);
      try {
        const next = await call();
        apply(next, "action");
        // The answer itself shows that this server runs labs, so follow the lab from here on,
        // even when the first status request has not answered yet (a click right after the
        // page loads used to leave a cold start showing "starting" forever).
        if (next.state !== "none") setStreaming(true);
      } catch {
        setFailed(action);
        // Perhaps labs became unavailable since the page asked; the panel should say so.
        void refresh();
      } finally {
        setPending(null);
      }
    },
    [apply, refresh],
  );

  return {
    view,
    available,
    unavailable,
    pending,
    failed,
    start: (locale, lessonId) => run("start", async () => dataOf(await startLabAction({ locale: locale as "ko" | "en" /* the server refuses any other */, lessonId: lessonId ?? null }))),
    stop: () => run("stop", async () => dataOf(await stopLabAction())),
    reset: () => run("reset", async () => dataOf(await resetLabAction())),
    resetLesson: (lessonId) => run("resetLesson", async () => dataOf(await resetForLessonAction({ lessonId }))),
    switchForLesson: (locale, lessonId) => run("switch", async () => dataOf(await switchLabAction({ locale: locale as "ko" | "en", lessonId }))),
    refresh,
  };
}
