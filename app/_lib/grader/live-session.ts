// Live checking for one open lesson page: follows the learner's lab (ready, resetting,
// ended, replaced), has the grading service prepare each ready lab with the lesson's setups
// in order and watch it, records what changed, and hands every evaluation to the stream.
import "server-only";
import type { LiveFrame } from "@/app/_lib/grader/live-frames";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import type { LabManager } from "@/sandbox/manager/manager";
import type { Provider } from "@/sandbox/providers/types";
import { type ClusterRead, gradeTarget } from "@/sandbox/grader/engine";
import type { LiveChecks } from "@/sandbox/grader/live";
import { recordResults } from "@/app/_lib/data/progress";
import { grading } from "./grading";

const RETRY_MS = 5000;

/** The part of the lab runtime a live session uses: which lab is ready, its changes, exec in it. */
export interface LiveRuntime {
  manager: Pick<LabManager, "readyLab" | "subscribe">;
  provider: Pick<Provider, "exec">;
}

export interface LiveSessionOptions {
  userId: string;
  lessonId: string;
  exercises: Exercise[];
  runtime: LiveRuntime;
  send(frame: LiveFrame): void;
  onError(error: Error): void;
}

export interface LiveSession {
  close(): void;
  /**
   * Hands the watched lab's objects to `reader` (the cluster picture) at once and after every
   * change, on this lab and on every lab that follows it; null stops. The checks' own watch
   * is widened, not doubled.
   */
  setPictureReader(reader: ((read: ClusterRead) => void) | null): void;
}

export function openLiveSession(opts: LiveSessionOptions): LiveSession {
  let closed = false;
  // The lab being watched and its checker; a new generation starts whenever the lab changes.
  let watching: { sandboxId: string; checker: LiveChecks; undoPicture?: () => void } | null = null;
  let pictureReader: ((read: ClusterRead) => void) | null = null;
  let generation = 0;
  let following = Promise.resolve();

  const stopWatching = () => {
    void watching?.checker.stop();
    watching = null;
  };

  const follow = async () => {
    if (closed) return;
    const lab = await opts.runtime.manager.readyLab(opts.userId);
    if (closed) return;
    if (lab && watching?.sandboxId === lab.sandboxId) return;
    stopWatching();
    const mine = ++generation;
    if (!lab) {
      opts.send({ type: "waiting" });
      return;
    }
    // A reset wipes the cluster and with it the record of which setups ran, so each new
    // lab (or the same lab after a reset) is prepared again, in the lesson's order.
    const current = () => !closed && mine === generation;
    opts.send({ type: "preparing", sandboxId: lab.sandboxId });
    // A setup that cannot run (the cluster busy or restarting) is tried again by schedule();
    // until then the page stops holding the learner's input.
    let checker: LiveChecks | null;
    try {
      checker = await grading().watchLesson(lab.sandboxId, {
        lessonId: opts.lessonId,
        exercises: opts.exercises,
        target: gradeTarget(opts.runtime.provider, lab.state),
        stillWanted: current,
        onResults: (results) => {
          if (!current()) return;
          // A lab that cannot be read for a moment says nothing about the learner's work:
          // stream it (the page keeps what it showed) but never store it as an attempt.
          if (results.outcome === "error") {
            opts.send({ type: "results", results });
            return;
          }
          // Stored only when the outcome differs from the last stored one, so a check that
          // ticked by itself is kept with its first-pass time without an attempt every few seconds.
          recordResults(opts.userId, lab.sandboxId, results, { live: true }).then(
            (recorded) => {
              if (closed) return;
              opts.send({ type: "results", results, progress: recorded ? { attempts: recorded.attempts, firstPassedAt: recorded.firstPassedAt } : undefined });
            },
            (error: unknown) => opts.onError(error instanceof Error ? error : new Error(String(error))),
          );
        },
        onError: opts.onError,
      });
    } catch (error) {
      if (current()) opts.send({ type: "unprepared", sandboxId: lab.sandboxId });
      throw error;
    }
    if (!checker) return;
    watching = { sandboxId: lab.sandboxId, checker, undoPicture: pictureReader ? checker.watchPicture(pictureReader) : undefined };
    opts.send({ type: "watching", sandboxId: lab.sandboxId });
  };

  // Lab events arrive in bursts; following them one at a time keeps a single checker. A lab
  // that could not be prepared (its cluster busy or restarting) is tried again shortly,
  // since no lab event may come to prompt it.
  let retry: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(retry);
    following = following.then(follow).catch((error: unknown) => {
      stopWatching();
      opts.onError(error instanceof Error ? error : new Error(String(error)));
      if (!closed) retry = setTimeout(schedule, RETRY_MS);
    });
  };
  const unsubscribe = opts.runtime.manager.subscribe(opts.userId, schedule);
  schedule();

  return {
    close() {
      closed = true;
      clearTimeout(retry);
      unsubscribe();
      stopWatching();
    },
    setPictureReader(reader) {
      if (closed) return;
      pictureReader = reader;
      if (!watching) return;
      watching.undoPicture?.();
      watching.undoPicture = reader ? watching.checker.watchPicture(reader) : undefined;
    },
  };
}
